import datetime as dt

import pytest

from paraphe.render.typography import NBSP, NNBSP, fr_date, fr_number, fr_text


def test_dates() -> None:
    assert fr_date(dt.date(2020, 10, 9)) == f"9{NBSP}octobre{NBSP}2020"
    assert fr_date(dt.date(2021, 3, 1)) == f"1er{NBSP}mars{NBSP}2021"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (76601, f"76{NNBSP}601"),
        (14.8, "14,8"),
        (70.72, "70,72"),
        (6, "6"),
        (2020, "2020"),
        (1234567, f"1{NNBSP}234{NNBSP}567"),
        (-12.5, "-12,5"),
    ],
)
def test_numbers(value: float, expected: str) -> None:
    assert fr_number(value) == expected


def test_text_spaces_and_quotes() -> None:
    assert fr_text("Contexte : l'accueil") == f"Contexte{NBSP}: l’accueil"
    assert fr_text("« inclusion handicap »") == f"«{NNBSP}inclusion handicap{NNBSP}»"
    assert fr_text("oui ; non ! vraiment ?") == f"oui{NNBSP}; non{NNBSP}! vraiment{NNBSP}?"
    assert fr_text("100 %") == f"100{NBSP}%"
    assert fr_text("http://www.monenfant.fr") == "http://www.monenfant.fr"
    assert fr_text("  deux   espaces\n") == "deux espaces"
