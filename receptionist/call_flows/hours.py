"""Open, closed or holiday, in the business's own time zone (DST-correct via zoneinfo),
and the hours as a receptionist says them when a caller asks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from receptionist.appointments.spoken import EN_DAYS, FR_DAYS, spoken_time
from receptionist.call_flows.schema import Script
from receptionist.i18n import lang_key
from receptionist.weekly_hours import DAYS, OpeningRange

Branch = Literal["open", "closed", "holiday"]


def business_state(script: Script, moment: datetime) -> Branch:
    """`moment` must be timezone-aware; it is converted to the script's local time."""
    if moment.tzinfo is None:
        raise ValueError("business_state needs an aware datetime")
    local = moment.astimezone(ZoneInfo(script.timezone))
    if any(h.date == local.date() for h in script.holidays):
        return "holiday"
    ranges = script.hours.get(DAYS[local.weekday()], [])
    now = local.time().replace(tzinfo=None)
    return "open" if any(r.contains(now) for r in ranges) else "closed"


HOURS_TEXT = {
    "open_until": {"en": "We are open today until {time}.",
                   "fr": "Nous sommes ouverts aujourd'hui jusqu'à {time}."},
    "opens_today": {"en": "We are closed right now. We open today at {time}.",
                    "fr": "Nous sommes fermés pour le moment. Nous ouvrons aujourd'hui à "
                          "{time}."},
    "closed_today": {"en": "We are closed today.", "fr": "Nous sommes fermés aujourd'hui."},
    "closed_now": {"en": "We are closed right now.",
                   "fr": "Nous sommes fermés pour le moment."},
    "next_open": {"en": "We open again {day} at {time}.",
                  "fr": "Nous rouvrons {day} à {time}."},
    "tomorrow": {"en": "tomorrow", "fr": "demain"},
    "weekday": {"en": "on {day}", "fr": "{day}"},
}


def _text(key: str, language: str, **values: str) -> str:
    return HOURS_TEXT[key][lang_key(language)].format(**values)


def hours_answer(script: Script, moment: datetime) -> str:
    """The opening hours as a receptionist says them now, from the script's own hours and
    holidays: "We are open today until 6 PM." / « Nous rouvrons lundi à 9 h. »"""
    tz = ZoneInfo(script.timezone)
    local = moment.astimezone(tz)
    language = script.language
    holiday_dates = {h.date for h in script.holidays}

    def ranges_on(day: date) -> list[OpeningRange]:
        return [] if day in holiday_dates else list(script.hours.get(DAYS[day.weekday()], []))

    def at(day: date, clock: time) -> str:
        if clock == time.max:
            clock = time(23, 59)
        return spoken_time(datetime.combine(day, clock, tz), language)

    today = local.date()
    now = local.time().replace(tzinfo=None)
    for opening in ranges_on(today):
        if opening.contains(now):
            return _text("open_until", language, time=at(today, opening.end))
        if now < opening.start:
            return _text("opens_today", language, time=at(today, opening.start))
    said = _text("closed_today" if not ranges_on(today) else "closed_now", language)
    for ahead in range(1, 15):
        day = today + timedelta(days=ahead)
        ranges = ranges_on(day)
        if ranges:
            names = FR_DAYS if lang_key(language) == "fr" else EN_DAYS
            when = (_text("tomorrow", language) if ahead == 1 else
                    _text("weekday", language, day=names[day.weekday()]))
            return f"{said} " + _text("next_open", language, day=when,
                                      time=at(day, ranges[0].start))
    return said
