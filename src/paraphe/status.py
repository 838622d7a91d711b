"""Where each convention stands: drafted, built, signed by whom, still to sign by whom.

`paraphe status` reads, for each manifest: the manifest itself (kind, draft or final, valid or
not), its build (the same record of inputs `build` keeps to reuse an output: built and up to
date, out of date, or not built), and every PDF of it beside the build — the built one and its
signed copies, `<name>.<anything>.pdf` (`paraphe sign … build/x/y.signed.pdf`, the demo's
`y.demo-signed.pdf`) — each verified as `paraphe verify --manifest` would: who signed, who is
still to sign, whether the copy holds and still matches the manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from paraphe import incremental
from paraphe.diagnostics import Diagnostic, printable
from paraphe.discovery import discover
from paraphe.errors import ManifestError, ParapheError
from paraphe.i18n import _
from paraphe.manifest.convention import load_convention
from paraphe.manifest.model import Convention
from paraphe.paths import display_path, output_stem

if TYPE_CHECKING:  # pyHanko loads with it: only the caller's verify pays for it
    from paraphe.sign.report import VerificationReport

    Verify = Callable[[Path, Convention | None], VerificationReport]

Build = Literal["up to date", "out of date", "not built"]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    title: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "title": self.title}

    def __str__(self) -> str:
        return f"{self.id} ({self.name})"


@dataclass(frozen=True)
class CopyStatus:
    """One PDF of the convention: the built one or a signed copy, as verification found it."""

    path: Path
    signed: tuple[Person, ...]
    pending: tuple[Person, ...]
    draft: bool
    certified: bool
    valid: bool  # every signature present holds, the pages are as built
    matches_manifest: bool | None  # None: the manifest could not be read
    problems: tuple[Diagnostic, ...]

    @property
    def complete(self) -> bool:
        return self.valid and not self.draft and not self.pending

    def lines(self) -> list[str]:
        shown = printable(display_path(self.path))
        state = _("valid") if self.valid else _("NOT VALID")
        if self.matches_manifest is False:
            state = _("{state}, DOES NOT MATCH the manifest", state=state)
        elif self.matches_manifest:
            state = _("{state}, matches the manifest", state=state)
        if self.draft:
            return [_("  {file}: a draft, not to be signed; {state}", file=shown, state=state)]
        total = len(self.signed) + len(self.pending)
        lines = [
            _(
                "  {file}: {signed} of {total} signed; {state}",
                file=shown,
                signed=len(self.signed),
                total=total,
                state=state,
            )
        ]
        if self.signed:
            lines.append(_("    signed: {people}", people=", ".join(map(str, self.signed))))
        if self.pending:
            lines.append(_("    to sign: {people}", people=", ".join(map(str, self.pending))))
        lines += [f"    {d}" for d in self.problems]
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "file": printable(display_path(self.path)),
            "draft": self.draft,
            "certified": self.certified,
            "valid": self.valid,
            "matches_manifest": self.matches_manifest,
            "complete": self.complete,
            "signed": [p.as_json() for p in self.signed],
            "pending": [p.as_json() for p in self.pending],
            "problems": [d.as_json() for d in self.problems],
        }


@dataclass(frozen=True)
class ConventionStatus:
    manifest: Path
    id: str | None
    kind: str | None
    status: str | None  # draft or final; None when the manifest cannot be read
    title: str | None
    diagnostics: tuple[Diagnostic, ...]  # why it is invalid
    pdf: Path
    build: Build
    copies: tuple[CopyStatus, ...]  # the built PDF first, when there is one

    @property
    def valid(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)

    def lines(self) -> list[str]:
        shown = printable(display_path(self.manifest))
        errors = sum(d.severity == "error" for d in self.diagnostics)
        state = (
            _("valid") if self.valid else _("INVALID, {errors} error(s) (paraphe validate says where)", errors=errors)
        )
        what = state
        if self.kind and self.status == "draft":
            what = _("{kind} draft, {state}", kind=self.kind, state=state)
        elif self.kind:
            what = _("{kind} final, {state}", kind=self.kind, state=state)
        built = printable(display_path(self.pdf))
        if self.build == "up to date":
            build = _("built, up to date: {pdf}", pdf=built)
        elif self.build == "out of date":
            build = _("built, OUT OF DATE: {pdf}", pdf=built)
        else:
            build = _("not built")
        lines = [_("{manifest}: {what}; {build}", manifest=shown, what=what, build=build)]
        for copy in self.copies:
            lines += copy.lines()
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "manifest": printable(display_path(self.manifest)),
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "title": self.title,
            "valid": self.valid,
            "diagnostics": [d.as_json() for d in self.diagnostics],
            "pdf": printable(display_path(self.pdf)),
            "build": self.build,
            "copies": [c.as_json() for c in self.copies],
        }


def status(paths: Sequence[Path], out: Path, verify: Verify) -> list[ConventionStatus]:
    """The status of each manifest `paths` name (files or folders), its outputs looked for under `out`."""
    return [_status(manifest, out, verify) for manifest in discover(paths)]


def _status(manifest: Path, out: Path, verify: Verify) -> ConventionStatus:
    stem = output_stem(manifest, out)
    pdf = stem.with_suffix(".pdf")
    convention: Convention | None = None
    try:
        convention = load_convention(manifest)
        diagnostics = convention.warnings
    except ManifestError as exc:
        diagnostics = exc.diagnostics
    build: Build = "not built"
    if pdf.is_file():
        fresh = incremental.is_fresh(out, stem, manifest, None, (stem.with_suffix(".docx"), pdf))
        build = "up to date" if fresh else "out of date"
    copies = [pdf] if pdf.is_file() else []
    copies += sorted(p for p in stem.parent.glob(f"{stem.name}.*.pdf") if p.is_file())
    return ConventionStatus(
        manifest,
        convention.id if convention else None,
        convention.kind if convention else None,
        convention.status if convention else None,
        convention.title if convention else None,
        diagnostics,
        pdf,
        build,
        tuple(_copy(path, convention, verify) for path in copies),
    )


def _copy(path: Path, convention: Convention | None, verify: Verify) -> CopyStatus:
    try:
        report = verify(path, convention)
    except ParapheError as exc:
        return CopyStatus(path, (), (), False, False, False, None, exc.diagnostics)
    record = report.record
    signed = tuple(
        Person(s.signatory.id, s.signatory.name, s.signatory.title)
        for s in report.signatures
        if s.signatory is not None and not s.certification
    )
    pending = tuple(Person(s.id, s.name, s.title) for s in report.pending)
    matches = None if report.manifest is None else report.manifest.matches
    # Whether the copy holds is one thing, whether it is of the current manifest another: said apart.
    mismatch = () if report.manifest is None else report.manifest.problems
    problems = tuple(d for d in report.diagnostics() if d not in mismatch)
    valid = not any(d.severity == "error" for d in problems)
    draft = report.draft or (record is not None and not record.final)
    return CopyStatus(path, signed, pending, draft, report.certified, valid, matches, problems)
