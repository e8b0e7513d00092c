"""Appointment times as a receptionist says them, in English and French.

"Tuesday, November 24th at 10:30 AM" / « mardi 24 novembre à 10 h 30 ». Written for
text-to-speech: words where a voice would stumble on digits and symbols.
"""

from __future__ import annotations

from datetime import datetime

from receptionist.i18n import lang_key

EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")
FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def ordinal_en(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def spoken_time(local: datetime, language: str) -> str:
    if lang_key(language) == "fr":
        if local.hour == 12 and local.minute == 0:
            return "midi"
        return f"{local.hour} h" + (f" {local.minute:02d}" if local.minute else "")
    hour = local.hour % 12 or 12
    suffix = "AM" if local.hour < 12 else "PM"
    if local.hour == 12 and local.minute == 0:
        return "noon"
    return f"{hour}:{local.minute:02d} {suffix}" if local.minute else f"{hour} {suffix}"


def spoken_day(local: datetime, language: str) -> str:
    if lang_key(language) == "fr":
        day = "1er" if local.day == 1 else str(local.day)
        return f"{FR_DAYS[local.weekday()]} {day} {FR_MONTHS[local.month - 1]}"
    return (f"{EN_DAYS[local.weekday()]}, {EN_MONTHS[local.month - 1]} "
            f"{ordinal_en(local.day)}")


def spoken_slot(local: datetime, language: str) -> str:
    """A local (agenda time zone) appointment start, as said on the phone."""
    joiner = "à" if lang_key(language) == "fr" else "at"
    return f"{spoken_day(local, language)} {joiner} {spoken_time(local, language)}"
