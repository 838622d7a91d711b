"""The visible signature a reader recognises: name, quality and time in Liberation Sans embedded in
the document, over an optional image; checked with pdffonts, pdftotext and the rendered page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import time_machine
from click.testing import CliRunner, Result
from PIL import Image

from paraphe.cli.main import cli
from support import pdf_text, require
from support.pki import SIGNING, LocalPki
from support.signing_cases import assert_case


def sign(built: Path, out: Path, pki: LocalPki, *extra: str) -> Result:
    args = ["sign", str(built), str(out), "--signatory", "prefete", "--pkcs12", str(pki.pkcs12("prefete")), *extra]
    with time_machine.travel(SIGNING, tick=False):
        return CliRunner().invoke(cli, args)


def signature_page(pdf: Path) -> int:
    pages = pdf_text(pdf).split("\f")
    return next(n for n, page in enumerate(pages, 1) if "Signé électroniquement" in page)


def test_name_quality_and_time_in_an_embedded_font(minimal_built: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, local_pki)
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", pdf_text(out))
    assert (
        "Signé électroniquement par Valérie HATSCH Madame la Préfète le 2 mars 2026 à 10 h 00 (heure de Paris)" in text
    )
    fonts = subprocess.run([require("pdffonts"), str(out)], check=True, capture_output=True, text=True).stdout
    stamp_fonts = [line for line in fonts.splitlines() if "LiberationSans-Identity-H" in line]
    assert stamp_fonts and all(" yes yes " in line for line in stamp_fonts), fonts  # embedded, subset
    # Signing adds no font that is not embedded (what the build holds is the build's business).
    built = subprocess.run([require("pdffonts"), str(minimal_built)], check=True, capture_output=True, text=True).stdout
    not_embedded = {line.split()[0] for line in fonts.splitlines()[2:] if " no " in line[50:62]}
    assert not_embedded <= {line.split()[0] for line in built.splitlines()[2:]}, fonts
    # `verify` gives the same time as the stamp to a French reader, and UTC to others.
    with time_machine.travel(SIGNING, tick=False):
        french = CliRunner(env={"LANG": "fr_FR.UTF-8"}).invoke(cli, ["verify", str(out)])
        english = CliRunner(env={"LANG": "C.UTF-8"}).invoke(cli, ["verify", str(out)])
    assert "signature de Valérie HATSCH" in french.output
    assert "le 2 mars 2026 à 10 h 00, heure de Paris (selon le signataire)" in re.sub(r"\s+", " ", french.output)
    assert "on 2026-03-02 09:00 UTC (as claimed by the signer)" in english.output


def test_image_under_the_text(minimal_built: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    image = tmp_path / "tampon.png"
    Image.new("RGB", (120, 60), (200, 30, 30)).save(image)
    plain, stamped = tmp_path / "plain.pdf", tmp_path / "stamped.pdf"
    assert sign(minimal_built, plain, local_pki).exit_code == 0
    result = sign(minimal_built, stamped, local_pki, "--image", str(image))
    assert result.exit_code == 0, result.output
    page = signature_page(stamped)
    reddish = []
    for pdf in (plain, stamped):
        prefix = tmp_path / pdf.stem
        pages = ["-f", str(page), "-l", str(page)]
        subprocess.run([require("pdftoppm"), "-png", "-r", "50", *pages, str(pdf), str(prefix)], check=True)
        rendered = Image.open(next(tmp_path.glob(f"{pdf.stem}*.png"))).convert("RGB")
        pixels = rendered.get_flattened_data()
        reddish.append(sum(1 for r, g, b in pixels if r > 200 and r - g > 40 and abs(g - b) < 10))
    assert reddish[0] == 0 and reddish[1] > 20, reddish


def test_an_image_that_is_not_one_is_refused(minimal_built: Path, local_pki: LocalPki, tmp_path: Path) -> None:
    image = tmp_path / "tampon.png"
    image.write_text("not an image")
    out = tmp_path / "signed.pdf"
    result = sign(minimal_built, out, local_pki, "--image", str(image))
    assert result.exit_code == 1
    assert_case("image-not-an-image", result.output, image=str(image))
    assert not out.exists()
