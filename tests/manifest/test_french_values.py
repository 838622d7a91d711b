"""French words for the choices people type (`féminin`, `projet`…) mean the English ones, exactly."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from paraphe.cli.main import cli
from paraphe.manifest.convention import load_convention
from support import CASES, MINIMAL

BAZOIS = CASES / "real" / "ctg-bazois-2017" / "manifest.yaml"


def in_french(source: Path, target: Path, replacements: dict[str, str]) -> Path:
    text = source.read_text(encoding="utf-8")
    for english, french in replacements.items():
        assert english in text, english
        text = text.replace(english, french)
    target.mkdir()
    (target / source.name).write_text(text, encoding="utf-8")
    return target / source.name


def test_a_ctg_with_french_genders_and_status_is_the_same_convention(tmp_path: Path) -> None:
    french = in_french(
        BAZOIS,
        tmp_path / "fr",
        {
            "gender: feminine": "gender: féminin",
            "gender: masculine": "gender: masculin",
            "status: draft": "status: projet",
        },
    )
    result = CliRunner().invoke(cli, ["validate", str(french)])
    assert result.exit_code == 0, result.output
    model, reference = load_convention(french), load_convention(BAZOIS)
    assert model.status == reference.status == "draft"
    assert model.parties == reference.parties
    assert [p.feminine for p in model.parties] == [True, True, True, False, True]


def test_french_organisation_types_and_generated_annexes(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    assert "generated: glossary" in text
    french = in_french(MINIMAL, tmp_path / "fr", {"generated: glossary": "generated: glossaire"})
    french.write_text(
        french.read_text(encoding="utf-8").replace(
            "    label: Département\n", "    label: Département\n    type: département\n", 1
        ),
        encoding="utf-8",
    )
    model = load_convention(french)
    assert {o.key: o.type for o in model.organisations}["Département"] == "departement"
    assert [a.generated for a in model.annexes] == [a.generated for a in load_convention(MINIMAL).annexes]
    assert "glossary" in [a.generated for a in model.annexes]


def test_a_misspelt_french_word_is_refused_with_the_choices(tmp_path: Path) -> None:
    french = in_french(BAZOIS, tmp_path / "fr", {"gender: masculine": "gender: masculine-ish"})
    result = CliRunner().invoke(cli, ["validate", str(french)])
    assert result.exit_code == 1
    assert "'masculine-ish' is not one of 'feminine', 'masculine', 'féminin', 'masculin' [schema.enum]" in result.stderr


def test_a_policy_may_name_organisation_types_in_french(tmp_path: Path) -> None:
    outputs = []
    for folder_name, word in (("english", "etat"), ("french", "état")):
        folder = tmp_path / folder_name
        folder.mkdir()
        policy = f"ctg:\n  signatories:\n    - types: [{word}]\n      label: the State\n"
        (folder / "policy.yaml").write_text(policy, encoding="utf-8")
        (folder / "ctg.yaml").write_text(BAZOIS.read_text(encoding="utf-8"), encoding="utf-8")
        outputs.append(CliRunner().invoke(cli, ["validate", str(folder / "ctg.yaml")]).stderr.replace(folder_name, "…"))
    assert outputs[0] == outputs[1]
    assert "a ctg is signed by the State: no signatory represents an organisation of type 'etat'" in outputs[0]
