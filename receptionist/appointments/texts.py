"""What we text callers about their appointments, in their language."""

from __future__ import annotations

from datetime import datetime

from receptionist.appointments.spoken import spoken_slot
from receptionist.i18n import lang_key

SMS = {
    "booking_confirmed": {
        "en": "{business}: your appointment is confirmed for {when}. To cancel or move it, "
              "call {phone}.",
        "fr": "{business} : votre rendez-vous est confirmé pour le {when}. Pour l'annuler ou "
              "le déplacer, appelez le {phone}.",
    },
    "booking_moved": {
        "en": "{business}: your appointment has been moved to {when}.",
        "fr": "{business} : votre rendez-vous a été déplacé au {when}.",
    },
    "booking_cancelled": {
        "en": "{business}: your appointment of {when} is cancelled.",
        "fr": "{business} : votre rendez-vous du {when} est annulé.",
    },
    "reminder": {
        "en": "{business}: reminder of your appointment on {when}. To cancel or move it, "
              "call {phone}.",
        "fr": "{business} : rappel de votre rendez-vous du {when}. Pour l'annuler ou le "
              "déplacer, appelez le {phone}.",
    },
}


def sms_text(kind: str, language: str, *, business: str, when: datetime, phone: str) -> str:
    """`when` is local to the agenda."""
    return SMS[kind][lang_key(language)].format(
        business=business, when=spoken_slot(when, language), phone=phone)
