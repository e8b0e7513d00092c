"""What we text callers about their appointments, in their language."""

from __future__ import annotations

from datetime import datetime

from receptionist.appointments.spoken import spoken_slot
from receptionist.i18n import N_, gettext

# The message of each kind of text (appointments/caller_sms.py, reminders.py).
SMS = {
    "booking_confirmed": N_("sms.booking_confirmed"),
    "booking_moved": N_("sms.booking_moved"),
    "booking_cancelled": N_("sms.booking_cancelled"),
    "reminder": N_("sms.reminder"),
}


def sms_text(kind: str, language: str, *, business: str, when: datetime, phone: str) -> str:
    """`when` is local to the agenda."""
    return gettext(language, SMS[kind], business=business, when=spoken_slot(when, language),
                   phone=phone)
