from __future__ import annotations

import pytest

from receptionist.voice.text_prep.numbers import words


@pytest.mark.parametrize(("number", "en", "fr"), [
    (0, "zero", "zéro"), (17, "seventeen", "dix-sept"), (21, "twenty-one", "vingt-et-un"),
    (71, "seventy-one", "soixante-et-onze"), (80, "eighty", "quatre-vingts"),
    (81, "eighty-one", "quatre-vingt-un"), (99, "ninety-nine", "quatre-vingt-dix-neuf"),
    (200, "two hundred", "deux cents"), (280, "two hundred eighty", "deux cent quatre-vingts"),
    (1001, "one thousand one", "mille un"), (80000, "eighty thousand", "quatre-vingt mille"),
    (2_500_000, "two million five hundred thousand", "deux millions cinq cent mille"),
])
def test_words(number: int, en: str, fr: str) -> None:
    assert words(number, "en") == en
    assert words(number, "fr-FR") == fr


def test_out_of_range() -> None:
    with pytest.raises(ValueError):
        words(-1, "en")
