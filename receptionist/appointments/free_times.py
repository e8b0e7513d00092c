"""Free times of agendas, read from the database: what blocks an agenda (its
appointments, the busy times of its calendar), its free slots, the first day that has
any, and "the first available" among several agendas (practitioners).

What one booking occupies is the agenda's plain slot or a `Kind` (an appointment type),
turned into the agenda's rules by `rules_of`; the sweep itself is `availability.free_slots`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, null, select, union_all
from sqlmodel import Session, col

from receptionist.appointments.availability import (
    AgendaRules,
    Interval,
    epoch,
    free_slots,
    parse_closures,
    parse_hours,
)
from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus, ExternalBusy
from receptionist.direct_statements import Direct


@dataclass(frozen=True)
class Kind:
    """What one booking occupies when it is not the agenda's plain slot: an appointment
    type (a 60-minute cleaning with 10 minutes to clean up after), with its own notice
    and horizon when the type has them. The agenda's grid still sets the start times."""

    type_id: str
    minutes: int
    buffer_minutes: int = 0
    notice_minutes: int | None = None
    horizon_days: int | None = None

    @classmethod
    def of_appointment(cls, appointment: Appointment) -> Kind:
        """What an appointment being moved keeps: its own length, buffer and type."""
        minutes = int((appointment.ends_at - appointment.starts_at).total_seconds()) // 60
        return cls(appointment.appointment_type, minutes, appointment.buffer_minutes)


def rules_of(agenda: Agenda, kind: Kind | None = None) -> AgendaRules:
    if kind is None:
        return _rules(agenda.timezone, agenda.weekly_hours, agenda.closures,
                      agenda.slot_minutes, agenda.buffer_minutes, agenda.min_notice_minutes,
                      agenda.horizon_days, 0)
    return _rules(agenda.timezone, agenda.weekly_hours, agenda.closures, kind.minutes,
                  kind.buffer_minutes, notice_of(agenda, kind), horizon_of(agenda, kind),
                  (agenda.slot_minutes + agenda.buffer_minutes) * 60)


def notice_of(agenda: Agenda, kind: Kind | None) -> int:
    """The notice (minutes) a booking of `kind` needs: the type's, else the agenda's."""
    if kind is None or kind.notice_minutes is None:
        return agenda.min_notice_minutes
    return kind.notice_minutes


def horizon_of(agenda: Agenda, kind: Kind | None) -> int:
    """How far ahead (days) `kind` may be booked: the type's, else the agenda's."""
    if kind is None or kind.horizon_days is None:
        return agenda.horizon_days
    return kind.horizon_days


@lru_cache(maxsize=512)
def _rules(timezone: str, weekly_hours: str, closures: str, slot_minutes: int,
           buffer_minutes: int, notice_minutes: int, horizon_days: int,
           step_s: int) -> AgendaRules:
    """Parsed once per version of an agenda's settings (the key is every field used)."""
    return AgendaRules(
        tz=ZoneInfo(timezone), weekly=parse_hours(weekly_hours),
        closures=parse_closures(closures), slot_s=slot_minutes * 60,
        buffer_s=buffer_minutes * 60, notice_s=notice_minutes * 60,
        horizon_s=horizon_days * 86400, step_s=step_s)


def blocked(session: Session, agenda: Agenda, start: datetime, end: datetime,
            *, kind: Kind | None = None, ignore: int | None = None) -> list[Interval]:
    """What blocks slots in [start, end): appointments with the buffer each was booked
    with, and busy times of the linked calendar with the agenda's buffer after them.
    `ignore`: an appointment being moved.

    Read as epoch seconds from a covering index (thousands of rows in a 60-day window),
    as the driver's plain tuples."""
    buffer_s = agenda.buffer_minutes * 60
    occupied_s = rules_of(agenda, kind).occupied_s
    since = epoch(start)
    window = {"agenda_id": agenda.id, "until": epoch(end) + occupied_s, "since": since,
              "day_before": since - 86400 - buffer_s, "buffer_s": buffer_s,
              "busy_since": since - buffer_s}
    return [(s, e) for s, e, appointment_id
            in _BLOCKING.run(session.connection(), window).rows
            if appointment_id is None or appointment_id != ignore]


# Built once (every offer and booking runs it): appointments (with their id) and external
# busy times (id NULL) meeting [since, until), in one statement, run on the driver
# (`direct_statements`): its rows are the driver's plain tuples (for thousands of rows of
# integers, SQLAlchemy's Row objects cost more than the query).
_BLOCKING = Direct(union_all(
    select(col(Appointment.start_s), col(Appointment.block_end_s), col(Appointment.id)).where(
        col(Appointment.agenda_id) == bindparam("agenda_id"),
        col(Appointment.start_s) < bindparam("until"),
        # Appointments last at most a day: this bound keeps the index range to the window
        # instead of everything before it.
        col(Appointment.start_s) > bindparam("day_before"),
        col(Appointment.block_end_s) > bindparam("since"),
        col(Appointment.status) == AppointmentStatus.booked),
    select(col(ExternalBusy.start_s), col(ExternalBusy.end_s) + bindparam("buffer_s"),
           null()).where(
        col(ExternalBusy.agenda_id) == bindparam("agenda_id"),
        col(ExternalBusy.start_s) < bindparam("until"),
        col(ExternalBusy.end_s) > bindparam("busy_since"))))


def available(session: Session, agenda: Agenda, *, now: datetime, start: datetime,
              end: datetime, limit: int | None = None, ignore: int | None = None,
              kind: Kind | None = None) -> list[datetime]:
    return list(free_slots(rules_of(agenda, kind), now=now, start=start, end=end,
                           blocked=blocked(session, agenda, start, end, kind=kind,
                                           ignore=ignore),
                           limit=limit))


def day_bounds(agenda: Agenda, day: datetime) -> tuple[datetime, datetime]:
    """[local midnight, next local midnight) of the agenda day containing `day`."""
    tz = ZoneInfo(agenda.timezone)
    local = day.astimezone(tz).date()
    start = datetime.combine(local, datetime.min.time(), tz)
    return start, datetime.combine(local + timedelta(days=1), datetime.min.time(), tz)


def first_free(session: Session, agenda: Agenda, *, now: datetime, since: datetime,
               ignore: int | None = None, kind: Kind | None = None) -> datetime | None:
    """The first free slot from `since` on, a week of the horizon at a time."""
    horizon_end = now + timedelta(days=horizon_of(agenda, kind))
    window = timedelta(days=7)
    cursor = since
    while cursor < horizon_end:
        stop = min(cursor + window, horizon_end)
        first = available(session, agenda, now=now, start=cursor, end=stop, limit=1,
                          ignore=ignore, kind=kind)
        if first:
            return first[0]
        cursor = stop
    return None


def first_day_with_slots(session: Session, agenda: Agenda, *, now: datetime,
                         after: datetime | None = None, count: int = 3,
                         ignore: int | None = None, kind: Kind | None = None
                         ) -> list[datetime]:
    """The first `count` free slots of the first day (after the day of `after`) that has
    any: what a receptionist offers on the phone. Empty when the horizon is full."""
    return [slot for slot, _ in first_day_among(session, [agenda], now=now, after=after,
                                                count=count, ignore=ignore, kind=kind)]


def first_day_among(session: Session, agendas: Sequence[Agenda], *, now: datetime,
                    after: datetime | None = None, count: int = 3, ignore: int | None = None,
                    kind: Kind | None = None) -> list[tuple[datetime, Agenda]]:
    """The first day (after the day of `after`) on which any of `agendas` is free, and
    its first `count` free times, each with the first agenda (in the order given) free
    then: "the first available" across practitioners."""
    if not agendas:
        return []
    since = now if after is None else day_bounds(agendas[0], after)[1]
    firsts = [found for agenda in agendas
              if (found := first_free(session, agenda, now=now, since=since, ignore=ignore,
                                      kind=kind)) is not None]
    if not firsts:
        return []
    day_start, day_end = day_bounds(agendas[0], min(firsts))
    return available_among(session, agendas, now=now, start=max(day_start, since),
                           end=day_end, count=count, ignore=ignore, kind=kind)


def available_among(session: Session, agendas: Sequence[Agenda], *, now: datetime,
                    start: datetime, end: datetime, count: int | None = None,
                    ignore: int | None = None, kind: Kind | None = None
                    ) -> list[tuple[datetime, Agenda]]:
    """Free times in [start, end) of any of `agendas`, soonest first, each time once with
    whoever is free then and has the fewest appointments in the window (the agendas'
    order breaks ties): "the first available" spreads the work instead of filling the
    first practitioner's day."""
    free: dict[datetime, list[Agenda]] = {}
    for agenda in agendas:
        for slot in available(session, agenda, now=now, start=start, end=end, limit=count,
                              ignore=ignore, kind=kind):
            free.setdefault(slot, []).append(agenda)
    load = _load(session, agendas, day_bounds(agendas[0], start)[0], end
                 ) if len(agendas) > 1 else {}
    rank = {agenda.id: index for index, agenda in enumerate(agendas)}
    times = sorted(free)
    return [(slot, min(free[slot], key=lambda a: (load.get(a.id or 0, 0), rank[a.id])))
            for slot in (times if count is None else times[:count])]


def _load(session: Session, agendas: Sequence[Agenda], start: datetime, end: datetime
          ) -> dict[int, int]:
    """How many appointments each agenda has starting in [start, end) (from the start of
    the first day: what is already booked today counts)."""
    rows = session.execute(select(col(Appointment.agenda_id), func.count()).where(
        col(Appointment.agenda_id).in_([a.id for a in agendas]),
        col(Appointment.start_s) >= epoch(start), col(Appointment.start_s) < epoch(end),
        col(Appointment.status) == AppointmentStatus.booked)
        .group_by(col(Appointment.agenda_id))).all()
    return {int(agenda_id): int(count) for agenda_id, count in rows}
