"""Booking, moving and cancelling appointments (no HTTP here).

Each happens in the caller's transaction together with what it causes: the slot claims
(the no-double-booking rule), the calendar sync state, the appointment's history, and the
caller's SMS in the outbox. The caller commits; a SlotTaken error means the transaction
must be rolled back (or the savepoint, see `book`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col

from receptionist.appointments import caller_sms
from receptionist.appointments.availability import is_slot_start
from receptionist.appointments.free_times import (
    Kind,
    available,
    horizon_of,
    notice_of,
    rules_of,
)
from receptionist.appointments.models import (
    UNIT_MINUTES,
    Agenda,
    Appointment,
    AppointmentStatus,
    SlotClaim,
    SyncState,
    set_spans,
)
from receptionist.appointments.reminders import REMINDER_KINDS
from receptionist.catalog_text import Refused
from receptionist.direct_statements import Direct
from receptionist.i18n import N_
from receptionist.orm_rows import RowMaker
from receptionist.outbox import service as outbox

_INSERT_CLAIMS = Direct(insert(SlotClaim.__table__),  # type: ignore[attr-defined]
                       keys=("agenda_id", "unit_start", "appointment_id"))


class BookingError(Refused):
    """The request cannot be booked as asked (with a reason for the caller or client)."""


class NotASlot(BookingError):
    pass


class SlotTaken(BookingError):
    pass


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
        raise NotASlot(N_("refusal.booking.utc_offset"))
    if starts_at.astimezone(UTC).second or starts_at.microsecond:
        # Slot claims are keyed by the exact start: a fraction would step beside them.
        raise NotASlot(N_("refusal.booking.whole_minute"))
    if not is_slot_start(rules, starts_at):
        raise NotASlot(N_("refusal.booking.not_a_slot"))
    notice, horizon = notice_of(agenda, kind), horizon_of(agenda, kind)
    if starts_at < now + timedelta(minutes=notice):
        raise NotASlot(N_("refusal.booking.too_soon"), minutes=notice)
    if starts_at >= now + timedelta(days=horizon):
        raise NotASlot(N_("refusal.booking.too_far"), days=horizon)
    ends_at = starts_at + timedelta(seconds=rules.slot_s)
    # The first free start from `starts_at` must be `starts_at` itself: a later one within
    # the slot's length (after a busy time that ends meanwhile) does not make it free.
    free = available(session, agenda, now=now, start=starts_at, end=ends_at, limit=1,
                     ignore=ignore, kind=kind)
    if not free or free[0] != starts_at:
        raise SlotTaken(N_("refusal.booking.no_longer_free"))
    return ends_at


@contextmanager
def _claiming(session: Session, savepoint: bool) -> Iterator[None]:
    """Writing slot claims: a key conflict (someone else holds a unit) is SlotTaken. With
    `savepoint`, only the claims roll back and the caller's transaction goes on."""
    try:
        with session.begin_nested() if savepoint else nullcontext():
            yield
    except IntegrityError:
        raise SlotTaken(N_("refusal.booking.just_taken")) from None


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
    appointment = _NEW_APPOINTMENT.new(
        appointment_type="" if kind is None else kind.type_id, buffer_minutes=buffer_minutes,
        tenant_id=agenda.tenant_id, agenda_id=agenda.id, uid=f"{uuid.uuid4()}@receptionist",
        starts_at=starts_at, ends_at=ends_at, caller_number=caller_number,
        caller_name=caller_name[:200], language=language, source=source, call_sid=call_sid,
        note=note[:500], history=_changed("[]", "booked", now, starts_at, source),
        created_at=now, updated_at=now,
        sync_state=SyncState.pending if agenda.caldav_url else SyncState.none,
        sync_next_at=now if agenda.caldav_url else None)
    with _claiming(session, savepoint):
        appointment.id = _insert(session, appointment)
        _INSERT_CLAIMS.run_many(session.connection(), _claims(
            agenda, appointment.id, starts_at, ends_at, buffer_minutes))
    # The session's row only once its claims hold: a lost race under a savepoint leaves
    # no object behind for a row that was rolled back.
    make_transient_to_detached(appointment)
    session.add(appointment)
    caller_sms.queue(session, appointment, agenda, kind="booking_confirmed", now=now,
                     sender=sms_sender)
    return appointment


def _insert(session: Session, appointment: Appointment) -> int:
    """Insert a new appointment with one Core statement (its id): a flush would cost
    about twice the CPU, and every booking (the JSON API's, a caller's) does this while
    a client or a caller waits. The caller makes the object the session's row (the row
    as inserted: nothing to read back)."""
    set_spans(appointment)
    values = {key: getattr(appointment, key) for key in _APPOINTMENT_COLUMNS}
    new_id: int = _INSERT_APPOINTMENT.run(session.connection(), values).rows[0][0]
    return new_id


# A booking's object in ~6 µs instead of ~75 (`Appointment(...)`).
_NEW_APPOINTMENT = RowMaker(Appointment)
_APPOINTMENT_TABLE = Appointment.__table__  # type: ignore[attr-defined]
_APPOINTMENT_COLUMNS = [c.key for c in _APPOINTMENT_TABLE.columns if c.key != "id"]
_INSERT_APPOINTMENT = Direct(insert(_APPOINTMENT_TABLE).returning(_APPOINTMENT_TABLE.c.id),
                             keys=_APPOINTMENT_COLUMNS)


def move(session: Session, *, appointment: Appointment, agenda: Agenda, starts_at: datetime,
         now: datetime, sms_sender: str | None = None, savepoint: bool = False,
         by: str = "") -> Appointment:
    """Move an appointment to `starts_at` in its agenda. An appointment of a type keeps
    its length and buffer; a plain slot takes the agenda's current ones."""
    if appointment.status != AppointmentStatus.booked:
        raise BookingError(N_("refusal.booking.cancelled"))
    assert appointment.id is not None
    if agenda.id != appointment.agenda_id:
        raise BookingError(N_("refusal.booking.other_agenda"))
    kind = Kind.of_appointment(appointment) if appointment.appointment_type else None
    ends_at = _check_slot(session, agenda, starts_at, now, ignore=appointment.id, kind=kind)
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    buffer_minutes = agenda.buffer_minutes if kind is None else kind.buffer_minutes
    with _claiming(session, savepoint):
        session.execute(delete(SlotClaim).where(
            col(SlotClaim.appointment_id) == appointment.id))
        _INSERT_CLAIMS.run_many(session.connection(), _claims(
            agenda, appointment.id, starts_at, ends_at, buffer_minutes))
    session.refresh(appointment)
    appointment.buffer_minutes = buffer_minutes
    appointment.history = _changed(appointment.history, "moved", now, starts_at, by)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.reminder_sent_at = None
    return _changed_and_told(session, appointment, agenda, now=now, what="moved",
                             sms_sender=sms_sender)


def cancel(session: Session, *, appointment: Appointment, agenda: Agenda, now: datetime,
           sms_sender: str | None = None, by: str = "") -> Appointment:
    if appointment.status == AppointmentStatus.cancelled:
        return appointment
    assert appointment.id is not None
    session.execute(delete(SlotClaim).where(col(SlotClaim.appointment_id) == appointment.id))
    appointment.status = AppointmentStatus.cancelled
    appointment.history = _changed(appointment.history, "cancelled", now,
                                   appointment.starts_at, by)
    return _changed_and_told(session, appointment, agenda, now=now, what="cancelled",
                             sms_sender=sms_sender)


def _changed_and_told(session: Session, appointment: Appointment, agenda: Agenda, *,
                      now: datetime, what: str, sms_sender: str | None) -> Appointment:
    """After a move or a cancellation: a new version for calendars, pending reminders
    withdrawn (a move re-arms them at the new time), and the caller told by SMS."""
    assert appointment.id is not None
    appointment.sequence += 1
    appointment.updated_at = now
    _mark_for_sync(appointment, agenda, now)
    session.add(appointment)
    session.flush()
    outbox.void_pending(session, appointment_id=appointment.id, kinds=REMINDER_KINDS,
                        reason=f"appointment {what}")
    caller_sms.queue(session, appointment, agenda, kind=f"booking_{what}", now=now,
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
