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
    # A greeting names no part of the day; finer parts; the day said last wins.
    ("Good morning, could I book a cleaning for Wednesday afternoon", "en",
     TimeWish(date(2026, 12, 2), date(2026, 12, 2), time(12), time(18))),
    ("is the hygienist free Thursday late in the afternoon", "en",
     TimeWish(date(2026, 12, 3), date(2026, 12, 3), time(15), time(18))),
    ("early morning on Friday", "en",
     TimeWish(date(2026, 12, 4), date(2026, 12, 4), time(0), time(10))),
    ("Monday, no, make that Tuesday, next Tuesday", "en",
     TimeWish(date(2026, 12, 8), date(2026, 12, 8))),
    ("jeudi en fin d'après-midi", "fr",
     TimeWish(date(2026, 12, 3), date(2026, 12, 3), time(15), time(18))),
    ("lundi, euh non, plutôt mercredi", "fr", TimeWish(date(2026, 12, 2), date(2026, 12, 2))),
    ("j'ai un détartrage demain mais on peut le repousser à la semaine prochaine", "fr",
     TimeWish(date(2026, 12, 7), date(2026, 12, 13))),
    ("the day after tomorrow", "en", TimeWish(date(2026, 12, 3), date(2026, 12, 3))),
    ("après-demain matin", "fr", TimeWish(date(2026, 12, 3), date(2026, 12, 3), time(0), time(12))),
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


WEDNESDAY, THURSDAY = date(2026, 12, 2), date(2026, 12, 3)
TOMORROW_AFTERNOON = TimeWish(WEDNESDAY, WEDNESDAY, time(12), time(18))


@pytest.mark.parametrize(("newer", "merged"), [
    # "no, Thursday": the new day, the afternoon kept.
    (TimeWish(THURSDAY, THURSDAY), TimeWish(THURSDAY, THURSDAY, time(12), time(18))),
    # "the morning then": the day kept, the new part of the day.
    (TimeWish(after=time(0), before=time(12)),
     TimeWish(WEDNESDAY, WEDNESDAY, time(0), time(12))),
    # "Thursday morning": both replaced.
    (TimeWish(THURSDAY, THURSDAY, time(0), time(12)),
     TimeWish(THURSDAY, THURSDAY, time(0), time(12))),
    # "at 4": the day kept, the exact time instead of the part of the day.
    (TimeWish(at=time(16)), TimeWish(WEDNESDAY, WEDNESDAY, at=time(16))),
])
def test_a_newer_wish_is_completed_by_the_one_kept(newer: TimeWish, merged: TimeWish
                                                   ) -> None:
    assert newer.merged_into(TOMORROW_AFTERNOON) == merged
    assert newer.merged_into(None) == newer


FRIDAY_AT_TWO = TimeWish(date(2026, 12, 4), date(2026, 12, 4), at=time(14))


def test_the_first_available_keeps_what_was_asked_before() -> None:
    # « le premier disponible » answering "who would you like to see?"
    assert TimeWish(earliest=True).merged_into(FRIDAY_AT_TWO) == FRIDAY_AT_TWO
    assert TimeWish(earliest=True).merged_into(None) == TimeWish(earliest=True)


def test_a_new_day_keeps_the_exact_time() -> None:
    assert TimeWish(THURSDAY, THURSDAY).merged_into(FRIDAY_AT_TWO) == TimeWish(
        THURSDAY, THURSDAY, at=time(14))


@pytest.mark.parametrize("wish", [
    TOMORROW_AFTERNOON, TimeWish(THURSDAY, THURSDAY, at=time(14, 30)),
    TimeWish(after=time(17), before=time(23, 59)), TimeWish(WEDNESDAY, THURSDAY),
])
def test_a_wish_travels_in_a_callback_url(wish: TimeWish) -> None:
    assert TimeWish.decode(wish.encode()) == wish


def test_what_is_kept_and_what_is_not() -> None:
    assert TimeWish(earliest=True).encode() == ""  # nothing to keep
    assert TimeWish(THURSDAY, THURSDAY, at=time(9)).lasting() == TimeWish(THURSDAY, THURSDAY)
    for unreadable in ("", "2026-13-40~~~~", "a~b", "~~25:00~~", "~~~~~~"):
        assert TimeWish.decode(unreadable) is None


@pytest.mark.parametrize(("said", "at"), [
    ("Friday at 2pm", time(14, 0)),
    ("could I come at 9:30am", time(9, 30)),
    ("at 11AM please", time(11, 0)),
    ("at 3p.m.", time(15, 0)),
])
def test_a_time_written_with_am_or_pm_attached(said: str, at: time) -> None:
    wish = parse_when(said, "en", date(2026, 11, 17))
    assert wish is not None and wish.at == at


def test_i_am_is_not_the_morning() -> None:
    wish = parse_when("I am free on Thursday", "en", date(2026, 11, 17))
    assert wish is not None and wish.after is None and wish.before is None
    assert parse_when("am I too late to call", "en", date(2026, 11, 17)) is None


@pytest.mark.parametrize(("said", "at"), [
    ("Nine thirty, please.", time(9, 30)),
    ("9.30 please", time(9, 30)),
    ("two fifteen", time(14, 15)),
    ("930, please", time(9, 30)),  # whisper's way of writing "nine thirty"
    ("1030 if you can", time(10, 30)),
    ("at 215", time(14, 15)),
])
def test_an_hour_and_its_minutes_said_alone_are_a_time(said: str, at: time) -> None:
    wish = parse_when(said, "en", date(2026, 11, 17))
    assert wish is not None and wish.at == at
    assert parse_when("I have 2 kids", "en", date(2026, 11, 17)) is None


@pytest.mark.parametrize("said", ["my card ends in 2026", "it cost 100 dollars",
                                  "I called 3 times", "room 1250"])
def test_numbers_that_are_not_run_together_times(said: str) -> None:
    wish = parse_when(said, "en", date(2026, 11, 17))
    assert wish is None or wish.at is None
