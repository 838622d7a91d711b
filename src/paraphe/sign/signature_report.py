"""One signature's and one document timestamp's findings, as the verification report lists them.

Apart from the report of the whole document (report.py): what a signature says of itself, and
the time as its reader counts it (Paris time in French), which `sign`'s stamp and `verify`'s
messages share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from paraphe.diagnostics import Diagnostic
from paraphe.i18n import N_, _, language
from paraphe.provenance import SignatoryRecord
from paraphe.render.typography import fr_date

# The day a signature is made, as the signatories count it.
SIGNING_ZONE = ZoneInfo("Europe/Paris")


def paris_time(time: dt.datetime) -> str:
    """« 2 mars 2026 à 10 h 00 »: the time in Paris, in words, as the visible signature and the
    French report give it (the day `verify` compares with the date the document states)."""
    local = time.astimezone(SIGNING_ZONE)
    return f"{fr_date(local.date())} à {local.hour}\u00a0h\u00a0{local:%M}"


def reader_time(time: dt.datetime) -> str:
    """A signing time as its reader counts it: in French, Paris time in words (« 2 mars 2026 à
    10 h 00, heure de Paris »); otherwise UTC (« 2026-03-02 09:00 UTC »)."""
    if language() == "fr":
        return f"{paris_time(time)}, heure de Paris"
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
