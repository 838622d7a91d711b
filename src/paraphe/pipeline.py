"""The pipeline: load → validate → model → render → convert → assemble → write.

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
from paraphe.manifest.validate import validate
from paraphe.render.docx import render_docx

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


def discover(paths: Sequence[Path]) -> list[Path]:
    """Manifests named by `paths` (files, or folders searched recursively), in a stable order."""
    found: list[Path] = []
    for path in paths or [DEFAULT_SOURCE]:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file()))
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


def build_one(manifest: Path, out: Path = DEFAULT_OUT) -> BuildResult:
    """Build one convention; on any failure, nothing under `out` changes."""
    convention = load_convention(manifest)
    shown = display_path(manifest)
    docx = render_docx(convention)
    body = convert_to_pdf(docx, shown)
    pdf = assemble(convention, body, shown)
    stem = output_stem(manifest, out)
    docx_path, pdf_path = stem.with_suffix(".docx"), stem.with_suffix(".pdf")
    with atomic_path(docx_path) as docx_tmp, atomic_path(pdf_path) as pdf_tmp:
        docx_tmp.write_bytes(docx)
        pdf_tmp.write_bytes(pdf)
    from pypdf import PdfReader

    pages = len(PdfReader(pdf_path).pages)
    log.info("built %s (%d pages)", pdf_path, pages)
    return BuildResult(manifest, docx_path, pdf_path, pages)


def build(paths: Iterable[Path], out: Path = DEFAULT_OUT) -> tuple[list[BuildResult], list[ParapheError]]:
    """Build every manifest; a failing one does not stop the others."""
    results, failures = [], []
    for manifest in discover(list(paths)):
        try:
            results.append(build_one(manifest, out))
        except ParapheError as exc:
            failures.append(exc)
    return results, failures
