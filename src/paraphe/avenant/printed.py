"""The articles of a convention as its Word template prints them, to tell which ones an avenant changes.

A CTG's articles keep the template's wording unless the manifest rewords them, and that wording
takes the parties, the period, the fields of intervention… from the rest of the manifest. What
was signed is the printed text: both versions are rendered with the convention's template and
their articles compared paragraph by paragraph. An article whose printed text changed, for
whatever reason (reworded, or its parties' list or its years changed), is replaced whole.
"""

from __future__ import annotations

import io

from paraphe.manifest.model import AmendmentParagraph, Convention
from paraphe.resources import template_path

ARTICLE_STYLE = "Titre d’article"
_ITEM_STYLES = ("List Bullet",)
_TEXT_STYLES = ("Texte justifié", "Intertitre", "Heading 2", "Heading 3")

Printed = dict[str, tuple[AmendmentParagraph, ...]]


def printed_articles(c: Convention) -> Printed:
    """Each article's paragraphs by key, as printed; empty when the template does not print them all."""
    if not c.articles:
        return {}
    # Imported here: python-docx and docxtpl are for avenants that are read, not for every command.
    import docx

    from paraphe.render.docx import render_docx

    document = docx.Document(io.BytesIO(render_docx(c, template_path(c.kind, c.source))))
    bodies: list[list[AmendmentParagraph]] = []
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        text = " ".join(paragraph.text.split())
        if style == ARTICLE_STYLE:
            bodies.append([])
        elif bodies and style.startswith("Heading 1"):
            break  # the plan d'actions, the signatures: the articles are over
        elif bodies and text and style in _ITEM_STYLES:
            bodies[-1].append(AmendmentParagraph(text, "item"))
        elif bodies and text and style in _TEXT_STYLES:
            bodies[-1].append(AmendmentParagraph(text))
    if len(bodies) != len(c.articles):
        return {}  # a template of its own that prints them otherwise: the articles are not compared
    return {a.key: tuple(body) for a, body in zip(c.articles, bodies, strict=True)}
