"""Open, closed or holiday, in the business's own time zone (DST-correct via zoneinfo),
and the hours as a receptionist says them when a caller asks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from receptionist.appointments.spoken import spoken_time
from receptionist.call_flows.schema import Script
from receptionist.i18n import format_date, gettext
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
            return gettext(language, "hours.open_until", time=at(today, opening.end))
        if now < opening.start:
            return gettext(language, "hours.opens_today", time=at(today, opening.start))
    said = (gettext(language, "hours.closed_today") if not ranges_on(today)
            else gettext(language, "hours.closed_now"))
    for ahead in range(1, 15):
        day = today + timedelta(days=ahead)
        ranges = ranges_on(day)
        if ranges:
            when = (gettext(language, "hours.tomorrow") if ahead == 1 else
                    gettext(language, "hours.weekday", day=format_date(language, day, "EEEE")))
            return f"{said} " + gettext(language, "hours.next_open", day=when,
                                        time=at(day, ranges[0].start))
    return said
