"""Slot computation from an agenda's rules: grid, buffers, notice, horizon, closures, DST."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from receptionist.appointments.availability import (
    AgendaRules,
    epoch,
    free_slots,
    is_slot_start,
    merge,
    parse_closures,
    parse_hours,
)

NY = ZoneInfo("America/New_York")
PARIS = ZoneInfo("Europe/Paris")


def rules(tz: ZoneInfo = NY, hours: dict[str, list[str]] | None = None, slot: int = 30,
          buffer: int = 0, notice: int = 0, horizon: int = 60,
          closures: list[dict[str, str]] | None = None, step: int = 0) -> AgendaRules:
    weekly = hours if hours is not None else {d: ["09:00-12:00"] for d in
                                              ("mon", "tue", "wed", "thu", "fri")}
    return AgendaRules(tz=tz, weekly=parse_hours(json.dumps(weekly)),
                       closures=parse_closures(json.dumps(closures or [])), slot_s=slot * 60,
                       buffer_s=buffer * 60, notice_s=notice * 60, horizon_s=horizon * 86400,
                       step_s=step * 60)


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int
          ) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def times(slots: list[datetime], tz: ZoneInfo = NY) -> list[str]:
    return [s.astimezone(tz).strftime("%a %d %H:%M") for s in slots]


def day(r: AgendaRules, now: datetime, start: datetime,
        blocked: Sequence[tuple[int, int]] = ()) -> list[str]:
    return times(list(free_slots(r, now=now, start=start, end=start + timedelta(days=1),
                                 blocked=list(blocked))), r.tz)


MONDAY = local(NY, 2026, 11, 16, 0, 0)


def test_slots_fill_the_working_hours() -> None:
    assert day(rules(), MONDAY, MONDAY) == [f"Mon 16 {h}" for h in (
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30")]


def test_buffer_spaces_the_grid_and_follows_appointments() -> None:
    r = rules(buffer=10)
    assert day(r, MONDAY, MONDAY) == ["Mon 16 09:00", "Mon 16 09:40", "Mon 16 10:20",
                                      "Mon 16 11:00"]
    # An owner's event 10:25-10:55 blocks 10:20 (overlap) and 11:00 (buffer after it).
    busy = [(epoch(local(NY, 2026, 11, 16, 10, 25)), epoch(local(NY, 2026, 11, 16, 10, 55))
             + 600)]
    assert day(r, MONDAY, MONDAY, busy) == ["Mon 16 09:00", "Mon 16 09:40"]


def test_slot_edges_touching_is_not_overlapping() -> None:
    taken = [(epoch(local(NY, 2026, 11, 16, 9, 30)), epoch(local(NY, 2026, 11, 16, 10, 0)))]
    assert day(rules(), MONDAY, MONDAY, taken) == [
        "Mon 16 09:00", "Mon 16 10:00", "Mon 16 10:30", "Mon 16 11:00", "Mon 16 11:30"]


def test_a_slot_must_end_by_closing_time() -> None:
    r = rules(hours={"mon": ["09:00-10:15"]}, slot=30)
    assert day(r, MONDAY, MONDAY) == ["Mon 16 09:00", "Mon 16 09:30"]


def test_minimum_notice_and_horizon() -> None:
    now = local(NY, 2026, 11, 16, 9, 10)
    assert day(rules(notice=60), now, MONDAY) == ["Mon 16 10:30", "Mon 16 11:00",
                                                  "Mon 16 11:30"]
    r = rules(horizon=2)
    assert day(r, MONDAY, MONDAY + timedelta(days=1))[-1] == "Tue 17 11:30"
    assert day(r, MONDAY, MONDAY + timedelta(days=2)) == []  # beyond two days


def test_closures_and_days_off() -> None:
    r = rules(closures=[{"start": "2026-11-17", "end": "2026-11-18", "name": "Training"}])
    week = list(free_slots(r, now=MONDAY, start=MONDAY, end=MONDAY + timedelta(days=7),
                           blocked=[]))
    assert sorted({s.astimezone(NY).strftime("%a") for s in week}) == ["Fri", "Mon", "Thu"]


def test_dst_end_keeps_local_opening_hours() -> None:
    # Paris leaves summer time on Sunday 2026-10-25: Monday still opens at 09:00 local.
    r = rules(tz=PARIS, hours={"sat": ["09:00-10:00"], "mon": ["09:00-10:00"]})
    saturday = local(PARIS, 2026, 10, 24, 0, 0)
    slots = list(free_slots(r, now=saturday, start=saturday, end=saturday + timedelta(days=3),
                            blocked=[]))
    assert times(slots, PARIS) == ["Sat 24 09:00", "Sat 24 09:30", "Mon 26 09:00",
                                   "Mon 26 09:30"]
    assert [s.astimezone(UTC).hour for s in slots] == [7, 7, 8, 8]  # UTC+2, then UTC+1


def test_dst_night_slots_are_exact_durations() -> None:
    # New York springs forward at 02:00 on 2026-03-08: a 24-hour agenda loses an hour.
    r = rules(hours={"sun": ["00:00-24:00"]}, slot=60)
    sunday = local(NY, 2026, 3, 8, 0, 0)
    slots = list(free_slots(r, now=sunday, start=sunday, end=sunday + timedelta(days=1),
                            blocked=[]))
    assert len(slots) == 23
    assert all((b - a) == timedelta(hours=1) for a, b in itertools.pairwise(slots))


def test_limit_and_slot_starts() -> None:
    r = rules(buffer=10)
    assert len(list(free_slots(r, now=MONDAY, start=MONDAY, end=MONDAY + timedelta(days=30),
                               blocked=[], limit=3))) == 3
    assert is_slot_start(r, local(NY, 2026, 11, 16, 9, 40))
    assert not is_slot_start(r, local(NY, 2026, 11, 16, 9, 30))  # off the grid
    assert not is_slot_start(r, local(NY, 2026, 11, 21, 9, 0))  # Saturday


def test_merge() -> None:
    assert merge([(5, 7), (1, 3), (2, 4), (7, 9)]) == [(1, 4), (5, 9)]


def test_a_longer_type_keeps_the_agendas_grid() -> None:
    """A 60-minute cleaning with 10 minutes after it, in a 30-minute agenda: it starts on
    the half hours, fits before closing, and an appointment blocks what it overlaps."""
    r = rules(slot=60, buffer=10, step=30)
    assert day(r, MONDAY, MONDAY) == [f"Mon 16 {h}" for h in (
        "09:00", "09:30", "10:00", "10:30", "11:00")]
    check_up = (epoch(local(NY, 2026, 11, 16, 10, 30)), epoch(local(NY, 2026, 11, 16, 11, 0)))
    # 09:30 would run into the 10:30 check-up with its buffer (10:40); 11:00 is after it.
    assert day(r, MONDAY, MONDAY, [check_up]) == ["Mon 16 09:00", "Mon 16 11:00"]
    assert is_slot_start(r, local(NY, 2026, 11, 16, 9, 30))
    assert not is_slot_start(r, local(NY, 2026, 11, 16, 9, 40))
    assert not is_slot_start(r, local(NY, 2026, 11, 16, 11, 30))  # would end after 12:00
