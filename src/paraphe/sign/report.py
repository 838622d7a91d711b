"""What verification found, as frozen dataclasses that say it themselves (text lines and JSON).

As pyHanko's status objects carry their own summary, a report knows how it reads; the CLI only
prints it. Knows nothing of pyHanko: what the checks found is already plain data here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from paraphe.diagnostics import Diagnostic, Location
from paraphe.i18n import N_, _, language
from paraphe.provenance import BuildRecord, SignatoryRecord
from paraphe.render.typography import fr_date

# The day a signature is made, as the signatories count it.
SIGNING_ZONE = ZoneInfo("Europe/Paris")


def reader_time(time: dt.datetime) -> str:
    """A signing time as its reader counts it: in French, Paris time in words (« 2 mars 2026 à
    10 h 00, heure de Paris »); otherwise UTC (« 2026-03-02 09:00 UTC »)."""
    if language() == "fr":
        local = time.astimezone(SIGNING_ZONE)
        return f"{fr_date(local.date())} à {local.hour}\u00a0h\u00a0{local:%M}, heure de Paris"
    return f"{time.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


Trust = Literal["trusted", "untrusted", "not checked"]
# The words of a signature's chain and revocation states, translated where they are shown.
_STATES = {
    "trusted": N_("trusted"),
    "untrusted": N_("untrusted"),
    "not checked": N_("not checked"),
    "checked": N_("checked"),
    "embedded": N_("embedded"),
    "unknown": N_("unknown"),
}


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signatory: SignatoryRecord | None
    certification: bool
    holder: str
    signed_at: dt.datetime | None
    intact: bool
    trust: Trust
    holder_is_signatory: bool | None
    changes_after: str
    problems: tuple[Diagnostic, ...]  # each message begins with the field's name
    fingerprint: str = ""  # SHA-256 of the signer's certificate: who signed, beyond a name
    issuer: str = ""
    revocation: Literal["checked", "embedded", "not checked"] = "not checked"
    timestamp: dt.datetime | None = None  # the time a time-stamping authority vouches for (B-T and above)
    long_term: bool = False  # validated at that time with the validation data the document embeds

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: who signed, when, and whether it holds."""
        mark = "✓" if self.ok else "✗"
        who = (
            _("the secretariat's certification")
            if self.certification
            else f"{self.signatory.title} ({self.signatory.name})"
            if self.signatory
            else _("unknown signatory")
        )
        # Without a timestamp, the time is the signer's own clock, and says so.
        when = _("at no stated time")
        if self.timestamp:
            when = _("on {time} (timestamped)", time=reader_time(self.timestamp))
        elif self.signed_at:
            when = _("on {time} (as claimed by the signer)", time=reader_time(self.signed_at))
        revocation = _("embedded, checked at the time of signing") if self.long_term else _(_STATES[self.revocation])
        intact = _("intact") if self.intact else _("NOT INTACT")
        certificate = ""
        if self.fingerprint:
            certificate = _(
                " (certificate {fingerprint}… issued by {issuer})",
                fingerprint=self.fingerprint[:16],
                issuer=self.issuer,
            )
        return _(
            "{mark} {field}: {who}, signed by {holder}{certificate} {when}; {intact}; "
            "chain {trust}; revocation {revocation}; after it: {changes}",
            mark=mark,
            field=self.field,
            who=who,
            holder=self.holder,
            certificate=certificate,
            when=when,
            intact=intact,
            trust=_(_STATES[self.trust]),
            revocation=revocation,
            changes=_(self.changes_after),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "certification": self.certification,
            "signatory": self.signatory.name if self.signatory else None,
            "holder": self.holder,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "signed_at_is_claimed": True,  # the signer's clock; `timestamp` is the authority's
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
            "long_term": self.long_term,
            "certificate_sha256": self.fingerprint,
            "issuer": self.issuer,
            "revocation": self.revocation,
            "intact": self.intact,
            "trust": self.trust,
            "holder_is_signatory": self.holder_is_signatory,
            "changes_after": self.changes_after,
            "valid": self.ok,
            "problems": [d.as_json() for d in self.problems],
        }


@dataclass(frozen=True)
class TimestampReport:
    """A document timestamp (PAdES B-LTA): no one's signature, a time-stamping authority's proof of the time."""

    field: str
    time: dt.datetime | None
    authority: str
    trusted: bool
    problems: tuple[Diagnostic, ...]

    def summary(self) -> str:
        mark = "✓" if not self.problems else "✗"
        when = reader_time(self.time) if self.time else "?"
        return _("{mark} document timestamp on {time} by {authority}", mark=mark, time=when, authority=self.authority)

    def as_json(self) -> dict[str, object]:
        return {
            "field": self.field,
            "time": self.time.isoformat() if self.time else None,
            "authority": self.authority,
            "trusted": self.trusted,
            "valid": not self.problems,
        }


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
