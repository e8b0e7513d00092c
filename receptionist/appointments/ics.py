"""Appointments as iCalendar: one VEVENT per appointment, with the appointment's stable
UID and a SEQUENCE bumped on every change, so calendars update events in place."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import icalendar

from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus

PRODID = "-//receptionist//appointments//EN"


def summary(appointment: Appointment) -> str:
    who = appointment.caller_name or appointment.caller_number or "caller"
    return f"Appointment: {who}"


def vevent(appointment: Appointment, *, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", appointment.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", summary(appointment))
    details = [f"Booked by {appointment.source}"]
    if appointment.caller_number:
        details.append(f"Phone: {appointment.caller_number}")
    event.add("description", "\n".join(details))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.status == AppointmentStatus.cancelled
              else "CONFIRMED")
    event.add("last-modified", appointment.updated_at)
    return event


def calendar(events: Iterable[icalendar.Event], *, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return bytes(cal.to_ical())


def feed(agenda: Agenda, appointments: Iterable[Appointment], *, business: str,
         stamp: datetime) -> bytes:
    return calendar((vevent(a, stamp=stamp) for a in appointments),
                    name=f"{business} - {agenda.name}")
