"""A week (or a day) of agendas on one time axis: a row per time, for each day a column
per agenda (practitioner), each cell past, closed, busy in the linked calendar, booked
(with the appointments that start in it), free, or unavailable (open and empty, but
booking would refuse it: within the notice, beyond the horizon, too close to another
appointment or a busy time, or the agenda does not offer the chosen type).

Free cells are exactly the starts that `free_times.available` returns for what a free cell
books (the agenda's plain slot or an appointment type): the function booking checks
each request with, so the calendar never offers a time booking refuses (buffers,
lengths, notice, hours, closures, busy times included)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import gcd
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, select
from sqlmodel import Session, col

from receptionist.appointments.availability import AgendaRules, Interval, epoch, working_intervals
from receptionist.appointments.free_times import Kind, available, rules_of
from receptionist.appointments.models import (
    UNIT_MINUTES,
    Agenda,
    Appointment,
    AppointmentStatus,
    ExternalBusy,
)

State = Literal["past", "closed", "busy", "booked", "free", "unavailable"]
# Why an open, empty, future cell cannot be booked.
Reason = Literal["", "notice", "horizon", "no_room", "between", "unoffered"]
DEFAULT_HOURS = (9 * 60, 17 * 60)  # the axis when nothing is open and nothing booked


@dataclass(frozen=True)
class Column:
    """One agenda shown, and what its free cells book: `kind` (an appointment type) or
    the agenda's plain slot (None). `offered`: False when the agenda does not offer the
    chosen type (it then has no free cell)."""

    agenda: Agenda
    kind: Kind | None = None
    offered: bool = True


@dataclass(frozen=True, slots=True)
class Cell:
    state: State
    at: datetime  # the row's start, in the week's time zone
    column: int  # index in Week.columns
    free_at: datetime | None = None  # the start a free cell books
    appointment: Booked | None = None  # the appointment that covers a booked cell
    starting: tuple[Booked, ...] = ()  # appointments that start in this cell
    reason: Reason = ""
    now_tenth: int | None = None  # now falls in this cell, at this tenth of it


@dataclass(frozen=True, slots=True)
class Row:
    at: time
    days: list[list[Cell]]  # per day shown, a cell per column


@dataclass(frozen=True)
class Week:
    days: list[date]
    columns: list[Column]
    row_minutes: int
    rows: list[Row]
    today: date
    tz: ZoneInfo = field(repr=False)

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            for cells in row.days:
                yield from cells

    def free_cells(self) -> list[Cell]:
        return [cell for cell in self.cells() if cell.state == "free"]


@dataclass(frozen=True)
class _Facts:
    """What one column's cells are made of, in epoch seconds."""

    rules: AgendaRules
    opened: list[Interval]
    booked: list[Booked]
    busy: list[Interval]
    free: list[int]


def build(session: Session, columns: Sequence[Column], days: Sequence[date], now: datetime,
          tz: ZoneInfo) -> Week:
    """The cells of `days` (consecutive) for `columns`, as seen at `now`."""
    start = datetime.combine(days[0], time(0), tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time(0), tz)
    ids = [c.agenda.id for c in columns if c.agenda.id is not None]
    booked = _appointments(session, ids, start, end)
    busy = _busy(session, ids, start, end)
    facts = []
    for column in columns:
        rules = rules_of(column.agenda, column.kind)
        free = ([epoch(t) for t in available(session, column.agenda, now=now, start=start,
                                             end=end, kind=column.kind)]
                if column.offered else [])
        facts.append(_Facts(rules, list(working_intervals(rules, days[0], days[-1])),
                            booked.get(column.agenda.id or 0, []),
                            busy.get(column.agenda.id or 0, []), free))
    return layout(columns, facts, list(days), now, tz)


def layout(columns: Sequence[Column], facts: Sequence[_Facts], days: list[date],
           now: datetime, tz: ZoneInfo) -> Week:
    step = _row_minutes(facts, tz)
    first, last = _axis(facts, days, tz, step)
    times = [time(m // 60, m % 60) for m in range(first, last, step)]
    now_s = epoch(now)
    row_s = step * 60
    by_time: list[list[list[Cell]]] = [[] for _ in times]
    for day in days:
        day_start = epoch(datetime.combine(day, time(0), tz))
        day_end = epoch(datetime.combine(day + timedelta(days=1), time(0), tz))
        daily = [_of_day(f, day_start, day_end) for f in facts]
        for index, at in enumerate(times):
            local = datetime.combine(day, at, tz)
            row_start = epoch(local)
            by_time[index].append([
                _cell(i, columns[i], daily[i], local, row_start, row_start + row_s, now_s)
                for i in range(len(columns))])
    return Week(days=days, columns=list(columns), row_minutes=step,
                rows=[Row(at, cells) for at, cells in zip(times, by_time, strict=True)],
                today=now.astimezone(tz).date(), tz=tz)


def _of_day(facts: _Facts, day_start: int, day_end: int) -> _Facts:
    """Only what meets one day (each cell then scans a few rows)."""
    return _Facts(facts.rules, [(s, e) for s, e in facts.opened if s < day_end and e > day_start],
                  [a for a in facts.booked if a.start_s < day_end and a.end_s > day_start],
                  [(s, e) for s, e in facts.busy if s < day_end and e > day_start],
                  [t for t in facts.free if day_start <= t < day_end])


def _cell(index: int, column: Column, facts: _Facts, local: datetime, start: int, end: int,
          now_s: int) -> Cell:
    now_tenth = (now_s - start) * 10 // (end - start) if start <= now_s < end else None
    starting = tuple(a for a in facts.booked if start <= a.start_s < end)
    covering = next((a for a in facts.booked if a.start_s < end and a.end_s > start), None)
    if covering is not None:
        return Cell("booked", local, index, appointment=covering, starting=starting,
                    now_tenth=now_tenth)
    if start < now_s:
        return Cell("past", local, index, now_tenth=now_tenth)
    opening = next(((s, e) for s, e in facts.opened if s <= start < e), None)
    if opening is None:
        return Cell("closed", local, index, now_tenth=now_tenth)
    if any(s < end and e > start for s, e in facts.busy):
        return Cell("busy", local, index, now_tenth=now_tenth)
    free_at = next((t for t in facts.free if start <= t < end), None)
    if free_at is not None:
        return Cell("free", local, index, free_at=datetime.fromtimestamp(free_at, local.tzinfo),
                    now_tenth=now_tenth)
    return Cell("unavailable", local, index, reason=_why(column, facts.rules, opening, start,
                                                          end, now_s), now_tenth=now_tenth)


def _why(column: Column, rules: AgendaRules, opening: Interval, start: int, end: int,
         now_s: int) -> Reason:
    if not column.offered:
        return "unoffered"
    if start < now_s + rules.notice_s:
        return "notice"
    if start >= now_s + rules.horizon_s:
        return "horizon"
    opens = opening[0]
    first_start = start + (-(start - opens)) % rules.grid_s  # the first grid start in the row
    if first_start >= end:
        return "between"
    return "no_room"  # a buffer, the next appointment or busy time, or the closing


def _row_minutes(facts: Sequence[_Facts], tz: ZoneInfo) -> int:
    """The rows' length: every agenda's grid of starts and every opening fall on a row
    (30 minutes for agendas of 30-minute slots opening on the hour), at least the unit
    of slot claims."""
    step = 0
    for f in facts:
        step = gcd(step, f.rules.grid_s // 60)
        for s, _ in f.opened:
            local = datetime.fromtimestamp(s, tz)
            step = gcd(step, local.hour * 60 + local.minute)
    return max(UNIT_MINUTES, min(step or 30, 60))


def _axis(facts: Sequence[_Facts], days: list[date], tz: ZoneInfo, step: int
          ) -> tuple[int, int]:
    """[first, last) minutes of the day the rows cover: the earliest opening to the latest
    closing of the days shown, stretched to every appointment (none is left out)."""
    spans = [span for f in facts for span in f.opened]
    spans += [(a.start_s, a.end_s) for f in facts for a in f.booked]
    minutes = []
    for s, e in spans:
        start, end = datetime.fromtimestamp(s, tz), datetime.fromtimestamp(e, tz)
        if start.date() < days[0]:
            start = datetime.combine(days[0], time(0), tz)
        minutes.append(start.hour * 60 + start.minute)
        minutes.append(1440 if end.date() > start.date() else end.hour * 60 + end.minute)
    if not minutes:
        return DEFAULT_HOURS
    first, last = min(minutes), max(minutes)
    return first - first % step, min(1440, last + (-last) % step)


class Booked(NamedTuple):
    """An appointment as the calendar shows it (the columns it needs, read as plain
    tuples: a full week of six agendas is hundreds of rows)."""

    id: int
    agenda_id: int
    start_s: int
    end_s: int
    appointment_type: str
    caller_name: str
    caller_number: str

    @property
    def starts_at(self) -> datetime:
        return datetime.fromtimestamp(self.start_s, UTC)

    @property
    def ends_at(self) -> datetime:
        return datetime.fromtimestamp(self.end_s, UTC)


# One agenda at a time (`agenda_id =`), so that SQLite walks the agenda's index over the
# days (an IN list made it scan every booked appointment by status). Appointments last
# at most a day: the lower bound keeps the index range to the days shown.
_BOOKED = select(
    col(Appointment.id), col(Appointment.agenda_id), col(Appointment.start_s),
    col(Appointment.end_s), col(Appointment.appointment_type), col(Appointment.caller_name),
    col(Appointment.caller_number)).where(
    col(Appointment.agenda_id) == bindparam("agenda_id"),
    col(Appointment.start_s) > bindparam("day_before"),
    col(Appointment.start_s) < bindparam("until"), col(Appointment.end_s) > bindparam("since"),
    col(Appointment.status) == AppointmentStatus.booked).order_by(col(Appointment.start_s))

_BUSY = select(col(ExternalBusy.start_s), col(ExternalBusy.end_s)).where(
    col(ExternalBusy.agenda_id) == bindparam("agenda_id"),
    col(ExternalBusy.start_s) < bindparam("until"), col(ExternalBusy.end_s) > bindparam("since"))


def _window(start: datetime, end: datetime) -> dict[str, int]:
    return {"since": epoch(start), "until": epoch(end), "day_before": epoch(start) - 86400}


def _appointments(session: Session, ids: list[int], start: datetime, end: datetime
                  ) -> dict[int, list[Booked]]:
    window = _window(start, end)
    connection = session.connection()
    return {agenda_id: [Booked._make(row) for row in connection.execute(
        _BOOKED, {**window, "agenda_id": agenda_id}).all()] for agenda_id in ids}


def _busy(session: Session, ids: list[int], start: datetime, end: datetime
          ) -> dict[int, list[Interval]]:
    window = _window(start, end)
    connection = session.connection()
    return {agenda_id: [(int(s), int(e)) for s, e in connection.execute(
        _BUSY, {**window, "agenda_id": agenda_id}).all()] for agenda_id in ids}


# Whether an agenda has an appointment meeting the days (its buffer counts: a little wider
# than the days, read from the covering index alone).
_BOOKED_AGENDAS = select(col(Agenda.id)).where(
    col(Agenda.tenant_id) == bindparam("tenant_id"), exists().where(
        col(Appointment.agenda_id) == col(Agenda.id),
        col(Appointment.start_s) > bindparam("day_before"),
        col(Appointment.start_s) < bindparam("until"),
        col(Appointment.block_end_s) > bindparam("since"),
        col(Appointment.status) == AppointmentStatus.booked))


def booked_agendas(session: Session, *, tenant_id: int, start: datetime, end: datetime
                   ) -> set[int]:
    """The agendas of the business with appointments meeting [start, end): shown in the
    week whoever the script names now, so that no appointment is left out."""
    return {agenda_id for agenda_id in session.connection().execute(
        _BOOKED_AGENDAS, {**_window(start, end), "tenant_id": tenant_id}).scalars()
        if agenda_id is not None}
