from __future__ import annotations

from receptionist.voice.text_prep.times import spell_times


def test_english_twelve_hour_clock() -> None:
    assert spell_times("at 9:30 AM.", "en-US") == "at nine thirty a m."
    assert spell_times("9 AM to 6 PM", "en") == "nine a m to six p m"
    assert spell_times("5:05 p.m.", "en") == "five oh five p m."
    assert spell_times("at 14:00 or 9:00", "en") == "at fourteen hundred or nine o'clock"


def test_french_clock() -> None:
    assert spell_times("à 9 h 30", "fr-FR") == "à 9 heures 30"
    assert spell_times("de 14h à 18:45", "fr") == "de 14 heures à 18 heures 45"
    assert spell_times("1 h 05, 21 h, 0 h 00", "fr") == "1 heure 5, 21 heures, 0 heure"


def test_numbers_that_are_not_times_stay() -> None:
    assert spell_times("press 1 or 2", "en") == "press 1 or 2"
    assert spell_times("3 hommes, 25 h de route", "fr") == "3 hommes, 25 h de route"
