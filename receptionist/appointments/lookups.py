"""Appointments looked up (reads only): one by its id, a caller's next one, whether a
number ever booked, how many a caller has on a day, a business's list, an agenda's
between two times, how many are upcoming, and the names callers gave."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus


def get_appointment(session: Session, *, tenant_id: int, appointment_id: int
                    ) -> Appointment | None:
    appointment = session.get(Appointment, appointment_id)
    return appointment if appointment is not None and appointment.tenant_id == tenant_id \
        else None


def upcoming_for_caller(session: Session, *, tenant_id: int, caller_number: str,
                        now: datetime) -> Appointment | None:
    """The caller's next booked appointment with this business (by caller ID)."""
    if not caller_number:
        return None
    return session.execute(select(Appointment).where(
        col(Appointment.tenant_id) == tenant_id, col(Appointment.caller_number) == caller_number,
        col(Appointment.status) == AppointmentStatus.booked, col(Appointment.starts_at) > now)
        .order_by(col(Appointment.starts_at), col(Appointment.id))).scalars().first()


def has_booked(session: Session, *, tenant_id: int, caller_number: str) -> bool:
    """Whether this number ever booked with the business (a returning client)."""
    return session.execute(select(col(Appointment.id)).where(
        col(Appointment.tenant_id) == tenant_id,
        col(Appointment.caller_number) == caller_number).limit(1)).first() is not None


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
    rows = session.execute(query.order_by(col(Appointment.starts_at), col(Appointment.id))
                           .limit(limit).offset(offset)).all()
    return [(appointment, slug) for appointment, slug in rows]


def booked_between(session: Session, *, agenda_id: int, start: datetime,
                   end: datetime | None = None) -> list[Appointment]:
    """The agenda's booked appointments starting in [start, end), soonest first."""
    query = select(Appointment).where(col(Appointment.agenda_id) == agenda_id,
                                      col(Appointment.status) == AppointmentStatus.booked,
                                      col(Appointment.starts_at) >= start)
    if end is not None:
        query = query.where(col(Appointment.starts_at) < end)
    return list(session.execute(query.order_by(col(Appointment.starts_at),
                                               col(Appointment.id))).scalars())


def count_upcoming(session: Session, *, tenant_id: int, now: datetime) -> int:
    return int(session.execute(select(func.count()).select_from(Appointment).where(
        col(Appointment.tenant_id) == tenant_id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) >= now)).scalar_one())


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
