"""`paraphe diff` on the command line: formats, exit codes, located diagnostics."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from paraphe.diff.format import Header, format_html, format_markdown
from support import LOZERE
from support.diffing import CALENDAR_LINE, axis, changes_for, lozere, run, versions, write

# ---------------------------------------------------------------------- formats and exit codes


def several(data: dict[str, Any]) -> None:
    axis(data, 0, 1)[5]["calendar"] = 2022
    axis(data, 0, 4).append({"id": "pe-4-6", "title": "Ouvrir <script>alert(1)</script> & co"})
    data["signatories"][0]["name"] = "Christine WILS-MOREL"


def test_cli_exit_1_and_text(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    result = run(str(old), str(new))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        CALENDAR_LINE,
        "+ Petite enfance › Axe 4 › Action 6 : « Ouvrir <script>alert(1)</script> & co »",
        "~ Signataires › Madame la Préfète : nom « Valérie HATSCH » → « Christine WILS-MOREL »",
        "3 modifications.",
    ]
    assert "\033[" not in result.stdout  # not a terminal: no colour
    coloured = run(str(old), str(new), "--color", "always").stdout
    assert "\033[32m+\033[0m Petite enfance › Axe 4 › Action 6" in coloured


def test_json_format(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    result = run(str(old), str(new), "--format", "json")
    assert result.exit_code == 1
    changes = json.loads(result.stdout)
    assert changes[0] == {
        "op": "changed",
        "path": "Petite enfance › Axe 1 › Action 6",
        "pointer": "/sections/0/sections/0/actions/5/calendar",
        "field": "calendar",
        "old": "2021",
        "new": "2022",
        "theme": "Petite enfance",
        "title": "faciliter les remplacements entre assistants maternels exerçant en MAM",
    }
    assert [c["op"] for c in changes] == ["changed", "added", "changed"]


def test_markdown_format(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    out = run(str(old), str(new), "--format", "markdown").stdout
    assert out.startswith(
        "### Modifications de la convention « Schéma départemental des services aux familles 2020-2023 »"
    )
    assert (
        "#### Petite enfance\n\n- **Modification** — Petite enfance › Axe 1 › Action 6 « faciliter les remplacements "
        "entre assistants maternels exerçant en MAM » : calendrier 2021 → 2022" in out
    )
    assert r"\<script\>alert\(1\)\</script\>" in out
    assert "#### Signataires" in out


def test_html_format_is_standalone_grouped_and_escaped(tmp_path: Path) -> None:
    old, new = versions(tmp_path, several)
    target = tmp_path / "report.html"
    result = run(str(old), str(new), "--format", "html", "--output", str(target))
    assert result.exit_code == 1, result.output
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page
    assert "Ouvrir &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert page.count("<h2>") == 2
    assert page.index("<h2>Petite enfance</h2>") < page.index("<h2>Signataires</h2>")
    # JSON pointers are for tools: in the rows' data attributes, never in the text people read.
    assert 'data-pointer="/sections/0/sections/0/actions/5/calendar"' in page
    assert "/sections/0/" not in re.sub(r"<[^>]*>", "", page)
    assert "<q>faciliter les remplacements entre assistants maternels exerçant en MAM</q>" in page


def test_formats_render_words(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["preamble"][1] = data["preamble"][1].replace("outil précieux", "outil indispensable")

    changes = changes_for(tmp_path, edit)
    header = Header("a", "b", "SDSF")
    assert "outil ~~précieux~~**indispensable** dans" in format_markdown(changes, header)
    assert "outil <del>précieux</del><ins>indispensable</ins> dans" in format_html(changes, header)


def test_invalid_manifest_exits_2_with_located_diagnostics(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", lozere())
    bad = lozere()
    axis(bad, 0, 1)[0]["calendar"] = 2031
    new = write(tmp_path / "new.yaml", bad)
    result = run(str(old), str(new))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{new}:") and line.endswith(
        "error: calendar 2031 is outside the period 2020-2023 [calendar.period]"
    )
    assert "Traceback" not in result.output


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert run(str(LOZERE)).exit_code == 2
    assert run(str(LOZERE), str(LOZERE), str(LOZERE)).exit_code == 2
    assert run(str(LOZERE), str(LOZERE), "--rev", "HEAD").exit_code == 2
    assert run(str(LOZERE), str(LOZERE), "--format", "xml").exit_code == 2
    missing = run(str(LOZERE), str(tmp_path / "nowhere.yaml"))
    assert missing.exit_code == 2
    assert "nowhere.yaml: error: not a regular file [io.read]" in missing.stderr
