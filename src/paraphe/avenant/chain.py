"""An avenant's place in its convention's chain: the original, the earlier avenants, the state it amends.

Avenant n° 1 amends the convention as signed; n° N amends the convention as n° N − 1 left it,
and names that avenant (`previous`). The chain is read back to n° 1, each link checked: the
numbers follow without a gap, every link amends the same signed convention, and no other
avenant beside this one claims the same number of the same convention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from paraphe.avenant.states import State, read_manifest, read_state, resolve, signed_record_fingerprint
from paraphe.errors import ManifestError, ParapheError
from paraphe.i18n import _
from paraphe.manifest.load import LoadedManifest, load_manifest
from paraphe.manifest.model import DATED_BY_LAST_SIGNATURE, EarlierAvenant
from paraphe.manifest.validate import is_avenant, validate_avenant_shape
from paraphe.paths import display_path


@dataclass(frozen=True)
class Chain:
    original: State  # the convention as signed
    fingerprint: str  # of the signed original's build ("" when the avenant names no signed PDF)
    signed_on: dt.date | None
    earlier: tuple[EarlierAvenant, ...]
    old: State  # the state this avenant amends
    new: State  # the state it leads to
    reads: tuple[tuple[Path, str], ...] = ()  # every file read, with the SHA-256 of the bytes read


def require_shape(loaded: LoadedManifest) -> None:
    problems = validate_avenant_shape(loaded)
    if problems:
        raise ManifestError(problems)


def read_chain(avenant: LoadedManifest) -> Chain:
    """The chain an avenant (whose shape is checked) belongs to, checked link by link."""
    data = avenant.data
    number: int = data["number"]
    original = read_state(avenant, "amends")
    fingerprint, signed = signed_record_fingerprint(avenant, original.convention)
    reads = [*original.reads, *signed]
    signed_on = _date(data["amends"].get("signed_on")) or original.convention.signature_date
    old, earlier = original, tuple[EarlierAvenant, ...]()
    if "previous" in data:
        old, earlier, before = _previous(avenant, original)
        reads += before
    elif number > 1:
        where = avenant.source.locate(("number",))
        message = _(
            "avenant n° {number} amends the convention as avenant n° {previous} left it: name it in 'previous'",
            number=number,
            previous=number - 1,
        )
        raise ManifestError.at(where, message, "avenant.number")
    new = read_state(avenant, "amended")
    _same_convention(avenant, original, new)
    _no_twin(avenant)
    reads += new.reads
    return Chain(original, fingerprint, signed_on, earlier, old, new, tuple(dict.fromkeys(reads)))


def _previous(
    avenant: LoadedManifest, original: State
) -> tuple[State, tuple[EarlierAvenant, ...], tuple[tuple[Path, str], ...]]:
    number: int = avenant.data["number"]
    where = avenant.source.locate(("previous", "manifest"))
    previous = read_manifest(avenant, "previous")
    if not is_avenant(previous):
        raise ManifestError.at(
            where, _("{file} is not an avenant (kind: avenant)", file=previous.source.file), "avenant.chain"
        )
    require_shape(previous)
    if previous.data["number"] != number - 1:
        message = _(
            "avenant n° {number} follows n° {previous}, but {file} is avenant n° {found}",
            number=number,
            previous=number - 1,
            file=previous.source.file,
            found=previous.data["number"],
        )
        raise ManifestError.at(where, message, "avenant.number")
    chain = read_chain(previous)  # terminates: each step's number is one less, and n° 1 names none
    if chain.original.convention.source_digest != original.convention.source_digest:
        message = _(
            "{file} amends another convention (or another version of it) than 'amends' names", file=previous.source.file
        )
        raise ManifestError.at(where, message, "avenant.chain")
    signed_on = _date(avenant.data["previous"].get("signed_on"))
    if signed_on is None:
        signed_on = _date(previous.data["signature"].get("date"))
    link = EarlierAvenant(previous.data["number"], signed_on, previous.digest)
    own = ((previous.path.resolve(), previous.digest),) if avenant.data["previous"].get("revision") is None else ()
    return chain.new, (*chain.earlier, link), (*chain.reads, *own)


def _same_convention(avenant: LoadedManifest, original: State, new: State) -> None:
    a, b = original.convention, new.convention
    if (a.id, a.kind) != (b.id, b.kind):
        where = avenant.source.locate(("amended", "manifest"))
        message = _(
            "{name} is not a version of {name2}: it is {kind} {id!r}, the convention amended is {kind2} {id2!r}",
            name=new.name,
            name2=original.name,
            kind=b.kind,
            id=b.id,
            kind2=a.kind,
            id2=a.id,
        )
        raise ManifestError.at(where, message, "avenant.chain")


def _no_twin(avenant: LoadedManifest) -> None:
    """No other avenant in the same folder has the same number for the same convention."""
    number = avenant.data["number"]
    original = resolve(avenant, avenant.data["amends"]["manifest"]).resolve()
    here = avenant.path.resolve()
    for other in sorted(here.parent.glob("*.y*ml")):
        if other.resolve() == here:
            continue
        sibling = _peek(other)
        if sibling is None or sibling.data.get("number") != number:
            continue
        amends = sibling.data.get("amends")
        if isinstance(amends, dict) and _same_file(sibling, amends.get("manifest"), original):
            message = _(
                "{other} is also avenant n° {number} of this convention", other=display_path(other), number=number
            )
            raise ManifestError.at(avenant.source.locate(("number",)), message, "avenant.duplicate")


def _peek(path: Path) -> LoadedManifest | None:
    try:
        loaded = load_manifest(path)
    except ParapheError:
        return None  # not ours to report: its own validation does
    return loaded if is_avenant(loaded) else None


def _same_file(sibling: LoadedManifest, relative: object, target: Path) -> bool:
    return isinstance(relative, str) and resolve(sibling, relative).resolve() == target


def _date(text: object) -> dt.date | None:
    """A day of the calendar; None when absent or the last signature's date (no day the manifest knows)."""
    if not isinstance(text, str) or text == DATED_BY_LAST_SIGNATURE:
        return None
    return dt.date.fromisoformat(text)
