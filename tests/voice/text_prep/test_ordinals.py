from __future__ import annotations

from receptionist.voice.text_prep.ordinals import spell_ordinals


def test_english() -> None:
    assert spell_ordinals("the 1st, 2nd, 3rd, 4th, 12th, 21st, 30th", "en-US") == (
        "the first, second, third, fourth, twelfth, twenty-first, thirtieth")
    assert spell_ordinals("room 101, 2 nd", "en") == "room 101, 2 nd"


def test_french() -> None:
    assert spell_ordinals("le 1er, la 1re, 2e, 3ème, 5e, 9e, 11e, 21e", "fr-FR") == (
        "le premier, la première, deuxième, troisième, cinquième, neuvième, onzième, "
        "vingt-et-unième")
    assert spell_ordinals("la 2CV, 12 euros", "fr") == "la 2CV, 12 euros"
