"""A schéma's chapters: parts in the document's order, numbered as the document writes them, a Sommaire,
text chapters with lists, tables and figures, and the fiches in the body or in an annex."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document

from paraphe.pipeline import load_convention
from paraphe.render.context import build_context
from paraphe.render.docx import render_docx
from support import LOZERE, TESTS

SHAPE = TESTS / "manifests" / "shapes" / "sdsf-2016-chapters" / "manifest.yaml"


def plain(text: str) -> str:
    """French typography's fixed spaces read as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def _headings(body: list[dict[str, object]]) -> list[str]:
    return [plain(str(item["heading"])) for item in body]


def test_chapters_and_their_numbers_follow_the_document() -> None:
    context = build_context(load_convention(SHAPE))
    assert _headings(context["body"]) == [
        "1- Méthodologie",
        "2- Diagnostic territorial",
        "a- Démographie",
        "b- L’offre d’accueil",
        "3- Les orientations du schéma",
        "4- Gouvernance et évaluation",
    ]  # the fiches are in the annex
    assert [item["depth"] for item in context["body"]] == [0, 0, 1, 1, 0, 0]
    [fiches] = [a["fiches"] for a in context["annexes"] if a["is_fiches"]]
    assert [plain(f["heading"]) for f in fiches] == [
        "Orientation 1 – Développer l’offre d’accueil du jeune enfant",
        "Orientation 2 – Soutenir les parents",
        "Orientation 3 – Informer les familles",
        "Axe transversal – Coordonner les acteurs",
    ]
    assert fiches[0]["columns"] == "Objectifs et Actions"


def test_chapter_blocks_keep_the_documents_own_figures() -> None:
    context = build_context(load_convention(SHAPE))
    blocks = {b["kind"]: b for item in context["body"] for b in item["blocks"]}
    assert blocks["list"]["points"] == [
        "un comité de pilotage présidé par la Préfète",
        "des groupes thématiques ouverts aux gestionnaires",
    ]
    assert blocks["table"]["rows"][1] == ["Établissements", "près de 600", "en hausse"]
    assert plain(blocks["table"]["source"]) == "Source : CCSS 2015"
    assert plain(blocks["figures"]["figures"]["lines"][1]) == "Part des moins de 3 ans : près de 3 %"


def test_sommaire_lists_the_headings_in_order() -> None:
    contents = build_context(load_convention(SHAPE))["contents"]
    assert contents["title"] == "Sommaire"
    lines = [(plain(line["text"]), line["depth"]) for line in contents["lines"]]
    assert lines[:4] == [
        ("Editorial", 0),
        ("1- Méthodologie", 0),
        ("2- Diagnostic territorial", 0),
        ("a- Démographie", 1),
    ]
    assert lines[-2:] == [("Annexe 1 – Fiches actions", 0), ("Annexe 2 – Glossaire des sigles", 0)]


def test_sommaire_lines_carry_their_pages_once_known() -> None:
    convention = load_convention(SHAPE)
    before = build_context(convention)["contents"]["lines"]
    assert {line["page"] for line in before} == {"00"}  # as wide as the numbers: the layout they are read from
    pages = [str(n) for n in range(3, 3 + len(before))]
    after = build_context(convention, contents_pages=pages)["contents"]["lines"]
    assert [line["page"] for line in after] == pages
    assert [line["text"] for line in after] == [line["text"] for line in before]


def test_fiches_follow_their_part_and_loose_sections_come_before_it(tmp_path: Path) -> None:
    source = SHAPE.read_text(encoding="utf-8")
    source = source.replace("  - {title: Fiches actions, generated: fiches}\n", "")
    # The transversal axis names no part: it comes before the first part that receives sections.
    source = source.replace("    numbered: false\n    part: orientations\n", "    numbered: false\n")
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(source, encoding="utf-8")
    headings = _headings(build_context(load_convention(manifest))["body"])
    assert headings[headings.index("b- L’offre d’accueil") + 1 :] == [
        "Axe transversal – Coordonner les acteurs",
        "3- Les orientations du schéma",
        "Orientation 1 – Développer l’offre d’accueil du jeune enfant",
        "Orientation 2 – Soutenir les parents",
        "Orientation 3 – Informer les familles",
        "4- Gouvernance et évaluation",
    ]


def test_the_word_document_prints_the_chapters_and_the_annexed_fiches() -> None:
    document = Document(io.BytesIO(render_docx(load_convention(SHAPE))))
    styled = [(p.style.name, plain(p.text)) for p in document.paragraphs if p.text.strip()]
    assert ("Heading 1 – nouvelle page", "Sommaire") in styled
    assert ("Heading 2", "a- Démographie") in styled
    assert ("Heading 1 – nouvelle page", "Editorial") in styled
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Mode d’accueil")
    assert [c.text for c in table.rows[0].cells] == ["Mode d’accueil", "Places", "Évolution"]
    assert [plain(c.text) for c in table.rows[2].cells] == ["Établissements", "près de 600", "en hausse"]
    # The fiches annex: its heading, then the first orientation on the same page (Heading 2).
    annex = styled.index(("Heading 1 – nouvelle page", "Annexe 1 – Fiches actions"))
    assert styled[annex + 1][0] == "Heading 2"
    assert "Développer l’offre d’accueil" in styled[annex + 1][1]


def test_lozere_has_neither_sommaire_nor_chapters_it_does_not_ask_for() -> None:
    context = build_context(load_convention(LOZERE))
    assert context["contents"] is None
    assert context["preamble_title"] == "Préambule"
    chapters = [item for item in context["body"] if item["kind"] == "chapter"]
    assert [c["heading"] for c in chapters] == ["Thématiques transversales"]
