"""A CTG's articles compared: each by its key, shown by its heading as printed (« Article 7 – Durée »)."""

from __future__ import annotations

from paraphe.diff.change import pointer
from paraphe.diff.generic import Comparer
from paraphe.diff.matching import match, paired
from paraphe.manifest.model import Article, Convention

ARTICLES = "Articles"


def compare_articles(comparer: Comparer, old: Convention, new: Convention) -> None:
    """Articles added, removed, renumbered or retitled (their heading), reworded (their lines), reordered."""
    pairs = match(old.articles, new.articles, [lambda a: a.key])
    for j, b in enumerate(new.articles):
        ptr = _pointer(b, j)
        here = (ARTICLES, b.heading)
        i = paired(pairs, j)
        if i is None:
            comparer.emit("added", here, ptr, "", None, _described(b))
            continue
        a = old.articles[i]
        comparer.value(here, ptr, "heading", a.heading, b.heading)
        comparer.texts(here, ptr + "/paragraphs", "paragraphs", _lines(a), _lines(b))
    for i, a in enumerate(old.articles):
        if i not in pairs:
            comparer.emit("removed", (ARTICLES, a.heading), _pointer(a, i), "", _described(a), None)
    comparer.reorder((ARTICLES,), "/articles", "articles", pairs, [a.key for a in old.articles])


def _pointer(article: Article, position: int) -> str:
    return pointer("articles", article.index if article.index is not None else position)


def _lines(article: Article) -> list[str]:
    """The manifest's wording, a line a paragraph or bullet; the template's wording says so."""
    if article.template_wording:
        return ["(texte du modèle)"]
    lines = []
    for paragraph in article.paragraphs:
        if paragraph.text:
            lines.append(paragraph.text)
        lines.extend(f"– {item}" for item in paragraph.items)
    return lines


def _described(article: Article) -> str:
    return " ".join([article.heading, *_lines(article)])
