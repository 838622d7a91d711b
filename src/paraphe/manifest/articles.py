"""A convention's articles: the template's defaults, reworded, removed, reordered or added by the manifest.

The template of a kind prints a default wording for each of its articles (keyed, in
`TEMPLATE_ARTICLES`); the manifest's `articles` list, when given, says which articles the
convention has and in what order. Numbers follow the document's order and style
(`article_numbering`), headings its pattern (`article_heading`).
"""

from __future__ import annotations

from typing import Any

from paraphe.manifest.model import Article, Paragraph

# Each kind's template articles: (key, default title), in the template's order. The wording of
# each is the template's; the keys are those a manifest's `articles` list (and an avenant) names.
TEMPLATE_ARTICLES: dict[str, tuple[tuple[str, str], ...]] = {
    "ctg": (
        ("purpose", "Objet de la convention"),
        ("fields", "Champs d'intervention"),
        ("diagnostic", "Diagnostic partagé"),
        ("commitments", "Engagements des parties et plan d'actions"),
        ("steering", "Pilotage et suivi"),
        ("evaluation", "Évaluation"),
        ("duration", "Durée"),
        ("amendment", "Modification par avenant"),
        ("termination", "Résiliation"),
        ("disputes", "Litiges"),
    ),
}

DEFAULT_HEADING = "Article {number} – {title}"
NUMBERINGS = ("arabic", "first", "upper-roman")

_ROMAN: tuple[tuple[int, str], ...] = (
    (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def template_articles(kind: str) -> dict[str, str]:
    """The template's articles of a kind: key → default title, in order (none for a kind without articles)."""
    return dict(TEMPLATE_ARTICLES.get(kind, ()))


def article_number(position: int, numbering: str) -> str:
    """« 7 »; « 1er » then « 2 » with `first`; « VII » with `upper-roman`."""
    if numbering == "first" and position == 1:
        return "1er"
    if numbering == "upper-roman":
        out, n = "", position
        for value, symbol in _ROMAN:
            while n >= value:
                out, n = out + symbol, n - value
        return out
    return str(position)


def resolve_articles(data: dict[str, Any]) -> tuple[Article, ...]:
    """The manifest's articles in order, numbered and headed; the template's own when it lists none.

    Runs on a manifest validation accepted: keys are known or the entry brings its title and
    paragraphs, none is listed twice.
    """
    defaults = template_articles(data["kind"])
    entries = data.get("articles", list(defaults))
    numbering = data.get("article_numbering", "arabic")
    pattern = data.get("article_heading", DEFAULT_HEADING)
    articles, counted = [], 0
    for entry in entries:
        raw: dict[str, Any] = {"key": entry} if isinstance(entry, str) else entry
        if raw.get("omit", False):
            continue
        key = raw["key"]
        # An article numbered by hand (« 4 bis ») does not count in the numbering of the others.
        number = raw.get("number")
        if number is None:
            counted += 1
            number = article_number(counted, numbering)
        title = raw.get("title") or defaults[key]
        articles.append(
            Article(
                key=key,
                number=number,
                title=title,
                heading=pattern.replace("{number}", number).replace("{title}", title),
                paragraphs=tuple(_paragraph(p) for p in raw.get("paragraphs", ())),
                from_template=key in defaults,
            )
        )
    return tuple(articles)


def _paragraph(raw: Any) -> Paragraph:
    if isinstance(raw, str):
        return Paragraph(raw)
    return Paragraph(raw.get("text"), tuple(raw["items"]))
