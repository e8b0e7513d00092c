"""Opening hours and closures as people write them: days (mon…sun), ranges such as
09:00-18:00 (24:00 closes the day), closure lines such as `2026-12-24 2026-12-26 Holidays`.
One parser for scripts, agendas and the admin forms."""

from __future__ import annotations

import re
from datetime import date, time

from pydantic import BaseModel, ConfigDict

from receptionist.catalog_text import Refused
from receptionist.clock import sane_date
from receptionist.i18n import N_

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$")


class OpeningRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: time
    end: time  # time.max stands for 24:00

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end or (self.end == time.max and moment >= self.start)


def format_range(opening: OpeningRange) -> str:
    """The range as scripts and forms write it: "09:00-18:00" ("24:00" for midnight)."""
    end = "24:00" if opening.end == time.max else f"{opening.end:%H:%M}"
    return f"{opening.start:%H:%M}-{end}"


def parse_range(text: str) -> OpeningRange:
    match = _RANGE.match(text.strip())
    if not match:
        raise Refused(N_("refusal.hours.range_form"), range=text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise Refused(N_("refusal.hours.range_time"), range=text)
    end = time.max if h2 == 24 else time(h2, m2)
    if end <= time(h1, m1):
        raise Refused(N_("refusal.hours.range_order"), range=text)
    return OpeningRange(start=time(h1, m1), end=end)


def parse_hours_lines(text: str) -> dict[str, list[str]]:
    weekly: dict[str, list[str]] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        parts = raw.split()
        if not parts:
            continue
        day, ranges = parts[0].lower(), parts[1:]
        if day not in DAYS or not ranges:
            raise Refused(N_("refusal.hours.line"), line=number, days=", ".join(DAYS))
        for text_range in ranges:
            parse_range(text_range)  # raises ValueError with the reason
        weekly[day] = ranges
    return weekly


def parse_closure_lines(text: str) -> list[dict[str, str]]:
    closed = []
    for number, raw in enumerate(text.splitlines(), 1):
        parts = raw.strip().split(maxsplit=1)
        if not parts:
            continue
        if not _is_date(parts[0]):
            raise Refused(N_("refusal.closures.date"), line=number)
        start = end = date.fromisoformat(parts[0])
        rest = parts[1] if len(parts) > 1 else ""
        first, _, after = rest.partition(" ")
        if _is_date(first):
            end, rest = date.fromisoformat(first), after
        if end < start:
            raise Refused(N_("refusal.closures.order"), line=number)
        closed.append({"start": start.isoformat(), "end": end.isoformat(),
                       "name": rest.strip()})
    return closed


def _is_date(text: str) -> bool:
    try:
        sane_date(date.fromisoformat(text))
    except ValueError:
        return False
    return True
