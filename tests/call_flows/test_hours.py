"""Open / closed / holiday in the business's time zone, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from receptionist.call_flows.hours import business_state
from receptionist.call_flows.loader import parse_script
from receptionist.demo import demo_script_text

EN = parse_script(demo_script_text("demo.yaml"))  # America/New_York, Mon-Fri 09-18
FR = parse_script(demo_script_text("demo-fr.yaml"))  # Europe/Paris, Mon-Fri 09-18


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("moment", "expected"), [
    # Friday before US DST starts (EST, UTC-5): opens at 14:00 UTC.
    (utc(2026, 3, 6, 13, 59), "closed"),
    (utc(2026, 3, 6, 14, 0), "open"),
    (utc(2026, 3, 6, 22, 59), "open"),
    (utc(2026, 3, 6, 23, 0), "closed"),
    # Monday after the change (EDT, UTC-4): opens one hour earlier in UTC.
    (utc(2026, 3, 9, 12, 59), "closed"),
    (utc(2026, 3, 9, 13, 0), "open"),
    (utc(2026, 3, 9, 21, 59), "open"),
    (utc(2026, 3, 9, 22, 0), "closed"),
    # Back to EST in November.
    (utc(2026, 11, 2, 13, 30), "closed"),
    (utc(2026, 11, 2, 14, 0), "open"),
    # Saturday / Sunday.
    (utc(2026, 3, 7, 16, 0), "closed"),
    (utc(2026, 3, 8, 16, 0), "closed"),
    # Thanksgiving (listed holiday), even during opening hours.
    (utc(2026, 11, 26, 16, 0), "holiday"),
])
def test_new_york_hours(moment: datetime, expected: str) -> None:
    assert business_state(EN, moment) == expected


@pytest.mark.parametrize(("moment", "expected"), [
    # Friday before EU DST starts (CET, UTC+1).
    (utc(2026, 3, 27, 7, 59), "closed"),
    (utc(2026, 3, 27, 8, 0), "open"),
    # Monday after (CEST, UTC+2).
    (utc(2026, 3, 30, 6, 59), "closed"),
    (utc(2026, 3, 30, 7, 0), "open"),
    (utc(2026, 3, 30, 15, 59), "open"),
    (utc(2026, 3, 30, 16, 0), "closed"),
    # Friday evening UTC that is already Saturday... no: 23:30 UTC Friday = 00:30 Saturday.
    (utc(2026, 3, 27, 23, 30), "closed"),
    # 11 November: holiday in France only.
    (utc(2026, 11, 11, 10, 0), "holiday"),
])
def test_paris_hours(moment: datetime, expected: str) -> None:
    assert business_state(FR, moment) == expected


def test_holiday_is_a_local_date() -> None:
    # 25 Dec 03:00 UTC is still 24 Dec 22:00 in New York: a normal Thursday evening.
    assert business_state(EN, utc(2026, 12, 25, 3, 0)) == "closed"
    assert business_state(EN, utc(2026, 12, 24, 15, 0)) == "open"
    assert business_state(EN, utc(2026, 12, 25, 15, 0)) == "holiday"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        business_state(EN, datetime(2026, 3, 6, 12, 0))


@pytest.mark.parametrize(("script", "moment", "said"), [
    (EN, utc(2026, 3, 6, 15, 0), "We are open today until 6 PM."),  # Fri 10:00 EST
    (EN, utc(2026, 3, 6, 12, 0), "We are closed right now. We open today at 9 AM."),
    (EN, utc(2026, 3, 6, 23, 30),  # Friday evening: next is Monday
     "We are closed right now. We open again on Monday at 9 AM."),
    (EN, utc(2026, 3, 7, 15, 0), "We are closed today. We open again on Monday at 9 AM."),
    (EN, utc(2026, 12, 24, 23, 30),  # Thursday evening; Friday is Christmas Day
     "We are closed right now. We open again on Monday at 9 AM."),
    (FR, utc(2026, 3, 9, 16, 0), "Nous sommes ouverts aujourd'hui jusqu'à 18 h."),
    (FR, utc(2026, 3, 9, 18, 0),  # Monday 19:00 in Paris
     "Nous sommes fermés pour le moment. Nous rouvrons demain à 9 h."),
    (FR, utc(2026, 11, 11, 9, 0),  # Armistice (a Wednesday)
     "Nous sommes fermés aujourd'hui. Nous rouvrons demain à 9 h."),
])
def test_hours_as_a_receptionist_says_them(script: object, moment: datetime,
                                           said: str) -> None:
    from receptionist.call_flows.hours import hours_answer
    from receptionist.call_flows.schema import Script

    assert isinstance(script, Script)
    assert hours_answer(script, moment) == said


def test_a_business_never_open_says_so() -> None:
    from receptionist.call_flows.hours import hours_answer

    never = EN.model_copy(update={"hours": {}})
    assert hours_answer(never, utc(2026, 3, 6, 15, 0)) == "We are closed today."
