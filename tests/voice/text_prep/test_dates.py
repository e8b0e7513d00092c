from __future__ import annotations

from receptionist.voice.text_prep.dates import spell_dates


def test_english() -> None:
    assert spell_dates("on 2026-12-03", "en-US") == "on December 3, 2026"
    assert spell_dates("on 12/03/2026", "en") == "on December 3, 2026"


def test_french() -> None:
    assert spell_dates("le 2026-12-03", "fr-FR") == "le 3 décembre 2026"
    assert spell_dates("le 01/12/2026", "fr") == "le 1er décembre 2026"


def test_impossible_dates_stay() -> None:
    assert spell_dates("2026-13-40 and 31/02/2026", "fr") == "2026-13-40 and 31/02/2026"
