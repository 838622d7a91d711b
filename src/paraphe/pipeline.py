"""The pipeline: load → validate → model → render → convert → assemble → (certify) → write; sign; verify.

One plain function per user verb, reading top to bottom as the list of stages.
This module owns the paths under build/.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from paraphe.assemble import assemble
from paraphe.convert import convert_to_pdf
from paraphe.diagnostics import Diagnostic, Location
from paraphe.errors import ManifestError, ParapheError
from paraphe.fsutil import atomic_path
from paraphe.manifest.load import display_path, load_manifest
from paraphe.manifest.model import Convention, build_model
from paraphe.manifest.territories import TERRITORIES_FILE
from paraphe.manifest.validate import validate
from paraphe.provenance import record_for
from paraphe.render.docx import render_docx, template_path
from paraphe.sign import Credentials, SignResult, VerificationReport, certify_document, sign_document, verify_pdf

log = logging.getLogger(__name__)

DEFAULT_SOURCE = Path("conventions")
DEFAULT_OUT = Path("build")
MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ValidationReport:
    path: Path
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


@dataclass(frozen=True)
class BuildResult:
    manifest: Path
    docx: Path
    pdf: Path
    pages: int
    fingerprint: str = ""
    certified: bool = False
    final: bool = True


def is_manifest_name(path: Path) -> bool:
    """A YAML file that is not shared data (the territories list) found while searching a folder."""
    return path.suffix in MANIFEST_SUFFIXES and path.name != TERRITORIES_FILE


def discover(paths: Sequence[Path]) -> list[Path]:
    """Manifests named by `paths` (files, or folders searched recursively), in a stable order."""
    found: list[Path] = []
    for path in paths or [DEFAULT_SOURCE]:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if is_manifest_name(p) and p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise ManifestError.at(Location(str(path)), "no such file or folder", "io.missing")
    return list(dict.fromkeys(found))


def load_convention(path: Path) -> Convention:
    """Load, validate and model one manifest; raise ManifestError listing every problem."""
    loaded = load_manifest(path)
    problems = validate(loaded)
    if problems:
        raise ManifestError(problems)
    return build_model(loaded)


def validate_paths(paths: Sequence[Path]) -> list[ValidationReport]:
    reports = []
    for path in discover(paths):
        try:
            load_convention(path)
            reports.append(ValidationReport(path, ()))
        except ManifestError as exc:
            reports.append(ValidationReport(path, exc.diagnostics))
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


def build_one(manifest: Path, out: Path = DEFAULT_OUT, certify_with: Credentials | None = None) -> BuildResult:
    """Build one convention; on any failure, nothing under `out` changes.

    A `final` convention is certified when `certify_with` holds the secretariat's key.
    """
    convention = load_convention(manifest)
    shown = display_path(manifest)
    template = template_path(convention.kind)
    record = record_for(convention, manifest.read_bytes(), template)
    docx = render_docx(convention, template)
    body = convert_to_pdf(docx, shown)
    pdf = assemble(convention, body, shown, record)
    certified = certify_with is not None and convention.is_final
    if certified:
        assert certify_with is not None
        pdf = certify_document(pdf, certify_with, shown)
    stem = output_stem(manifest, out)
    docx_path, pdf_path = stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    with atomic_path(docx_path) as docx_tmp, atomic_path(pdf_path) as pdf_tmp:
        docx_tmp.write_bytes(docx)
        pdf_tmp.write_bytes(pdf)
    from pypdf import PdfReader

    pages = len(PdfReader(pdf_path).pages)
    log.info("built %s (%d pages)", pdf_path, pages)
    return BuildResult(manifest, docx_path, pdf_path, pages, record.fingerprint, certified, convention.is_final)


def build(
    paths: Iterable[Path], out: Path = DEFAULT_OUT, certify_with: Credentials | None = None
) -> tuple[list[BuildResult], list[ParapheError]]:
    """Build every manifest; a failing one does not stop the others."""
    results, failures = [], []
    for manifest in discover(list(paths)):
        try:
            results.append(build_one(manifest, out, certify_with))
        except ParapheError as exc:
            failures.append(exc)
    return results, failures


def sign(source: Path, output: Path, signatory_id: str, credentials: Credentials) -> SignResult:
    """One signatory signs `source`; `output` is written only if every check passes."""
    return sign_document(source, output, signatory_id, credentials)


def verify(pdf: Path, manifest: Path | None = None, trust: Sequence[Path] = ()) -> VerificationReport:
    """Verify a PDF's signatures and build record; with `manifest`, that it was built from it."""
    if manifest is None:
        return verify_pdf(pdf, trust=trust)
    convention = load_convention(manifest)
    return verify_pdf(pdf, trust=trust, convention=convention, manifest_bytes=manifest.read_bytes())
