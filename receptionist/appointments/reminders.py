"""Reminders: the caller's SMS before an appointment, queued once its agenda's reminder
window opens (a worker job). Moving an appointment re-arms its reminder (`booking.move`
withdraws the one queued); a cancelled appointment is never reminded."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.appointments import caller_sms
from receptionist.appointments.agendas import MAX_REMINDER_HOURS
from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus

REMINDER_KINDS = ("reminder",)


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
        caller_sms.queue(session, appointment, agenda, kind="reminder", now=now, sender=None)
        count += 1
    return count
