"""The pipeline: load → validate → model → render → convert → assemble → (certify) → write; sign; verify.

One plain function per user verb, reading top to bottom as the list of stages.
This module owns the paths under build/.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from paraphe.builder import BuildOptions, BuildResult, BuildSummary, Event, build_all
from paraphe.convert import Converter
from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ManifestError, ParapheError
from paraphe.manifest.convention import load_convention
from paraphe.manifest.territories import TERRITORIES_FILE
from paraphe.resources import templates_folder

if TYPE_CHECKING:  # pyHanko takes most of a second to import: only sign, verify and certify pay for it.
    from paraphe.sign import Credentials, SignResult, VerificationReport

log = logging.getLogger(__name__)

__all__ = ["BuildResult", "BuildSummary", "build", "discover", "load_convention", "sign", "validate_paths", "verify"]

DEFAULT_SOURCE = Path("conventions")
DEFAULT_OUT = Path("build")
MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ValidationReport:
    path: Path
    diagnostics: tuple[Diagnostic, ...]
    strict: bool = False  # warnings count as errors

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" or self.strict for d in self.diagnostics)


def is_manifest_name(path: Path) -> bool:
    """A YAML file that is not shared data (the territories list) found while searching a folder."""
    return path.suffix in MANIFEST_SUFFIXES and path.name != TERRITORIES_FILE


def discover(paths: Sequence[Path]) -> list[Path]:
    """Manifests named by `paths` (files, or folders searched recursively), in a stable order."""
    found: list[Path] = []
    for path in paths or [DEFAULT_SOURCE]:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if is_manifest_name(p) and p.is_file()))
        elif path.is_file():
            found.append(path)
        elif path.exists():
            # A FIFO or a device would block the build's first read: refused before anything starts.
            raise ManifestError.at(Location(str(path)), "not a regular file", "io.not-file")
        else:
            raise ManifestError.at(Location(str(path)), "no such file or folder", "io.missing")
    return list(dict.fromkeys(found))


def validate_paths(paths: Sequence[Path], *, strict: bool = False) -> list[ValidationReport]:
    reports = []
    for path in discover(paths):
        try:
            reports.append(ValidationReport(path, load_convention(path).warnings, strict))
        except ManifestError as exc:
            reports.append(ValidationReport(path, exc.diagnostics, strict))
    return reports


def output_stem(manifest: Path, out: Path) -> Path:
    """`conventions/X/Y.yaml` → `out/X/Y`; elsewhere, `out/<folder>/<name>`."""
    resolved = manifest.resolve()
    parts = resolved.parts
    if "conventions" in parts:
        index = len(parts) - 1 - parts[::-1].index("conventions")
        relative = Path(*parts[index + 1 :])
    else:
        relative = Path(resolved.parent.name, resolved.name)
    return out / relative.with_suffix("")


def build(
    paths: Iterable[Path],
    out: Path = DEFAULT_OUT,
    certify_with: Credentials | None = None,
    *,
    jobs: int = 0,
    force: bool = False,
    converter: Converter | None = None,
    on_event: Callable[[Event, BuildResult | ParapheError], None] | None = None,
    strict: bool = False,
) -> BuildSummary:
    """Build every manifest into `out`, reusing what has not changed; a failing one does not stop the others.

    A `final` convention is certified when `certify_with` holds the secretariat's key.
    `jobs` worker processes run at once (0: one per core), each converting its documents in
    batches with one LibreOffice, or on the `converter`'s unoserver pool. With `strict`, a
    manifest with warnings fails as one with errors does.
    """
    manifests = discover(list(paths))
    identity = "none" if certify_with is None else hashlib.sha256(certify_with.certificate.dump()).hexdigest()
    converter = converter or Converter()
    # Outputs depend on who certifies, which LibreOffice converts, which templates fill: all key the reuse.
    shaping = f"certify={identity};converter={converter};templates={templates_folder().resolve()}"
    options = BuildOptions(out, jobs, force, certify_with, shaping, converter, on_event, strict=strict)
    return build_all(manifests, options, output_stem)


def sign(
    source: Path, output: Path, signatory_id: str, credentials: Credentials, *, overwrite: bool = False
) -> SignResult:
    """One signatory signs `source`; `output` is written only if every check passes."""
    from paraphe.sign import sign_document

    return sign_document(source, output, signatory_id, credentials, overwrite=overwrite)


def verify(pdf: Path, manifest: Path | None = None, trust: Sequence[Path] = ()) -> VerificationReport:
    """Verify a PDF's signatures and build record; with `manifest`, that it was built from it."""
    from paraphe.sign import verify_pdf

    if manifest is None:
        return verify_pdf(pdf, trust=trust)
    convention = load_convention(manifest)
    return verify_pdf(pdf, trust=trust, convention=convention)
