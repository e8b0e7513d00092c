"""Agendas, availability and appointments (no HTTP here).

Booking, moving and cancelling each happen in the caller's transaction together with
what they cause: the slot claims (the no-double-booking rule), the calendar sync state,
and the caller's SMS in the outbox. The caller commits; a SlotTaken error means the
transaction must be rolled back (or the savepoint, see `book`).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Executable,
    bindparam,
    delete,
    func,
    insert,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from receptionist.appointments.availability import (
    AgendaRules,
    Interval,
    epoch,
    free_slots,
    is_slot_start,
    parse_closures,
    parse_hours,
)
from receptionist.appointments.models import (
    UNIT_MINUTES,
    Agenda,
    Appointment,
    AppointmentStatus,
    ExternalBusy,
    SlotClaim,
    SyncState,
)
from receptionist.appointments.texts import sms_text
from receptionist.outbox import service as outbox
from receptionist.tenants.models import Tenant, TenantNumber

_INSERT_CLAIMS = insert(SlotClaim.__table__)  # type: ignore[attr-defined]
REMINDER_KINDS = ("reminder",)
MAX_REMINDER_HOURS = 168


class BookingError(ValueError):
    """The request cannot be booked as asked (with a reason for the caller or client)."""


class NotASlot(BookingError):
    pass


class SlotTaken(BookingError):
    pass


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
                  kind.buffer_minutes, _notice(agenda, kind), _horizon(agenda, kind),
                  (agenda.slot_minutes + agenda.buffer_minutes) * 60)


def _notice(agenda: Agenda, kind: Kind | None) -> int:
    if kind is None or kind.notice_minutes is None:
        return agenda.min_notice_minutes
    return kind.notice_minutes


def _horizon(agenda: Agenda, kind: Kind | None) -> int:
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


def validate_agenda(agenda: Agenda) -> None:
    """Raise ValueError with the reason when the agenda's settings cannot work."""
    ZoneInfo(agenda.timezone)
    parse_hours(agenda.weekly_hours)
    parse_closures(agenda.closures)
    for name in ("slot_minutes", "buffer_minutes"):
        value = getattr(agenda, name)
        if value < 0 or value % UNIT_MINUTES:
            raise ValueError(f"{name} must be a multiple of {UNIT_MINUTES} minutes")
    if not 0 < agenda.slot_minutes <= 24 * 60:
        raise ValueError("slot_minutes must be between 5 and 1440")
    if agenda.horizon_days <= 0 or agenda.min_notice_minutes < 0:
        raise ValueError("horizon_days must be positive and min_notice_minutes >= 0")
    if not 0 <= agenda.reminder_hours <= MAX_REMINDER_HOURS:
        raise ValueError(f"reminder_hours must be between 0 and {MAX_REMINDER_HOURS}")


def update_rules(session: Session, *, agenda: Agenda, weekly_hours: dict[str, list[str]],
                 closures: Sequence[dict[str, str]], slot_minutes: int, buffer_minutes: int,
                 min_notice_minutes: int, horizon_days: int, reminder_hours: int) -> None:
    """Change an agenda's booking rules, all or nothing: a ValueError (with the reason)
    leaves the agenda as it was."""
    changes: dict[str, Any] = {
        "weekly_hours": json.dumps(weekly_hours), "closures": json.dumps(list(closures)),
        "slot_minutes": slot_minutes, "buffer_minutes": buffer_minutes,
        "min_notice_minutes": min_notice_minutes, "horizon_days": horizon_days,
        "reminder_hours": reminder_hours}
    before = {name: getattr(agenda, name) for name in changes}
    for name, value in changes.items():
        setattr(agenda, name, value)
    try:
        validate_agenda(agenda)
    except ValueError:
        for name, value in before.items():
            setattr(agenda, name, value)
        raise
    session.add(agenda)


def create_agenda(session: Session, *, tenant: Tenant, slug: str, name: str,
                  weekly_hours: dict[str, list[str]], timezone: str | None = None,
                  slot_minutes: int = 30, buffer_minutes: int = 0,
                  min_notice_minutes: int = 60, horizon_days: int = 60,
                  reminder_hours: int = 24,
                  closures: Sequence[dict[str, str]] = ()) -> Agenda:
    assert tenant.id is not None
    agenda = Agenda(tenant_id=tenant.id, slug=slug, name=name,
                    timezone=timezone or tenant.timezone, weekly_hours=json.dumps(weekly_hours),
                    closures=json.dumps(list(closures)), slot_minutes=slot_minutes,
                    buffer_minutes=buffer_minutes, min_notice_minutes=min_notice_minutes,
                    horizon_days=horizon_days, reminder_hours=reminder_hours,
                    feed_token=secrets.token_urlsafe(32))
    validate_agenda(agenda)
    session.add(agenda)
    session.flush()
    return agenda


def get_agenda(session: Session, *, tenant_id: int, slug: str) -> Agenda | None:
    return session.execute(_AGENDA, {"tenant_id": tenant_id, "slug": slug}).scalars().first()


_AGENDA = select(Agenda).where(col(Agenda.tenant_id) == bindparam("tenant_id"),
                               col(Agenda.slug) == bindparam("slug"))


def list_agendas(session: Session, *, tenant_id: int) -> list[Agenda]:
    return list(session.execute(select(Agenda).where(col(Agenda.tenant_id) == tenant_id)
                                .order_by(col(Agenda.slug))).scalars())


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
            in _raw_rows(session.connection(), _BLOCKING, window)
            if appointment_id is None or appointment_id != ignore]


# Built once (every offer and booking runs it): appointments (with their id) and external
# busy times (id NULL) meeting [since, until), in one statement.
_BLOCKING: CompoundSelect[tuple[int, int, int | None]] = union_all(
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
        col(ExternalBusy.end_s) > bindparam("busy_since")))


def _raw_rows(connection: Connection, statement: Executable,
              parameters: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The DBAPI's own tuples: for thousands of rows of plain integers, SQLAlchemy's Row
    objects cost more than the query."""
    result = connection.execute(statement, parameters)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


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
    horizon_end = now + timedelta(days=_horizon(agenda, kind))
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


def bookings_on(session: Session, *, tenant_id: int, caller_number: str, start: datetime,
                end: datetime, ignore: int | None = None) -> int:
    """How many appointments the caller has starting in [start, end) (a day's limit)."""
    query = select(func.count()).select_from(Appointment).where(
        col(Appointment.tenant_id) == tenant_id,
        col(Appointment.caller_number) == caller_number,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) >= start, col(Appointment.starts_at) < end)
    if ignore is not None:
        query = query.where(col(Appointment.id) != ignore)
    return int(session.execute(query).scalar_one())


def _claims(agenda: Agenda, appointment_id: int, starts_at: datetime, ends_at: datetime,
            buffer_minutes: int) -> list[dict[str, object]]:
    assert agenda.id is not None
    unit = timedelta(minutes=UNIT_MINUTES)
    until = ends_at + timedelta(minutes=buffer_minutes)
    rows: list[dict[str, object]] = []
    t = starts_at
    while t < until:
        rows.append({"agenda_id": agenda.id, "unit_start": t, "appointment_id": appointment_id})
        t += unit
    return rows


def _check_slot(session: Session, agenda: Agenda, starts_at: datetime, now: datetime,
                ignore: int | None = None, kind: Kind | None = None) -> datetime:
    rules = rules_of(agenda, kind)
    if starts_at.tzinfo is None:
        raise NotASlot("the time must include its UTC offset")
    if starts_at.astimezone(UTC).second or starts_at.microsecond:
        # Slot claims are keyed by the exact start: a fraction would step beside them.
        raise NotASlot("a slot starts on a whole minute (no seconds)")
    if not is_slot_start(rules, starts_at):
        raise NotASlot("not a slot start of this agenda (see its availability)")
    notice, horizon = _notice(agenda, kind), _horizon(agenda, kind)
    if starts_at < now + timedelta(minutes=notice):
        raise NotASlot(f"too soon: at least {notice} minutes' notice")
    if starts_at >= now + timedelta(days=horizon):
        raise NotASlot(f"too far ahead: at most {horizon} days")
    ends_at = starts_at + timedelta(seconds=rules.slot_s)
    if not available(session, agenda, now=now, start=starts_at, end=ends_at, limit=1,
                     ignore=ignore, kind=kind):
        raise SlotTaken("this time is no longer free")
    return ends_at


def _sender(session: Session, tenant_id: int, preferred: str | None) -> str:
    if preferred:
        return preferred
    number = session.execute(select(col(TenantNumber.number)).where(
        col(TenantNumber.tenant_id) == tenant_id).order_by(col(TenantNumber.id))).scalar()
    return number or ""


def _notify(session: Session, appointment: Appointment, agenda: Agenda, *, kind: str,
            now: datetime, sender: str | None) -> None:
    """Queue the caller's SMS for this change (when we have a number to text)."""
    if not appointment.caller_number.startswith("+") or appointment.id is None:
        return
    tenant = session.get(Tenant, appointment.tenant_id)
    business = tenant.name if tenant is not None else ""
    local = appointment.starts_at.astimezone(ZoneInfo(agenda.timezone))
    from_number = _sender(session, appointment.tenant_id, sender)
    if not from_number:
        return
    key_time = appointment.starts_at.strftime("%Y%m%dT%H%M%SZ")
    outbox.enqueue(session, tenant_id=appointment.tenant_id,
                   key=f"appointment:{appointment.id}:{kind}:{appointment.sequence}:{key_time}",
                   channel="sms", kind=kind, recipient=appointment.caller_number,
                   sender=from_number, appointment_id=appointment.id, now=now,
                   body=sms_text(kind, appointment.language, business=business, when=local,
                                 phone=from_number))


@contextmanager
def _claiming(session: Session, savepoint: bool) -> Iterator[None]:
    """Writing slot claims: a key conflict (someone else holds a unit) is SlotTaken. With
    `savepoint`, only the claims roll back and the caller's transaction goes on."""
    try:
        with session.begin_nested() if savepoint else nullcontext():
            yield
    except IntegrityError:
        raise SlotTaken("this time was just taken") from None


def book(session: Session, *, agenda: Agenda, starts_at: datetime, now: datetime,
         caller_number: str = "", caller_name: str = "", language: str = "en-US",
         source: str = "phone", call_sid: str | None = None,
         sms_sender: str | None = None, savepoint: bool = False,
         kind: Kind | None = None, note: str = "") -> Appointment:
    """Book `starts_at` (an agenda slot, or an appointment of `kind`) or raise NotASlot /
    SlotTaken. With `savepoint`, a lost race rolls back only the booking, so the
    surrounding transaction (a webhook's) goes on."""
    ends_at = _check_slot(session, agenda, starts_at, now, kind=kind)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    assert agenda.id is not None
    buffer_minutes = agenda.buffer_minutes if kind is None else kind.buffer_minutes
    appointment = Appointment(
        appointment_type="" if kind is None else kind.type_id, buffer_minutes=buffer_minutes,
        tenant_id=agenda.tenant_id, agenda_id=agenda.id, uid=f"{uuid.uuid4()}@receptionist",
        starts_at=starts_at, ends_at=ends_at, caller_number=caller_number,
        caller_name=caller_name[:200], language=language, source=source, call_sid=call_sid,
        note=note[:500], history=_changed("[]", "booked", now, starts_at, source),
        created_at=now, updated_at=now,
        sync_state=SyncState.pending if agenda.caldav_url else SyncState.none,
        sync_next_at=now if agenda.caldav_url else None)
    with _claiming(session, savepoint):
        session.add(appointment)
        session.flush()
        assert appointment.id is not None
        session.execute(_INSERT_CLAIMS, _claims(agenda, appointment.id, starts_at, ends_at,
                                                buffer_minutes))
    _notify(session, appointment, agenda, kind="booking_confirmed", now=now, sender=sms_sender)
    return appointment


def move(session: Session, *, appointment: Appointment, agenda: Agenda, starts_at: datetime,
         now: datetime, sms_sender: str | None = None, savepoint: bool = False,
         by: str = "") -> Appointment:
    """Move an appointment to `starts_at` in its agenda. An appointment of a type keeps
    its length and buffer; a plain slot takes the agenda's current ones."""
    if appointment.status != AppointmentStatus.booked:
        raise BookingError("this appointment is cancelled")
    assert appointment.id is not None
    if agenda.id != appointment.agenda_id:
        raise BookingError("an appointment moves within its own agenda")
    kind = Kind.of_appointment(appointment) if appointment.appointment_type else None
    ends_at = _check_slot(session, agenda, starts_at, now, ignore=appointment.id, kind=kind)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    buffer_minutes = agenda.buffer_minutes if kind is None else kind.buffer_minutes
    with _claiming(session, savepoint):
        session.execute(delete(SlotClaim).where(
            col(SlotClaim.appointment_id) == appointment.id))
        session.execute(_INSERT_CLAIMS, _claims(agenda, appointment.id, starts_at, ends_at,
                                                buffer_minutes))
    session.refresh(appointment)
    appointment.buffer_minutes = buffer_minutes
    appointment.history = _changed(appointment.history, "moved", now, starts_at, by)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.sequence += 1
    appointment.updated_at = now
    appointment.reminder_sent_at = None
    _mark_for_sync(appointment, agenda, now)
    session.add(appointment)
    session.flush()
    outbox.void_pending(session, appointment_id=appointment.id, kinds=REMINDER_KINDS,
                        reason="appointment moved")
    _notify(session, appointment, agenda, kind="booking_moved", now=now, sender=sms_sender)
    return appointment


def cancel(session: Session, *, appointment: Appointment, agenda: Agenda, now: datetime,
           sms_sender: str | None = None, by: str = "") -> Appointment:
    if appointment.status == AppointmentStatus.cancelled:
        return appointment
    assert appointment.id is not None
    session.execute(delete(SlotClaim).where(col(SlotClaim.appointment_id) == appointment.id))
    appointment.status = AppointmentStatus.cancelled
    appointment.history = _changed(appointment.history, "cancelled", now,
                                   appointment.starts_at, by)
    appointment.sequence += 1
    appointment.updated_at = now
    _mark_for_sync(appointment, agenda, now)
    session.add(appointment)
    session.flush()
    outbox.void_pending(session, appointment_id=appointment.id, kinds=REMINDER_KINDS,
                        reason="appointment cancelled")
    _notify(session, appointment, agenda, kind="booking_cancelled", now=now,
            sender=sms_sender)
    return appointment


def _changed(history: str, what: str, now: datetime, starts_at: datetime, by: str) -> str:
    """The history with one more change (see Appointment.history)."""
    try:
        changes = json.loads(history)
    except ValueError:
        changes = []
    changes.append({"at": now.astimezone(UTC).isoformat(), "what": what,
                    "to": starts_at.astimezone(UTC).isoformat(), "by": by[:120]})
    return json.dumps(changes[-50:])


def changes_of(appointment: Appointment) -> list[dict[str, str]]:
    """The appointment's history (see Appointment.history), oldest first."""
    try:
        changes = json.loads(appointment.history)
    except ValueError:
        return []
    return [c for c in changes if isinstance(c, dict)] if isinstance(changes, list) else []


def _mark_for_sync(appointment: Appointment, agenda: Agenda, now: datetime) -> None:
    if agenda.caldav_url:
        appointment.sync_state = SyncState.pending
        appointment.sync_attempts = 0
        appointment.sync_next_at = now
        appointment.sync_error = ""


def calendar_linked(session: Session, *, agenda: Agenda, now: datetime) -> None:
    """A calendar was linked (or its link changed): read it in full at the next check,
    and push every current appointment to it."""
    agenda.caldav_error, agenda.caldav_checked_at = "", None
    agenda.caldav_sync_mark, agenda.caldav_read_at = "", None
    session.add(agenda)
    resync_all(session, agenda=agenda, now=now)


def resync_all(session: Session, *, agenda: Agenda, now: datetime) -> None:
    """After linking a calendar: push every current appointment to it."""
    session.execute(update(Appointment).where(
        col(Appointment.agenda_id) == agenda.id, col(Appointment.ends_at) > now)
        .values(sync_state=SyncState.pending, sync_attempts=0, sync_next_at=now,
                sync_error=""))


def forget_external(session: Session, *, agenda: Agenda) -> None:
    session.execute(delete(ExternalBusy).where(col(ExternalBusy.agenda_id) == agenda.id))
    session.execute(update(Appointment).where(col(Appointment.agenda_id) == agenda.id)
                    .values(sync_state=SyncState.none, sync_next_at=None))


def upcoming_for_caller(session: Session, *, tenant_id: int, caller_number: str,
                        now: datetime) -> Appointment | None:
    """The caller's next booked appointment with this business (by caller ID)."""
    if not caller_number:
        return None
    return session.execute(select(Appointment).where(
        col(Appointment.tenant_id) == tenant_id, col(Appointment.caller_number) == caller_number,
        col(Appointment.status) == AppointmentStatus.booked, col(Appointment.starts_at) > now)
        .order_by(col(Appointment.starts_at))).scalars().first()


def has_booked(session: Session, *, tenant_id: int, caller_number: str) -> bool:
    """Whether this number ever booked with the business (a returning client)."""
    return session.execute(select(col(Appointment.id)).where(
        col(Appointment.tenant_id) == tenant_id,
        col(Appointment.caller_number) == caller_number).limit(1)).first() is not None


def get_appointment(session: Session, *, tenant_id: int, appointment_id: int
                    ) -> Appointment | None:
    appointment = session.get(Appointment, appointment_id)
    return appointment if appointment is not None and appointment.tenant_id == tenant_id \
        else None


def queue_due_reminders(session: Session, *, now: datetime) -> int:
    """Queue the reminder SMS of appointments now within their agenda's reminder window.
    Marked in the same transaction, so a reminder is queued once per appointment time
    (moving the appointment re-arms it); cancelled ones are never reminded."""
    rows = session.execute(
        select(Appointment, Agenda).join(Agenda, col(Agenda.id) == Appointment.agenda_id)
        .where(col(Appointment.status) == AppointmentStatus.booked,
               col(Appointment.reminder_sent_at).is_(None), col(Agenda.reminder_hours) > 0,
               col(Appointment.starts_at) > now,
               col(Appointment.starts_at) <= now + timedelta(hours=MAX_REMINDER_HOURS))).all()
    count = 0
    for appointment, agenda in rows:
        if appointment.starts_at - timedelta(hours=agenda.reminder_hours) > now:
            continue
        appointment.reminder_sent_at = now
        session.add(appointment)
        session.flush()
        _notify(session, appointment, agenda, kind="reminder", now=now, sender=None)
        count += 1
    return count


def ensure_demo_agenda(session: Session, *, tenant: Tenant, weekly_hours: dict[str, list[str]]
                       ) -> Agenda:
    """The demo tenants' `main` agenda (DESIGN §4: 30-minute slots in business hours)."""
    assert tenant.id is not None
    existing = get_agenda(session, tenant_id=tenant.id, slug="main")
    if existing is not None:
        return existing
    return create_agenda(session, tenant=tenant, slug="main", name="Main agenda",
                         weekly_hours=weekly_hours, slot_minutes=30, min_notice_minutes=60)


def list_appointments(session: Session, *, tenant_id: int, since: datetime,
                      include_cancelled: bool = False, limit: int, offset: int = 0
                      ) -> list[tuple[Appointment, str]]:
    """A business's appointments from `since` on, with their agenda's slug, soonest first."""
    query = (select(Appointment, col(Agenda.slug)).join(Agenda, col(Agenda.id) ==
                                                        Appointment.agenda_id)
             .where(col(Appointment.tenant_id) == tenant_id,
                    col(Appointment.starts_at) >= since))
    if not include_cancelled:
        query = query.where(col(Appointment.status) == AppointmentStatus.booked)
    rows = session.execute(query.order_by(col(Appointment.starts_at)).limit(limit)
                           .offset(offset)).all()
    return [(appointment, slug) for appointment, slug in rows]


def booked_between(session: Session, *, agenda_id: int, start: datetime,
                   end: datetime | None = None) -> list[Appointment]:
    """The agenda's booked appointments starting in [start, end), soonest first."""
    query = select(Appointment).where(col(Appointment.agenda_id) == agenda_id,
                                      col(Appointment.status) == AppointmentStatus.booked,
                                      col(Appointment.starts_at) >= start)
    if end is not None:
        query = query.where(col(Appointment.starts_at) < end)
    return list(session.execute(query.order_by(col(Appointment.starts_at))).scalars())


def count_upcoming(session: Session, *, tenant_id: int, now: datetime) -> int:
    return int(session.execute(select(func.count()).select_from(Appointment).where(
        col(Appointment.tenant_id) == tenant_id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) >= now)).scalar_one())


def agenda_by_feed_token(session: Session, token: str) -> Agenda | None:
    return session.execute(select(Agenda).where(col(Agenda.feed_token) == token)).scalar()


def caller_names(session: Session, *, tenant_id: int, numbers: Iterable[str]
                 ) -> dict[str, str]:
    """The name each caller gave (typed, or spoken at booking and transcribed), by
    number: the latest booking that has one."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return {}
    rows = session.execute(select(col(Appointment.caller_number), col(Appointment.caller_name))
                           .where(col(Appointment.tenant_id) == tenant_id,
                                  col(Appointment.caller_number).in_(wanted),
                                  col(Appointment.caller_name) != "")
                           .order_by(col(Appointment.id))).all()
    return {number: name for number, name in rows}

