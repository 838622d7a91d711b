"""Compare two conventions on their model: what a reviewer must see changed.

Elements are paired by their stable id first; when an id is missing or was changed,
by a similarity of title (`TITLE_SIMILARITY`). A pair that sits under another parent
is *moved*, one whose title changed is *renamed*, a list whose common elements
changed order is *reordered*; any other field that differs is *changed*. Elements
left unpaired are *added* or *removed*. Annex files are compared by content.

This module walks the parts of a convention in the order of the document; what a change
is lives in `change`, the pairing in `matching`, the plan's tree in `tree`, and the
comparison every part shares (values, paragraphs, fields no part names) in `generic`.

Longer than our 350-line mark: the walk over the model's parts (parties, articles, chapters,
sections, actions) reads as one pass, and its helpers are private to it.
"""

from __future__ import annotations

from pathlib import Path

from paraphe.diff.articles import compare_articles
from paraphe.diff.change import (
    ANNEXES,
    CONVENTION,
    GLOSSARY,
    IDENTITY,
    LEVELS,
    ORGANISATIONS,
    PARTS,
    PERIOD,
    PREAMBLE,
    SIGNATORIES,
    SIGNATURE,
    Change,
    FileDigest,
    file_digest,
    pointer,
)
from paraphe.diff.generic import Comparer, Where
from paraphe.diff.matching import match, paired
from paraphe.diff.tree import compare_plan
from paraphe.diff.values import human
from paraphe.manifest.model import (
    DATED_BY_LAST_SIGNATURE,
    Annex,
    Convention,
    FigureBlock,
    FigureItem,
    Organisation,
    Part,
    Signatory,
)

# Model fields compared one by one below; `extra` takes any other.
_CONVENTION_FIELDS = frozenset(
    "id kind status title subtitle territory_name territory_label period organisations glossary preamble identity"
    " levels parts sections signatories signature_place signature_date dated_by_last_signature annexes source"
    " source_digest warnings articles id_location".split()
)  # source_digest: the file's bytes, not its meaning (comments and quoting change it); warnings: validation's;
# id_location: where the file says its id, not what it says
_ORGANISATION_FIELDS = frozenset("key label name is_acronym".split())
_SIGNATORY_FIELDS = frozenset("id organisation civility role name".split())


def diff_conventions(
    old: Convention,
    new: Convention,
    *,
    old_digest: FileDigest = file_digest,
    new_digest: FileDigest = file_digest,
) -> list[Change]:
    """Every change from `old` to `new`, grouped by theme in the order of the new document."""
    return _Differ(old, new, old_digest, new_digest).run()


class _Differ(Comparer):
    def __init__(self, old: Convention, new: Convention, old_digest: FileDigest, new_digest: FileDigest) -> None:
        super().__init__()
        self.old, self.new = old, new
        self.old_digest, self.new_digest = old_digest, new_digest

    # ------------------------------------------------------------------ parts of a convention

    def run(self) -> list[Change]:
        self.metadata()
        self.organisations()
        self.glossary()
        self.texts((PREAMBLE,), "/preamble", "preamble", self.old.preamble, self.new.preamble)
        self.identity()
        compare_articles(self, self.old, self.new)
        self.levels()
        self.parts()
        self.plan()
        self.signatories()
        self.signature()
        self.annexes()
        return self.changes

    def metadata(self) -> None:
        o, n = self.old, self.new
        here = (CONVENTION,)
        for field, a, b in (
            ("id", o.id, n.id),
            ("kind", o.kind, n.kind),
            ("status", o.status, n.status),
            ("title", o.title, n.title),
            ("subtitle", o.subtitle, n.subtitle),
            ("territory.name", o.territory_name, n.territory_name),
            ("territory.label", o.territory_label, n.territory_label),
        ):
            self.value(here, pointer(*field.split(".")), field, a, b)
        self.value((PERIOD,), "/period/start", "period.start", o.period.start, n.period.start)
        self.value((PERIOD,), "/period/end", "period.end", o.period.end_text, n.period.end_text)
        handled = _CONVENTION_FIELDS
        if all(getattr(c, "duration", None) in (None, 0, c.period.years) for c in (o, n)):
            handled |= {"duration"}  # derived from the period, whose change is already shown
        self.extra(here, "", o, n, handled, top=True)

    def organisations(self) -> None:
        old, new = self.old.organisations, self.new.organisations
        pairs = match(old, new, [lambda g: g.key, lambda g: g.name], title=lambda g: g.name)
        for j, b in enumerate(new):
            ptr = pointer("organisations", b.key)
            here = (ORGANISATIONS, b.key)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, _organisation(b))
                continue
            a = old[i]
            self.value(here, ptr, "key", a.key, b.key, op="renamed")
            if not (a.is_acronym and b.is_acronym):  # an acronym's label is its key
                self.value(here, _org_field(ptr, b, "label"), "label", a.label, b.label, op="renamed")
            self.value(here, _org_field(ptr, b, "name"), "name", a.name, b.name, op="renamed")
            self.value(here, ptr, "acronym", a.is_acronym, b.is_acronym)
            self.extra(here, ptr, a, b, _ORGANISATION_FIELDS)
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit(
                    "removed", (ORGANISATIONS, a.key), pointer("organisations", a.key), "", _organisation(a), None
                )

    def glossary(self) -> None:
        old, new = dict(self.old.glossary), dict(self.new.glossary)
        for key, meaning in new.items():
            ptr = pointer("glossary", key)
            if key not in old:
                self.emit("added", (GLOSSARY, key), ptr, "", None, meaning)
            else:
                self.value((GLOSSARY, key), ptr, "meaning", old[key], meaning)
        for key, meaning in old.items():
            if key not in new:
                self.emit("removed", (GLOSSARY, key), pointer("glossary", key), "", meaning, None)

    def identity(self) -> None:
        old, new = self.old.identity, self.new.identity
        here = (IDENTITY,)
        if old is None or new is None:
            if old is not new:
                self.emit(
                    "added" if old is None else "removed",
                    here,
                    "/identity",
                    "",
                    old.title if old else None,
                    new.title if new else None,
                )
            return
        self.value(here, "/identity/title", "title", old.title, new.title, op="renamed")
        pairs = match(old.figures, new.figures, [lambda f: f.id, lambda f: f.title], title=lambda f: f.title)
        for j, b in enumerate(new.figures):
            ptr = pointer("identity", "figures", j)
            where = here + (b.title,)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", where, ptr, "", None, b.title)
                continue
            a = old.figures[i]
            self.value(where, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(where, ptr + "/id", "id", a.id, b.id)
            self.value(where, ptr + "/source", "source", a.source, b.source)
            self.value(where, ptr + "/note", "note", a.note, b.note)
            self.figure_items(where, ptr, a, b)
        for i, a in enumerate(old.figures):
            if i not in pairs:
                self.emit("removed", here + (a.title,), pointer("identity", "figures", i), "", a.title, None)
        self.reorder(here, "/identity/figures", "figures", pairs, [f.id or f.title for f in old.figures])

    def figure_items(self, where: Where, ptr: str, old: FigureBlock, new: FigureBlock) -> None:
        pairs = match(old.items, new.items, [lambda x: x.label])
        for j, b in enumerate(new.items):
            item_ptr = ptr + pointer("items", j)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", where + (b.label,), item_ptr, "", None, _figure_item(b))
                continue
            a = old.items[i]
            self.value(where + (b.label,), item_ptr + "/value", "value", a.value, b.value)
            self.value(where + (b.label,), item_ptr + "/unit", "unit", a.unit, b.unit)
        for i, a in enumerate(old.items):
            if i not in pairs:
                self.emit("removed", where + (a.label,), ptr + pointer("items", i), "", _figure_item(a), None)
        self.reorder(where, ptr + "/items", "items", pairs, [x.label for x in old.items])

    def levels(self) -> None:
        old, new = self.old.levels, self.new.levels
        for k in range(max(len(old), len(new))):
            here = (LEVELS, f"Niveau {k + 1}")
            ptr = pointer("levels", k)
            if k >= len(old):
                self.emit("added", here, ptr, "", None, f"{new[k].name} ({new[k].numbering})")
            elif k >= len(new):
                self.emit("removed", here, ptr, "", f"{old[k].name} ({old[k].numbering})", None)
            else:
                self.value(here, ptr + "/name", "name", old[k].name, new[k].name, op="renamed")
                self.value(here, ptr + "/numbering", "numbering", old[k].numbering, new[k].numbering)

    def parts(self) -> None:
        # Sub-parts are compared with the parts, each at its own place in the manifest.
        old, new = _flat_parts(self.old.parts), _flat_parts(self.new.parts)
        pairs = match(old, new, [lambda p: p[1].id], title=lambda p: p[1].title)
        for j, (ptr, b) in enumerate(new):
            here = (PARTS, b.title)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, b.title)
                continue
            a: Part = old[i][1]
            self.value(here, ptr + "/id", "id", a.id, b.id)
            self.value(here, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(here, ptr + "/subtitle", "subtitle", a.subtitle, b.subtitle)
            self.texts(here, ptr + "/text", "text", _content_lines(a), _content_lines(b))
        for i, (ptr, a) in enumerate(old):
            if i not in pairs:
                self.emit("removed", (PARTS, a.title), ptr, "", a.title, None)
        self.reorder((PARTS,), "/parts", "parts", pairs, [p.id or p.title for _, p in old])

    def plan(self) -> None:
        compare_plan(self, self.old, self.new)

    # ------------------------------------------------------------------ signature page and annexes

    def signatories(self) -> None:
        old, new = self.old.signatories, self.new.signatories
        pairs = match(old, new, [lambda s: s.id, lambda s: (s.organisation.key, s.role)])
        for j, b in enumerate(new):
            ptr = pointer("signatories", j)
            here = (SIGNATORIES, b.title)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, _signatory(b))
                continue
            a = old[i]
            self.value(here, ptr + "/id", "id", a.id, b.id)
            self.value(here, ptr + "/org", "org", a.organisation.key, b.organisation.key)
            self.value(here, ptr + "/civility", "civility", a.civility, b.civility)
            self.value(here, ptr + "/role", "role", a.role, b.role)
            self.value(here, ptr + "/name", "name", a.name, b.name)
            self.extra(here, ptr, a, b, _SIGNATORY_FIELDS)
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit("removed", (SIGNATORIES, a.title), pointer("signatories", i), "", _signatory(a), None)
        self.reorder((SIGNATORIES,), "/signatories", "signatories", pairs, [s.id for s in old])

    def signature(self) -> None:
        here = (SIGNATURE,)
        self.value(here, "/signature/place", "place", self.old.signature_place, self.new.signature_place)
        old, new = _stated_date(self.old), _stated_date(self.new)
        self.value(here, "/signature/date", "date", old, new)

    def annexes(self) -> None:
        old, new = self.old.annexes, self.new.annexes
        old_folder, new_folder = _folder(self.old), _folder(self.new)
        old_keyed = [(x, _relative(x.file, old_folder) if x.file else None) for x in old]
        new_keyed = [(x, _relative(x.file, new_folder) if x.file else None) for x in new]
        pairs = match(old_keyed, new_keyed, [lambda k: k[1], lambda k: k[0].generated], title=lambda k: k[0].title)
        for j, b in enumerate(new):
            ptr = pointer("annexes", j)
            here = (ANNEXES, b.title)
            i = paired(pairs, j)
            if i is None:
                self.emit("added", here, ptr, "", None, _annex(b, new_folder))
                continue
            a = old[i]
            self.value(here, ptr + "/title", "title", a.title, b.title, op="renamed")
            self.value(here, ptr + "/generated", "generated", a.generated, b.generated)
            a_file, b_file = old_keyed[i][1], new_keyed[j][1]
            self.value(here, ptr + "/file", "file", a_file, b_file)
            if a.file and b.file:
                a_hash, b_hash = self.old_digest(a.file), self.new_digest(b.file)
                if a_hash != b_hash:
                    self.emit("changed", here, ptr + "/file", "content", _short(a_hash), _short(b_hash))
        for i, a in enumerate(old):
            if i not in pairs:
                self.emit("removed", (ANNEXES, a.title), pointer("annexes", i), "", _annex(a, old_folder), None)
        self.reorder((ANNEXES,), "/annexes", "annexes", pairs, [x.title for x in old])


# ---------------------------------------------------------------------- small helpers


def _short(digest: str | None) -> str | None:
    return f"sha256:{digest[:12]}" if digest else None


def _organisation(org: Organisation) -> str:
    return org.label if org.name == org.label else f"{org.label} ({org.name})"


def _org_field(ptr: str, org: Organisation, field: str) -> str:
    return ptr if org.is_acronym else ptr + "/" + field


def _figure_item(x: FigureItem) -> str:
    if x.value is None:
        return x.label
    return f"{x.label} : {x.value}" + (f" {x.unit}" if x.unit else "")


def _signatory(s: Signatory) -> str:
    return f"{s.title}, {s.name} ({s.organisation.label})"


def _folder(c: Convention) -> Path:
    return c.source.resolve().parent


def _relative(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _annex(x: Annex, folder: Path) -> str:
    if x.file:
        return f"{x.title} ({_relative(x.file, folder)})"
    return f"{x.title} ({x.generated})"


def _flat_parts(parts: tuple[Part, ...], at: str = "/parts") -> list[tuple[str, Part]]:
    """Parts and sub-parts in reading order, each with its JSON pointer in the manifest."""
    out: list[tuple[str, Part]] = []
    for i, part in enumerate(parts):
        ptr = f"{at}/{i}"
        out.append((ptr, part))
        out.extend(_flat_parts(part.parts, ptr + "/parts"))
    return out


def _content_lines(part: Part) -> tuple[str, ...]:
    """A part's content as lines a reader compares: paragraphs, « • » points, table rows « a | b »."""
    lines: list[str] = []
    for block in part.content:
        if block.kind == "text":
            lines.append(block.text)
        elif block.kind == "list":
            lines.extend(f"• {item}" for item in block.items)
        elif block.table is not None:
            table = block.table
            lines.extend(([table.title] if table.title else []) + [" | ".join(table.columns)])
            lines.extend(" | ".join(row) for row in table.rows)
        elif block.figures is not None:
            lines.append(block.figures.title)
            lines.extend(f"{i.label} : {i.text if i.text is not None else i.value}" for i in block.figures.items)
    return tuple(lines)


def _stated_date(c: Convention) -> str | None:
    """The signature date as the manifest writes it: a day, or « électronique » (the last signature's)."""
    return DATED_BY_LAST_SIGNATURE if c.dated_by_last_signature else human(c.signature_date)
