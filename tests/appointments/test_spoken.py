"""Appointment times as said on the phone, in English and French."""

from __future__ import annotations

from datetime import datetime

import pytest

from receptionist.appointments.spoken import ordinal_en, spoken_slot


@pytest.mark.parametrize(("when", "english", "french"), [
    (datetime(2026, 11, 24, 10, 30), "Tuesday, November 24th at 10:30 AM",
     "mardi 24 novembre à 10 h 30"),
    (datetime(2026, 12, 1, 12, 0), "Tuesday, December 1st at noon", "mardi 1er décembre à midi"),
    (datetime(2026, 11, 22, 9, 0), "Sunday, November 22nd at 9 AM", "dimanche 22 novembre à 9 h"),
    (datetime(2026, 8, 13, 14, 5), "Thursday, August 13th at 2:05 PM",
     "jeudi 13 août à 14 h 05"),
    (datetime(2027, 2, 3, 0, 15), "Wednesday, February 3rd at 12:15 AM",
     "mercredi 3 février à 0 h 15"),
])
def test_both_languages(when: datetime, english: str, french: str) -> None:
    assert spoken_slot(when, "en-US") == english
    assert spoken_slot(when, "fr-FR") == french


def test_ordinals() -> None:
    assert [ordinal_en(d) for d in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "31st"]
