"""Free slots of an agenda: its weekly hours and closures, minus what is taken.

Pure functions on epoch seconds (no database, no ORM objects): availability over a
60-day horizon with thousands of appointments is a sort and a linear sweep.

Slots start at the opening of each working interval and follow each other every `step`
(by default `slot + buffer` minutes: a 30-minute slot with a 10-minute buffer gives 9:00,
9:40, 10:20...). Each slot occupies [start, start + slot + buffer): the buffer follows
every appointment, so two appointments are always at least `buffer` apart. An appointment
type longer than the agenda's slot (a 60-minute cleaning in a 30-minute agenda) keeps the
agenda's step as its grid and occupies its own length. Times are stepped in absolute
time from the local opening, so slots stay exact across DST changes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from receptionist.weekly_hours import DAYS, parse_range

Interval = tuple[int, int]  # [start, end) in epoch seconds


@dataclass(frozen=True)
class AgendaRules:
    tz: ZoneInfo
    weekly: dict[int, list[tuple[time, time]]]  # weekday (Mon=0) -> local intervals
    closures: tuple[tuple[date, date], ...]  # inclusive local dates
    slot_s: int
    buffer_s: int
    notice_s: int
    horizon_s: int
    step_s: int = 0  # the grid of slot starts; 0: slot + buffer

    @property
    def occupied_s(self) -> int:
        return self.slot_s + self.buffer_s

    @property
    def grid_s(self) -> int:
        return self.step_s or self.occupied_s

    def closed_on(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.closures)


def parse_hours(weekly_json: str) -> dict[int, list[tuple[time, time]]]:
    """{"mon": ["09:00-12:00", ...]} -> {0: [(9:00, 12:00)]}; "24:00" closes the day."""
    weekly: dict[int, list[tuple[time, time]]] = {}
    for day, ranges in json.loads(weekly_json).items():
        weekly[DAYS.index(day)] = sorted((r.start, r.end) for r in map(parse_range, ranges))
    return weekly


def parse_closures(closures_json: str) -> tuple[tuple[date, date], ...]:
    return tuple((date.fromisoformat(c["start"]), date.fromisoformat(c.get("end", c["start"])))
                 for c in json.loads(closures_json))


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def from_epoch(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def working_intervals(rules: AgendaRules, first_day: date, last_day: date
                      ) -> Iterator[Interval]:
    """Open intervals of each local day in [first_day, last_day], as epoch seconds."""
    day = first_day
    while day <= last_day:
        if not rules.closed_on(day):
            for opens, closes in rules.weekly.get(day.weekday(), []):
                start = datetime.combine(day, opens, rules.tz)
                end = (datetime.combine(day + timedelta(days=1), time(0), rules.tz)
                       if closes == time.max else datetime.combine(day, closes, rules.tz))
                yield epoch(start), epoch(end)
        day += timedelta(days=1)


def free_slots(rules: AgendaRules, *, now: datetime, start: datetime, end: datetime,
               blocked: Sequence[Interval], limit: int | None = None) -> Iterator[datetime]:
    """Slot starts in [start, end) that respect notice and horizon and whose occupancy
    meets no `blocked` interval (appointments with their buffer, external busy times)."""
    earliest = max(epoch(start), epoch(now) + rules.notice_s)
    latest = min(epoch(end), epoch(now) + rules.horizon_s)
    if earliest >= latest:
        return
    taken = merge(blocked)
    count = len(taken)
    slot_s, occupied_s, step_s = rules.slot_s, rules.occupied_s, rules.grid_s
    k = 0
    found = 0
    first_day = from_epoch(earliest).astimezone(rules.tz).date()
    last_day = from_epoch(latest).astimezone(rules.tz).date()
    # A day's availability is a few hundred slots: the loop is the API's hottest code,
    # hence the local names and `fromtimestamp` called directly (`from_epoch`).
    at = datetime.fromtimestamp
    for opens, closes in working_intervals(rules, first_day, last_day):
        t = opens
        while t + slot_s <= closes:
            if t >= latest:
                return
            if t >= earliest:
                while k < count and taken[k][1] <= t:
                    k += 1
                if k < count and taken[k][0] < t + occupied_s:
                    # Blocked: jump to the first grid start at or after the blocker's end.
                    t += max(step_s, -(-(taken[k][1] - t) // step_s) * step_s)
                    continue
                yield at(t, UTC)
                found += 1
                if limit is not None and found >= limit:
                    return
            t += step_s


def is_slot_start(rules: AgendaRules, moment: datetime) -> bool:
    """Whether `moment` is on the agenda's grid of slot starts (ignoring what is taken),
    exactly: 10:00:00.5 is not 10:00 (epoch() would truncate it to the second)."""
    if moment.microsecond:
        return False
    t = epoch(moment)
    day = moment.astimezone(rules.tz).date()
    for opens, closes in working_intervals(rules, day - timedelta(days=1), day):
        if opens <= t and t + rules.slot_s <= closes and (t - opens) % rules.grid_s == 0:
            return True
    return False
