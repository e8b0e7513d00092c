"""Open, closed or holiday, in the business's own time zone (DST-correct via zoneinfo)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from receptionist.call_flows.schema import Script
from receptionist.weekly_hours import DAYS

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
