from __future__ import annotations

from datetime import date, time

import pytest

from receptionist.understanding.when import TimeWish, mentions_time, parse_when

TUESDAY = date(2026, 12, 1)


@pytest.mark.parametrize(("text", "language", "wish"), [
    ("tomorrow afternoon", "en", TimeWish(date(2026, 12, 2), date(2026, 12, 2),
                                          time(12), time(18))),
    ("Thursday at two thirty", "en", TimeWish(date(2026, 12, 3), date(2026, 12, 3),
                                              at=time(14, 30))),
    ("half past ten on Friday", "en", TimeWish(date(2026, 12, 4), date(2026, 12, 4),
                                               at=time(10, 30))),
    ("at 9 in the morning", "en", TimeWish(after=time(0), before=time(12), at=time(9))),
    ("at 3 pm", "en", TimeWish(at=time(15))),
    ("the earliest you have", "en", TimeWish(earliest=True)),
    ("next week", "en", TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
    ("December 3rd", "en", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
    ("jeudi à 14 h 30", "fr", TimeWish(date(2026, 12, 3), date(2026, 12, 3),
                                       at=time(14, 30))),
    ("demain matin", "fr", TimeWish(date(2026, 12, 2), date(2026, 12, 2), time(0), time(12))),
    ("le plus tôt possible", "fr", TimeWish(earliest=True)),
    ("deux heures et demie vendredi", "fr", TimeWish(date(2026, 12, 4), date(2026, 12, 4),
                                                     at=time(14, 30))),
    ("le 12 décembre", "fr", TimeWish(date(2026, 12, 12), date(2026, 12, 12))),
    ("mardi après-midi", "fr", TimeWish(date(2026, 12, 8), date(2026, 12, 8),
                                        time(12), time(18))),
])
def test_spoken_days_and_times(text: str, language: str, wish: TimeWish) -> None:
    assert parse_when(text, language, TUESDAY) == wish


def test_a_date_already_past_this_year_is_next_years() -> None:
    wish = parse_when("le 3 janvier", "fr", TUESDAY)
    assert wish is not None and wish.first_day == date(2027, 1, 3)


@pytest.mark.parametrize(("text", "language"), [
    ("the second one", "en"), ("le deuxième", "fr"), ("yes", "en"), ("", "en"),
    ("🙂" * 50, "en"), ("x" * 10_000, "fr")])
def test_no_time_named(text: str, language: str) -> None:
    assert parse_when(text, language, TUESDAY) is None
    assert not mentions_time(text, language)


def test_a_wish_fits_slots() -> None:
    wish = TimeWish(date(2026, 12, 2), date(2026, 12, 2), time(12), time(18))
    assert wish.fits(date(2026, 12, 2), time(14))
    assert not wish.fits(date(2026, 12, 2), time(9))
    assert not wish.fits(date(2026, 12, 3), time(14))
