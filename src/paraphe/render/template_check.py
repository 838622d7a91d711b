"""Check a Word template before any build: every tag, in every branch, against the context of its kind.

A template is read as docxtpl reads it (its XML after docxtpl's preprocessing, parsed by Jinja), but
nothing is rendered: the whole syntax tree is walked, so a typo inside an `{%p if %}` branch that
no manifest takes yet is found too. Each finding is located by paragraph or table cell, with the
paragraph's text:

    ctg.docx: error: paragraph 41 (« La durée est de {{ durre }} »): unknown variable 'durre' — did you mean
    'duration_text'? [template.undefined]

What is checked: variables and their attributes against the shape of the kind's context
(`reference.context_shape`), filters and tests against Jinja's, tags split across paragraphs or
sharing a paragraph with text docxtpl would drop, blocks whose tags stand where leaving out or
repeating what lies between them cuts the document (tag_structure.py), and the marks the assembler
relies on (the « Signatures » heading, the signatories' names, the annexes' headings).

Longer than our 350-line mark: the tag walk and the branch-by-branch check share the context
shape and its messages; template_reading.py already holds the reading of the .docx, tag_structure.py
the reading of where block tags stand.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import nodes
from lxml import etree

from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import RenderError
from paraphe.i18n import _
from paraphe.paths import display_path
from paraphe.render.reference import ANY, KINDS, Shape, context_shape
from paraphe.render.tag_structure import cuts
from paraphe.render.template_package import (
    NotAWordDocument,
    UnreadablePackage,
    not_a_word_document,
    read_document,
)
from paraphe.render.template_reading import Paragraph, Part, read_parts

__all__ = ["check_template", "SIGNATURES_HEADING"]

# The heading the assembler places signature fields after (paraphe.assemble finds it in the PDF's outline).
SIGNATURES_HEADING = "Signatures"
_SIGNATORY_NAMES = ("signatory_rows[][].name", "signature_blocks[][].name")
_ANNEX_HEADING = "annexes[].heading"
_DELIMITER = re.compile(r"\{[{%#]|[}%#]\}")
_ROW_TAG = re.compile(r"\{%-?\s*(p|tr|tc)\s")
_ENVIRONMENT = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


@dataclass
class _Findings:
    path: Location
    part: Part
    diagnostics: list[Diagnostic] = field(default_factory=list)
    uses: list[tuple[str, Paragraph | None]] = field(default_factory=list)

    def at(self, line: int, word: str) -> Paragraph | None:
        """The paragraph a tag on `line` of the source is in, `word` telling apart those a row's tag merged."""
        start = self.part.lines[line - 1] if 0 < line <= len(self.part.lines) else None
        pattern = re.compile(rf"(?<![\w]){re.escape(word)}(?!\w)")
        candidates = [p for p in self.part.paragraphs if pattern.search(p.text)]
        after = [p for p in candidates if start is None or p.index >= start]
        if after:
            return after[0]
        return next((p for p in self.part.paragraphs if p.index == start), candidates[0] if candidates else None)

    def report(self, paragraph: Paragraph | None, message: str, rule: str) -> None:
        text = f"{paragraph.describe()}: {message}" if paragraph else message
        diagnostic = Diagnostic(self.path, text, rule)
        if diagnostic not in self.diagnostics:
            self.diagnostics.append(diagnostic)


def check_template(
    template: Path, kind: str, shown: str | None = None, content: bytes | None = None
) -> list[Diagnostic]:
    """Every problem of `template` as the template of `kind`; an empty list when it is sound.

    `content`: the template's bytes when the caller has read them (the build: what it checks is what it fills).
    """
    where = Location(shown or str(template))
    if kind not in KINDS:
        return [
            Diagnostic(
                where,
                _("no kind of convention is called {kind!r} (one of: {names})", kind=kind, names=", ".join(KINDS)),
                "template.kind",
            )
        ]
    try:
        content = template.read_bytes() if content is None else content
        parts = read_parts(content)
        read_document(content)  # what the build's filling reads: NotAWordDocument, UnreadablePackage
    except OSError as exc:
        return [
            Diagnostic(where, _("cannot read the template: {reason}", reason=exc.strerror or exc), "template.missing")
        ]
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, UnreadablePackage):
        return [Diagnostic(where, _("not a usable Word template: not a Word document (.docx)"), "template.invalid")]
    except NotAWordDocument as exc:
        return [Diagnostic(where, not_a_word_document(exc), "template.invalid")]
    shape = context_shape(kind)
    diagnostics: list[Diagnostic] = []
    uses: list[tuple[str, Paragraph | None]] = []
    broken = False  # a part Jinja cannot parse: what its tags use is not known
    for part, source in parts:
        findings = _Findings(where, part)
        _check_split_tags(findings)
        _check_structure(findings, source)
        try:
            tree = _ENVIRONMENT.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            # A block never closed is found at the end of the part: no paragraph to point at.
            at = None if (exc.message or "").startswith("Unexpected end of template") else findings.at(exc.lineno, "")
            findings.report(at, _("broken template tag: {message}", message=exc.message), "template.syntax")
            broken = True
        else:
            _Walker(findings, shape).statements(tree.body, dict(shape.fields))
        diagnostics += findings.diagnostics
        uses += findings.uses
    all_paragraphs = [p for part, _ in parts for p in part.paragraphs]
    diagnostics += _check_marks(where, all_paragraphs, None if broken else uses)
    return diagnostics


def _check_structure(findings: _Findings, source: str) -> None:
    for cut in cuts(source):
        findings.report(
            findings.at(cut.line, cut.keyword),
            _(
                "the « {keyword} » block opened here ends outside the table it opens in, or inside a table it "
                "opens outside of: left out or repeated, what lies between its tags cuts the document's "
                "structure; close it in the same cell or paragraph, or use {tags}",
                keyword=cut.keyword,
                tags="{%p %}, {%tr %}, {%tc %}",
            ),
            "template.structure",
        )


# --- Tags split in a way docxtpl cannot mend -------------------------------------------------------


def _check_split_tags(findings: _Findings) -> None:
    for paragraph in findings.part.paragraphs:
        opened: str | None = None
        for match in _DELIMITER.finditer(paragraph.text):
            token = match.group()
            if token[0] == "{":
                if opened is not None:
                    break
                opened = token
            elif opened is not None and _closes(opened, token):
                opened = None
        if opened is not None:
            findings.report(
                paragraph,
                _(
                    "a tag opened with « {opened} » is not closed in this paragraph: type each tag in one "
                    "paragraph, without a line break",
                    opened=opened,
                ),
                "template.split-tag",
            )
            continue
        row = _ROW_TAG.search(paragraph.text)
        if row and row.group(1) == "p":
            beside = re.sub(r"\{%.*?%\}", "", paragraph.text).strip()
            if paragraph.page_break:
                findings.report(
                    paragraph,
                    _(
                        "a page break in a {%p … %} tag's paragraph is dropped with it: set « page break "
                        "before » on the next paragraph's style instead"
                    ),
                    "template.split-tag",
                )
            if beside:
                findings.report(
                    paragraph,
                    _(
                        "text beside a {{%p … %}} tag is dropped (« {beside} »): give the tag a paragraph of its own",
                        beside=beside,
                    ),
                    "template.split-tag",
                )


def _closes(opened: str, token: str) -> bool:
    return {"{{": "}}", "{%": "%}", "{#": "#}"}[opened] == token


# --- Variables, attributes and filters in every branch --------------------------------------------


class _Walker:
    """Walks Jinja's syntax tree with the names in scope and the shape each one has."""

    def __init__(self, findings: _Findings, context: Shape) -> None:
        self.findings = findings
        self.context = context

    def statements(self, body: Iterable[nodes.Node], scope: dict[str, Shape]) -> None:
        for node in body:
            self.statement(node, scope)

    def statement(self, node: nodes.Node, scope: dict[str, Shape]) -> None:
        if isinstance(node, nodes.For):
            items = self.node(node.iter, scope)
            inner = dict(scope)
            item = items.item if items.kind == "list" and items.item is not None else ANY
            for name in _targets(node.target):
                inner[name] = item if isinstance(node.target, nodes.Name) else ANY
            inner["loop"] = ANY
            if node.test is not None:
                self.node(node.test, inner)
            self.statements(node.body, inner)
            self.statements(node.else_, scope)
        elif isinstance(node, nodes.If):
            self.node(node.test, scope)
            self.statements(node.body, dict(scope))
            for branch in node.elif_:
                self.statement(branch, scope)
            self.statements(node.else_, dict(scope))
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            for child in node.iter_child_nodes(exclude=("target",)):
                self._child(child, scope)
            scope.update({name: ANY for name in _targets(node.target)})
        elif isinstance(node, nodes.With):
            for value in node.values:
                self.expression(value, scope)
            inner = dict(scope) | {name: ANY for target in node.targets for name in _targets(target)}
            self.statements(node.body, inner)
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope) | {a.name: ANY for a in node.args} | {"caller": ANY, "varargs": ANY, "kwargs": ANY}
            self.statements(node.body, inner)
        else:
            for child in node.iter_child_nodes():
                self._child(child, scope)

    def _child(self, child: nodes.Node, scope: dict[str, Shape]) -> None:
        self.node(child, scope)

    def node(self, node: nodes.Node, scope: dict[str, Shape]) -> Shape:
        """An expression's shape (statements inside expressions, such as keyword arguments, walked too)."""
        if isinstance(node, nodes.Expr):
            return self.expression(node, scope)
        self.statement(node, scope)
        return ANY

    def expression(self, node: nodes.Expr, scope: dict[str, Shape]) -> Shape:  # noqa: C901 — one case per node type
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return self._used(scope[node.name], node)
            if node.name not in _ENVIRONMENT.globals:
                self._unknown(node, node.name, list(scope))
            return ANY
        if isinstance(node, nodes.Getattr):
            return self._member(node, self.expression(node.node, scope), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.expression(node.node, scope)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._member(node, base, node.arg.value)
            self.expression(node.arg, scope) if isinstance(node.arg, nodes.Expr) else None
            return base.item if base.kind == "list" and base.item is not None else ANY
        if isinstance(node, nodes.Filter | nodes.Test):
            known = _ENVIRONMENT.filters if isinstance(node, nodes.Filter) else _ENVIRONMENT.tests
            if node.name not in known:
                what = "filter" if isinstance(node, nodes.Filter) else "test"
                hint = _hint(node.name, list(known))
                paragraph = self.findings.at(node.lineno, node.name)
                self.findings.report(
                    paragraph,
                    _("unknown {what} {name!r}{hint}", what=what, name=node.name, hint=hint),
                    "template.filter",
                )
        for child in node.iter_child_nodes():
            self._child(child, scope)
        return ANY

    def _member(self, node: nodes.Expr, base: Shape, name: str) -> Shape:
        if base.kind != "record":
            return ANY  # a text's methods, a list's, or what paraphe does not know the shape of
        if name in base.fields:
            return self._used(base.fields[name], node)
        self._unknown(node, name, [f"{_spelled(_base_of(node))}.{k}" for k in base.fields], dotted=True)
        return ANY

    def _used(self, shape: Shape, node: nodes.Expr) -> Shape:
        word = node.name if isinstance(node, nodes.Name) else getattr(node, "attr", "")
        if shape.path in (_ANNEX_HEADING, *_SIGNATORY_NAMES):
            self.findings.uses.append((shape.path, self.findings.at(node.lineno, word or "heading")))
        return shape

    def _unknown(self, node: nodes.Expr, name: str, choices: list[str], *, dotted: bool = False) -> None:
        spelled = _spelled(node)
        if not dotted:
            choices = sorted(set(choices) | set(self.context.fields))
        self.findings.report(
            self.findings.at(node.lineno, name),
            _("unknown variable {spelled!r}{hint}", spelled=spelled, hint=_hint(spelled, choices)),
            "template.undefined",
        )


def _targets(target: nodes.Node) -> list[str]:
    return [n.name for n in target.find_all(nodes.Name)] if not isinstance(target, nodes.Name) else [target.name]


def _base_of(node: nodes.Expr) -> nodes.Expr:
    base = getattr(node, "node", node)
    return base if isinstance(base, nodes.Expr) else node


def _spelled(node: nodes.Expr) -> str:
    """The expression as the template writes it, as far as names and attributes go: « fiche.heading »."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_spelled(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_spelled(node.node)}[{node.arg.value!r}]"
    return "…"


def _hint(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" — did you mean {close[0]!r}?" if close else ""


# --- What the assembler relies on -------------------------------------------------------------------


def _check_marks(
    where: Location, paragraphs: list[Paragraph], uses: list[tuple[str, Paragraph | None]] | None
) -> list[Diagnostic]:
    """The marks the assembler finds in the PDF; `uses` (None when the tags could not be parsed): where
    the signatories' names and the annexes' headings are printed."""
    found: list[Diagnostic] = []
    if not any(p.heading and p.text.strip() == SIGNATURES_HEADING for p in paragraphs):
        found.append(
            Diagnostic(
                where,
                _(
                    "no « {heading} » heading: a paragraph « {heading} » in a "
                    "heading style (Heading 1…) opens the page where the signature fields are placed",
                    heading=SIGNATURES_HEADING,
                ),
                "template.marker",
            )
        )
    if uses is None:
        return found
    if not any(path in _SIGNATORY_NAMES for path, _ in uses):
        found.append(
            Diagnostic(
                where,
                _(
                    "no signatory's name on the signature page: a signature field is placed over each name "
                    "({{ s.name }} in a loop over signatory_rows or signature_blocks)"
                ),
                "template.marker",
            )
        )
    if not any(path == _ANNEX_HEADING and p is not None and p.heading for path, p in uses):
        found.append(
            Diagnostic(
                where,
                _(
                    "no annex heading: {{ annex.heading }}, in a loop over annexes, in a heading style "
                    "(Heading 1…) opens each annex, where its file is inserted"
                ),
                "template.marker",
            )
        )
    return found


# What `templates check` found in each template this process has read, by digest and kind: once per worker.
_TEMPLATE_FINDINGS: dict[tuple[str, str], tuple[Diagnostic, ...]] = {}


def require_sound_template(template: Path, kind: str, content: bytes | None = None) -> None:
    """Refuse a template `templates check` refuses (RenderError, every finding); a missing one: the renderer says so.

    `content`: the template's bytes as the build read them, once, to check, fill and record them.
    """
    if content is None:
        if not template.is_file():
            return
        content = template.read_bytes()
    key = (hashlib.sha256(content).hexdigest(), kind)
    if key not in _TEMPLATE_FINDINGS:
        _TEMPLATE_FINDINGS[key] = tuple(check_template(template, kind, display_path(template), content))
    if _TEMPLATE_FINDINGS[key]:
        raise RenderError(_TEMPLATE_FINDINGS[key])


@dataclass(frozen=True)
class TemplateReport:
    path: Path
    kind: str
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not self.diagnostics
