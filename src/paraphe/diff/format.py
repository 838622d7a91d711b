"""Changes written for people and tools: text, Markdown, JSON, HTML.

The words are French, as the documents are: the reader is a reviewer of the
convention. Every value typed in a manifest is escaped for the format it lands in.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paraphe.diff.change import Change, Op
from paraphe.diff.labels import FIELD_NAMES, MARKERS, OP_NAMES, ORDER_NAMES
from paraphe.diff.words import Segment

FORMATS = ("text", "markdown", "json", "html")

# Unchanged words kept around a change in a long text (text and Markdown; HTML shows it all).
CONTEXT_WORDS = 8

_ANSI = {"red": "\033[31m", "green": "\033[32m", "yellow": "\033[33m", "cyan": "\033[36m", "magenta": "\033[35m"}
_RESET = "\033[0m"
_OP_COLOURS: dict[Op, str] = {
    "added": "green",
    "removed": "red",
    "changed": "yellow",
    "moved": "cyan",
    "renamed": "yellow",
    "reordered": "magenta",
}


@dataclass(frozen=True)
class Header:
    """What is compared, for the formats that show it."""

    old: str
    new: str
    title: str


def field_name(change: Change) -> str:
    """« calendrier », « résultat attendu 2 », « ordre des actions »."""
    if change.op == "reordered":
        return "ordre des " + ORDER_NAMES.get(change.field, FIELD_NAMES.get(change.field, change.field))
    name = FIELD_NAMES.get(change.field, change.field)
    if change.item is not None:
        name = f"{name} {change.item}"
    return name


def quoted(value: str | None) -> str:
    """A value as the reader should see it: « text » when it has spaces, bare when short."""
    if value is None:
        return "(aucun)"
    if value == "" or any(c.isspace() for c in value):
        return f"« {value} »"
    return value


def summary(changes: Sequence[Change]) -> str:
    if not changes:
        return "Aucune modification."
    return f"{len(changes)} modification{'s' if len(changes) > 1 else ''}."


def group(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    """Changes by theme, themes in order of first appearance."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.theme, []).append(change)
    return list(groups.items())


def in_context(segments: Sequence[Segment], words: int = CONTEXT_WORDS) -> list[Segment]:
    """The changes with `words` unchanged words around each; longer unchanged runs shortened to « … »."""
    out = []
    last = len(segments) - 1
    for k, segment in enumerate(segments):
        if segment.op != "equal":
            out.append(segment)
            continue
        text = segment.text
        before, after = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        tokens = text.split()
        keep_before = words if k > 0 else 0  # after a change
        keep_after = words if k < last else 0  # before a change
        if len(tokens) <= keep_before + keep_after + 1:
            out.append(segment)
            continue
        head = before + "".join(t + " " for t in tokens[:keep_before]) if keep_before else ""
        tail = "".join(" " + t for t in tokens[len(tokens) - keep_after :]) + after if keep_after else ""
        out.append(Segment("equal", f"{head}…{tail}"))
    return out


# ---------------------------------------------------------------------- text


def format_text(changes: Sequence[Change], *, color: bool = False) -> str:
    """One line per change, `~ Petite enfance › Axe 1 › Action 6 : calendrier 2021 → 2022`."""

    def paint(text: str, colour: str) -> str:
        return f"{_ANSI[colour]}{text}{_RESET}" if color else text

    lines = []
    for change in changes:
        marker = paint(MARKERS[change.op], _OP_COLOURS[change.op])
        lines.append(f"{marker} {_where(change)} : {_text_body(change, paint, color)}".replace(" :  ", " : "))
    lines.append(summary(changes))
    return "\n".join(lines) + "\n"


def _where(change: Change) -> str:
    """« Petite enfance › Axe 3 › Action 5 « Créer un guichet unique » »: where, and which element it is."""
    return f"{change.path} « {change.title} »" if change.names_subject else change.path


def _text_body(change: Change, paint: Callable[[str, str], str], color: bool) -> str:
    name = field_name(change) if change.field else ""
    lead = f"{name} " if name else ""
    if change.op == "added":
        return lead + paint(quoted(change.new), "green")
    if change.op == "removed":
        return lead + paint(quoted(change.old), "red")
    if change.op == "moved":
        return f"déplacement depuis {change.old}"
    if change.words:
        parts = []
        for segment in in_context(change.words):
            if segment.op == "equal":
                parts.append(segment.text)
            elif segment.op == "delete":
                parts.append(paint(segment.text, "red") if color else f"[-{segment.text}-]")
            else:
                parts.append(paint(segment.text, "green") if color else f"{{+{segment.text}+}}")
        return f"{lead}« {''.join(parts)} »"
    if change.op == "reordered":
        return f"{lead}{change.old} → {change.new}"
    return f"{lead}{quoted(change.old)} → {quoted(change.new)}"


# ---------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def format_markdown(changes: Sequence[Change], header: Header) -> str:
    """For a merge-request comment: a heading per theme, a bullet per change."""
    out = [
        f"### Modifications de la convention « {md_escape(header.title)} »",
        "",
        f"{md_escape(header.old)} → {md_escape(header.new)} : {summary(changes)}",
    ]
    for theme, items in group(changes):
        out += ["", f"#### {md_escape(theme)}", ""]
        for change in items:
            out.append(f"- **{OP_NAMES[change.op]}** — {md_escape(_where(change))} : {_md_body(change)}")
    return "\n".join(out) + "\n"


def _md_value(value: str | None) -> str:
    return md_escape(quoted(value))


def _md_body(change: Change) -> str:
    name = md_escape(field_name(change)) + " " if change.field else ""
    if change.op == "added":
        return name + _md_value(change.new)
    if change.op == "removed":
        return name + _md_value(change.old)
    if change.op == "moved":
        return f"depuis {md_escape(change.old or '')}"
    if change.words:
        parts = []
        for segment in in_context(change.words):
            text = md_escape(segment.text)
            if segment.op == "equal" or not segment.text.strip():
                parts.append(text)
            else:
                # Keep the spaces outside the markers, or Markdown ignores them.
                stripped = text.strip()
                left, right = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
                marked = f"~~{stripped}~~" if segment.op == "delete" else f"**{stripped}**"
                parts.append(left + marked + right)
        return f"{name}« {''.join(parts)} »"
    if change.op == "reordered":
        return f"{name}{md_escape(change.old or '')} → {md_escape(change.new or '')}"
    return f"{name}{_md_value(change.old)} → {_md_value(change.new)}"


# ---------------------------------------------------------------------- json


def format_json(changes: Sequence[Change]) -> str:
    return json.dumps([c.as_json() for c in changes], ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------- html

_CSS = """
body { font-family: "Liberation Sans", Arial, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #ddd; padding: .3rem .5rem;
vertical-align: top; text-align: left; } th { background: #f4f4f4; }
.op { white-space: nowrap; font-weight: bold; } .added .op { color: #1a7f37; } .removed .op { color: #b42318; }
.moved .op, .reordered .op { color: #6941c6; } .changed .op, .renamed .op { color: #b54708; }
del { background: #fde2e1; color: #b42318; } ins { background: #dcfae6; color: #1a7f37; text-decoration: none; }
q { font-style: italic; }
""".strip()


def format_html(changes: Sequence[Change], header: Header) -> str:
    """A standalone page: a table per theme, every value escaped."""
    e = html.escape
    body = [
        f"<h1>Modifications de la convention « {e(header.title)} »</h1>",
        f"<p>{e(header.old)} → {e(header.new)} : {e(summary(changes))}</p>",
    ]
    groups = group(changes)
    if groups:
        body.append("<ul>")
        body += [
            f'<li><a href="#theme-{k}">{e(theme)}</a> ({len(items)})</li>' for k, (theme, items) in enumerate(groups)
        ]
        body.append("</ul>")
    for k, (theme, items) in enumerate(groups):
        body.append(f'<section id="theme-{k}"><h2>{e(theme)}</h2>')
        body.append(
            "<table><thead><tr><th>Opération</th><th>Où</th><th>Champ</th><th>Avant</th><th>Après</th></tr></thead><tbody>"
        )
        for change in items:
            # The JSON pointers are for tools (data attributes); people read the path and the title.
            subject = f"<br><q>{e(change.title)}</q>" if change.names_subject and change.title else ""
            where = f"{e(change.path)}{subject}"
            pointers = f' data-pointer="{e(change.pointer)}"'
            if change.old_pointer is not None:
                pointers += f' data-old-pointer="{e(change.old_pointer)}"'
            cells = [
                f'<td class="op">{e(OP_NAMES[change.op])}</td>',
                f"<td>{where}</td>",
                f"<td>{e(field_name(change)) if change.field else ''}</td>",
            ]
            if change.words:
                words = "".join(
                    e(s.text)
                    if s.op == "equal"
                    else f"<{'del' if s.op == 'delete' else 'ins'}>{e(s.text)}</{'del' if s.op == 'delete' else 'ins'}>"
                    for s in change.words
                )
                cells.append(f'<td colspan="2">{words}</td>')
            else:
                cells.append(f"<td>{_html_value(change.old)}</td><td>{_html_value(change.new)}</td>")
            body.append(f'<tr class="{change.op}"{pointers}>{"".join(cells)}</tr>')
        body.append("</tbody></table></section>")
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Modifications — {e(header.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _html_value(value: str | None) -> str:
    return "" if value is None else html.escape(value)


def render(changes: Sequence[Change], output_format: str, header: Header, *, color: bool = False) -> str:
    """The changes in one of `FORMATS`."""
    if output_format == "markdown":
        return format_markdown(changes, header)
    if output_format == "json":
        return format_json(changes)
    if output_format == "html":
        return format_html(changes, header)
    return format_text(changes, color=color)
