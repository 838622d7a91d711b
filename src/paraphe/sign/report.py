"""What verification found, as frozen dataclasses that say it themselves (text lines and JSON).

As pyHanko's status objects carry their own summary, a report knows how it reads; the CLI only
prints it. Knows nothing of pyHanko: what the checks found is already plain data here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from paraphe.diagnostics import Diagnostic, Location
from paraphe.i18n import _
from paraphe.provenance import BuildRecord, SignatoryRecord
from paraphe.render.typography import fr_date
from paraphe.sign.signature_report import SIGNING_ZONE, SignatureReport, TimestampReport


@dataclass(frozen=True)
class ManifestCheck:
    manifest: str
    matches: bool
    problems: tuple[Diagnostic, ...]
    notes: tuple[str, ...] = ()  # what is worth knowing but does not fail verification

    def as_json(self) -> dict[str, object]:
        return {"file": self.manifest, "matches": self.matches, "notes": self.notes}


@dataclass(frozen=True)
class OriginalCheck:
    """An avenant checked against the signed convention presented as the one it amends (`--original`)."""

    path: str
    fingerprint: str | None  # of the original's build, as its own record gives it
    matches: bool  # it is the convention (and the build) the avenant cites
    complete: bool  # every signature of the original holds and every signatory has signed
    problems: tuple[Diagnostic, ...]

    def as_json(self) -> dict[str, object]:
        return {"file": self.path, "fingerprint": self.fingerprint, "matches": self.matches, "complete": self.complete}


@dataclass(frozen=True)
class VerificationReport:
    path: str
    record: BuildRecord | None
    content_unchanged: bool | None
    signatures: tuple[SignatureReport, ...]
    pending: tuple[SignatoryRecord, ...]
    manifest: ManifestCheck | None
    problems: tuple[Diagnostic, ...] = field(default=())  # the document's own, beside its signatures
    chains_checked: bool = False  # trusted roots were given: « untrusted » means something
    revocation_checked: bool = False  # revocation lists were given: a revoked certificate is seen
    original: OriginalCheck | None = None  # an avenant's: the signed convention it amends, when given
    timestamps: tuple[TimestampReport, ...] = ()  # document timestamps (B-LTA), in order

    @property
    def draft(self) -> bool:
        return self.record is not None and not self.record.final

    @property
    def certified(self) -> bool:
        return any(s.certification for s in self.signatures)

    @property
    def last_signature(self) -> SignatureReport | None:
        """The latest signatory's signature, by its time (the authority's when timestamped)."""
        dated = [s for s in self.signatures if not s.certification and (s.timestamp or s.signed_at)]
        return max(dated, key=lambda s: s.timestamp or s.signed_at or dt.datetime.min, default=None)

    @property
    def dated_on(self) -> dt.date | None:
        """The convention's date: the day it states, or, when it states « à la date de la dernière
        signature électronique », the day of its last signature once every signatory has signed."""
        record = self.record
        if record is None:
            return None
        if not record.dated_by_last_signature:
            return dt.date.fromisoformat(record.date) if record.date else None
        last = self.last_signature
        if self.pending or last is None:
            return None
        when = last.timestamp or last.signed_at
        assert when is not None
        return when.astimezone(SIGNING_ZONE).date()

    def diagnostics(self, complete: bool = False) -> tuple[Diagnostic, ...]:
        """Every problem found; `complete`: a signatory who has not signed, or a draft, is one too."""
        found = list(self.problems)
        for signature in self.signatures:
            found += signature.problems
        for timestamp in self.timestamps:
            found += timestamp.problems
        if self.manifest is not None:
            found += self.manifest.problems
        if self.original is not None:
            found += self.original.problems
        if complete:
            where = Location(self.path)
            if self.draft:
                found.append(Diagnostic(where, _("a draft (« PROJET »): not meant to be signed"), "verify.draft"))
            found += [
                Diagnostic(
                    where,
                    _("{id}: {title} ({name}) has not signed yet", id=s.id, title=s.title, name=s.name),
                    "verify.unsigned",
                )
                for s in self.pending
            ]
        return tuple(found)

    def ok(self, complete: bool = False) -> bool:
        """The bottom line; `complete`: every signatory must also have signed."""
        return not any(d.severity == "error" for d in self.diagnostics(complete))

    def summary_lines(self) -> list[str]:
        """What was found, as a person reads it; the problems are `diagnostics()`, the verdict `bottom_line()`."""
        lines = [self.path]
        record = self.record
        if record is not None:
            pages = (
                _("pages unchanged since the build") if self.content_unchanged else _("PAGES CHANGED since the build")
            )
            built = _(
                "  built by {tool} from {convention}, fingerprint {fingerprint}; {pages}",
                tool=record.tool,
                convention=record.convention,
                fingerprint=record.fingerprint,
                pages=pages,
            )
            lines.append(built)
        if record is not None and record.amends is not None:
            lines += _amends_lines(record, self.original)
        if self.manifest is not None:
            state = _("built from it") if self.manifest.matches else _("NOT built from it")
            lines.append(_("  manifest {file}: {state}", file=self.manifest.manifest, state=state))
            lines += [_("    note: {note}", note=note) for note in self.manifest.notes]
        if self.draft:
            lines.append(_("  a draft (« PROJET »): no signature fields, not meant to be signed"))
        lines.append(_("  certified by the secretariat") if self.certified else _("  not certified"))
        lines += self._date_lines()
        lines += [f"  {signature.summary()}" for signature in self.signatures]
        lines += [f"  {timestamp.summary()}" for timestamp in self.timestamps]
        lines += [
            _("  … {id}: {title} ({name}) has not signed yet", id=s.id, title=s.title, name=s.name)
            for s in self.pending
        ]
        return lines

    def _date_lines(self) -> list[str]:
        if self.record is None or not self.record.dated_by_last_signature or self.draft:
            return []
        last, day = self.last_signature, self.dated_on
        if last is None or day is None:
            return [_("  dated « à la date de la dernière signature électronique »: not all have signed yet")]
        if last.timestamp:
            line = _(
                "  signed on {day} ({field}, timestamped): the date of the last electronic signature",
                day=fr_date(day),
                field=last.field,
            )
        else:
            line = _(
                "  signed on {day} ({field}, as claimed by the signer): the date of the last electronic signature",
                day=fr_date(day),
                field=last.field,
            )
        return [line]

    def bottom_line(self, complete: bool = False) -> str:
        signed = sum(s.signatory is not None for s in self.signatures)
        expected = len(self.record.signatories) if self.record is not None else signed
        if self.ok(complete):
            unchecked = [] if self.chains_checked else [_("chains not checked: no --trust")]
            embedded = bool(self.signatures) and all(s.long_term for s in self.signatures)
            unchecked += [] if self.revocation_checked or embedded else [_("revocation not checked: no --crl")]
            if unchecked:
                return _(
                    "valid: {signed} of {expected} signed ({unchecked})",
                    signed=signed,
                    expected=expected,
                    unchecked="; ".join(unchecked),
                )
            return _("valid: {signed} of {expected} signed", signed=signed, expected=expected)
        problems = len(self.diagnostics(complete))
        return _(
            "NOT VALID: {signed} of {expected} signed, {problems} problem(s)",
            signed=signed,
            expected=expected,
            problems=problems,
        )

    def as_json(self, complete: bool = False) -> dict[str, object]:
        record = self.record
        return {
            "file": self.path,
            "valid": self.ok(complete),
            "fingerprint": record.fingerprint if record else None,
            "convention": record.convention if record else None,
            "content_unchanged": self.content_unchanged,
            "certified": self.certified,
            "chains_checked": self.chains_checked,
            "revocation_checked": self.revocation_checked,
            "draft": self.draft,
            "dated_by_last_signature": bool(record and record.dated_by_last_signature),
            "date": self.dated_on.isoformat() if self.dated_on else None,
            "manifest": None if self.manifest is None else self.manifest.as_json(),
            "amends": None if record is None or record.amends is None else _amends_json(record),
            "original": None if self.original is None else self.original.as_json(),
            "signatures": [s.as_json() for s in self.signatures],
            "timestamps": [t.as_json() for t in self.timestamps],
            "pending": [s.id for s in self.pending],
            "problems": [d.as_json() for d in self.diagnostics(complete)],
        }


def _amends_lines(record: BuildRecord, original: OriginalCheck | None) -> list[str]:
    amends = record.amends
    assert amends is not None
    build = (
        _("its signed build {fingerprint}", fingerprint=amends.fingerprint)
        if amends.fingerprint
        else _("no signed build cited")
    )
    header = _(
        "  avenant n° {number} to « {title} » ({convention}; {build}; manifest sha256:{manifest})",
        number=amends.number,
        title=amends.title,
        convention=amends.convention,
        build=build,
        manifest=amends.manifest[:12],
    )
    lines = [header]
    if original is not None:
        state = _("the convention it amends") if original.matches else _("NOT the convention it amends")
        signed = _("fully signed") if original.complete else _("NOT fully signed and valid")
        lines.append(_("  original {file}: {state}, {signed}", file=original.path, state=state, signed=signed))
    return lines


def _amends_json(record: BuildRecord) -> dict[str, object]:
    amends = record.amends
    assert amends is not None
    return {
        "number": amends.number,
        "convention": amends.convention,
        "title": amends.title,
        "fingerprint": amends.fingerprint or None,
        "manifest": amends.manifest,
        "state": amends.state,
        "result": amends.result,
    }
