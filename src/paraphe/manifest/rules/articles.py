"""A CTG's articles: each key known or a new article whole, listed once, every template article accounted for."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from paraphe.diagnostics import Diagnostic
from paraphe.manifest.articles import template_articles
from paraphe.manifest.rules.base import Manifest


def _entries(manifest: Manifest) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each entry as a mapping; none for a kind without articles ('kind.field' reports the list there)."""
    if not template_articles(manifest.data["kind"]):
        return
    for i, entry in enumerate(manifest.data.get("articles", ())):
        yield i, {"key": entry} if isinstance(entry, str) else entry


def article_keys(manifest: Manifest) -> Iterator[Diagnostic]:
    """A key is a template article's, or a new article brings its title and paragraphs; none twice."""
    defaults = template_articles(manifest.data["kind"])
    seen: set[str] = set()
    for i, entry in _entries(manifest):
        key = entry["key"]
        pointer = ("articles", i) if isinstance(manifest.data["articles"][i], str) else ("articles", i, "key")
        if key in seen:
            yield manifest.at(pointer, f"article {key!r} is listed twice", "article.duplicate")
        seen.add(key)
        if key in defaults:
            continue
        missing = [field for field in ("title", "paragraphs") if field not in entry]
        if entry.get("omit") or len(missing) == 2:
            yield manifest.at(
                pointer,
                f"{key!r} is not an article of the {manifest.data['kind']} template{_suggestion(key, defaults)}; "
                f"its articles are {', '.join(defaults)}",
                "article.unknown",
            )
        elif missing:
            yield manifest.at(
                pointer,
                f"new article {key!r} has no {missing[0]!r}{_suggestion(key, defaults)}; "
                "a new article has a 'title' and 'paragraphs'",
                "article.incomplete",
            )


def _suggestion(key: str, defaults: dict[str, str]) -> str:
    """« (did you mean 'duration'?) », by key or by title: « durée » is the « Durée » article's."""
    by_name = {k.casefold(): k for k in defaults} | {t.casefold(): k for k, t in defaults.items()}
    close = difflib.get_close_matches(key.casefold(), by_name, n=1, cutoff=0.7)
    return f" (did you mean {by_name[close[0]]!r}?)" if close else ""


def article_omitted_whole(manifest: Manifest) -> Iterator[Diagnostic]:
    """An omitted article says nothing else: a title or paragraphs there would vanish."""
    for i, entry in _entries(manifest):
        if entry.get("omit"):
            for field in ("title", "paragraphs", "number"):
                if field in entry:
                    yield manifest.at(
                        ("articles", i, field),
                        f"article {entry['key']!r} is omitted; its {field!r} would not be printed",
                        "article.omit",
                        key=True,
                    )


def template_articles_listed(manifest: Manifest) -> Iterator[Diagnostic]:
    """With an `articles` list, each template article is listed or omitted: none disappears by oversight."""
    if "articles" not in manifest.data or not template_articles(manifest.data["kind"]):
        return
    listed = {entry["key"] for _i, entry in _entries(manifest)}
    missing = [key for key in template_articles(manifest.data["kind"]) if key not in listed]
    if missing:
        yield manifest.at(
            ("articles",),
            f"the template's article(s) {', '.join(repr(k) for k in missing)} are neither listed nor omitted; "
            "list each, or write {key: …, omit: true}",
            "article.unlisted",
            key=True,
        )


_PLACE = re.compile(r"\{([^{}]*)\}")


def article_heading(manifest: Manifest) -> Iterator[Diagnostic]:
    """The heading's pattern holds {title}, and nothing in braces but {number} and {title}."""
    pattern = manifest.data.get("article_heading")
    if pattern is None:
        return
    unknown = [name for name in _PLACE.findall(pattern) if name not in ("number", "title")]
    if unknown or "{title}" not in pattern:
        yield manifest.at(
            ("article_heading",),
            f"{pattern!r}: an article heading holds {{title}} and may hold {{number}}, nothing else in braces",
            "article.heading",
        )
