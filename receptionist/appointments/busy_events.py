"""Busy times from calendar events, whatever brought them (a CalDAV calendar, a published
iCalendar feed): what blocks an agenda and what does not.

An event blocks [start, end) unless it is ours (read back from a calendar we write to),
marked free (TRANSP:TRANSPARENT) or cancelled. An all-day event blocks whole local days of
the agenda's time zone; a floating time (no zone) is read in the agenda's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

OUR_UID_SUFFIX = "@receptionist"
Busy = tuple[str, datetime, datetime, str]  # (uid, start, end, summary)


def busy_of(components: Iterable[Any], tz: ZoneInfo) -> Iterator[Busy]:
    """The busy intervals of expanded VEVENT components (icalendar objects)."""
    for component in components:
        uid = str(component.get("uid", ""))
        if uid.endswith(OUR_UID_SUFFIX):
            continue
        if str(component.get("transp", "OPAQUE")).upper() == "TRANSPARENT":
            continue  # marked "free" by the owner
        if str(component.get("status", "")).upper() == "CANCELLED":
            continue
        begins = component.get("dtstart")
        if begins is None:
            continue
        start = moment(begins.dt, tz)
        stop_field = component.get("dtend")
        if stop_field is not None:
            stop = moment(stop_field.dt, tz)
        else:
            duration = component.get("duration")
            stop = start + (duration.dt if duration is not None else timedelta(days=1)
                            if not isinstance(begins.dt, datetime) else timedelta(0))
        if stop > start:
            yield uid, start, stop, str(component.get("summary", ""))


def moment(value: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    return datetime.combine(value, time(0), tz)  # an all-day event: local midnight
