from __future__ import annotations

from receptionist.voice.text_prep.phones import spell_phones


def test_english_digit_groups() -> None:
    assert spell_phones("call 415 555 0100.", "en-US") == "call 4 1 5, 5 5 5, 0 1 0 0."
    assert spell_phones("call 4155550100", "en") == "call 4 1 5, 5 5 5, 0 1 0 0"
    assert spell_phones("+1 415-555-0199", "en") == "plus 1, 4 1 5, 5 5 5, 0 1 9 9"


def test_french_pairs() -> None:
    assert spell_phones("au 06 12 34 56 78", "fr-FR") == "au 0 6, 12, 34, 56, 78"
    assert spell_phones("au +33 1 42 68 53 00", "fr") == "au 0 1, 42, 68, 53, 0 0"


def test_short_numbers_and_amounts_stay() -> None:
    assert spell_phones("room 101, 2026, 12 500 visitors", "en") == (
        "room 101, 2026, 12 500 visitors")
