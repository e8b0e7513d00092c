"""One week of a practice at a glance: a row per time, a column per agenda (practitioner),
each cell closed, free, busy in the linked calendar, booked (with the appointment), or
past (before now and the agenda's notice: no longer bookable).

Built from the same rules and rows as availability: the agendas' working intervals, their
appointments, and the busy times read from their calendars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from receptionist.appointments.availability import Interval, epoch, working_intervals
from receptionist.appointments.free_times import rules_of
from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus, ExternalBusy

State = Literal["closed", "free", "busy", "booked", "past"]
MIN_ROW_MINUTES = 15  # rows are the agendas' shortest slot, never finer than this


@dataclass(frozen=True)
class Cell:
    state: State
    appointment: Appointment | None = None
    starts_here: bool = False  # the appointment's first row (its label goes here)


@dataclass(frozen=True)
class Row:
    at: time
    cells: list[Cell]


@dataclass(frozen=True)
class Day:
    day: date
    rows: list[Row]  # empty: every agenda is closed that day


def _covers(start: int, end: int, row_start: int, row_end: int) -> bool:
    return start < row_end and end > row_start


def week(session: Session, agendas: Sequence[Agenda], monday: date, now: datetime
         ) -> list[Day]:
    """The seven days from `monday` in the first agenda's time zone (a practice's agendas
    share one), rows from the earliest opening to the latest closing of each day."""
    if not agendas:
        return []
    tz = ZoneInfo(agendas[0].timezone)
    start = datetime.combine(monday, time(0), tz)
    end = start + timedelta(days=7)
    row_s = max(MIN_ROW_MINUTES, min(a.slot_minutes for a in agendas)) * 60
    open_by: list[list[Interval]] = [
        list(working_intervals(rules_of(a), monday, monday + timedelta(days=6)))
        for a in agendas]
    booked = [_appointments(session, a, start, end) for a in agendas]
    busy = [_busy(session, a, start, end) for a in agendas]
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_start = epoch(datetime.combine(day, time(0), tz))
        day_end = epoch(datetime.combine(day + timedelta(days=1), time(0), tz))
        spans = [(s, e) for intervals in open_by for s, e in intervals
                 if s < day_end and e > day_start]
        if not spans:
            days.append(Day(day, []))
            continue
        first = min(s for s, _ in spans)
        last = max(e for _, e in spans)
        # Each cell looks only at what meets its day.
        day_booked = [[a for a in rows_of if a.start_s < day_end and a.end_s > day_start]
                      for rows_of in booked]
        day_busy = [[(s, e) for s, e in intervals if s < day_end and e > day_start]
                    for intervals in busy]
        rows = []
        t = first
        while t < last:
            cells = [_cell(t, t + row_s, open_by[i], day_booked[i], day_busy[i],
                           epoch(now) + agendas[i].min_notice_minutes * 60)
                     for i in range(len(agendas))]
            rows.append(Row(datetime.fromtimestamp(t, tz).time(), cells))
            t += row_s
        days.append(Day(day, rows))
    return days


def _cell(row_start: int, row_end: int, opened: list[Interval],
          booked: list[Appointment], busy: list[Interval], bookable_s: int) -> Cell:
    """`bookable_s`: from when the agenda takes bookings (now, plus its notice)."""
    for appointment in booked:
        if _covers(appointment.start_s, appointment.end_s, row_start, row_end):
            return Cell("booked", appointment,
                        starts_here=row_start <= appointment.start_s < row_end)
    if not any(s <= row_start and row_end <= e for s, e in opened):
        return Cell("closed")
    if any(_covers(s, e, row_start, row_end) for s, e in busy):
        return Cell("busy")
    return Cell("past" if row_start < bookable_s else "free")


def _appointments(session: Session, agenda: Agenda, start: datetime, end: datetime
                  ) -> list[Appointment]:
    # Appointments last at most a day: the lower bound keeps the index range to the week.
    return list(session.execute(select(Appointment).where(
        col(Appointment.agenda_id) == agenda.id,
        col(Appointment.start_s) > epoch(start) - 86400,
        col(Appointment.start_s) < epoch(end), col(Appointment.end_s) > epoch(start),
        col(Appointment.status) == AppointmentStatus.booked)
        .order_by(col(Appointment.start_s))).scalars())


def _busy(session: Session, agenda: Agenda, start: datetime, end: datetime
          ) -> list[Interval]:
    rows = session.execute(select(col(ExternalBusy.start_s), col(ExternalBusy.end_s)).where(
        col(ExternalBusy.agenda_id) == agenda.id, col(ExternalBusy.start_s) < epoch(end),
        col(ExternalBusy.end_s) > epoch(start))).all()
    return [(s, e) for s, e in rows]
