"""An avenant's own template context: its number, what it amends, its articles numbered and typeset.

The articles' text is the model's (written by `paraphe.avenant` from the diff, or by hand);
this module numbers them (« Article 1er », « Article 2 »), sets the convention's new wording
in « » across its paragraphs, and gives the signature page as the CTG's.
"""

from __future__ import annotations

from typing import Any

from paraphe.manifest.model import AmendmentArticle, AmendmentParagraph, Convention
from paraphe.render.ctg import in_words, signature_blocks
from paraphe.render.typography import NBSP, NNBSP, fr_date, fr_text


def avenant_context(c: Convention) -> dict[str, Any]:
    a = c.amendment
    if a is None:
        raise ValueError(f"{c.id}: an avenant without its amendment")
    original = a.original
    return {
        "avenant": {
            "number": f"n°{NBSP}{a.number}",
            "convention": fr_text(original.title),
            "convention_period": f"{original.period.start} – {original.period.end}",
            "signed_on": fr_date(original.signed_on) if original.signed_on else "",
            "fingerprint": original.fingerprint,
            "effective": fr_date(a.effective) if a.effective else "",
            "articles": [_article(i, article) for i, article in enumerate(a.articles, start=1)],
        },
        "copies": in_words(sum(len(p.members) or 1 for p in c.parties) or len(c.signatories)),
        "signature_blocks": signature_blocks(c),
    }


def article_heading(number: int, title: str) -> str:
    """« Article 1er – Objet de l'avenant », « Article 2 – Durée de la convention »."""
    ordinal = "1er" if number == 1 else str(number)
    return fr_text(f"Article {ordinal} – {title}")


def _article(number: int, article: AmendmentArticle) -> dict[str, Any]:
    return {"heading": article_heading(number, article.title), "paragraphs": _paragraphs(article.paragraphs)}


def _paragraphs(paragraphs: tuple[AmendmentParagraph, ...]) -> list[dict[str, str]]:
    """Each paragraph typeset; a run of quoted paragraphs opens with « and closes with »."""
    out = []
    for i, p in enumerate(paragraphs):
        text = fr_text(p.text)
        if p.style == "quoted":
            opens = i == 0 or paragraphs[i - 1].style != "quoted"
            closes = i == len(paragraphs) - 1 or paragraphs[i + 1].style != "quoted"
            text = ("«" + NNBSP if opens else "") + text + (NNBSP + "»" if closes else "")
        style = p.style
        if style == "text" and i + 1 < len(paragraphs) and paragraphs[i + 1].style == "quoted":
            style = "lead"  # « … est remplacé par les dispositions suivantes : » stays on the page of what follows
        out.append({"style": style, "text": text})
    return out
