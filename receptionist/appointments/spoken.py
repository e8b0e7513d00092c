"""Appointment times as a receptionist says them, in the caller's language.

"Tuesday, November 24th at 10:30 AM" / « mardi 24 novembre à 10 h 30 ». Written for
text-to-speech: words where a voice would stumble on digits and symbols. The shapes are
messages of the catalogs (`spoken.*`: CLDR patterns for the clock, the day of the month
by its CLDR ordinal category); day and month names are Babel's locale data.
"""

from __future__ import annotations

from datetime import datetime

from receptionist.i18n import N_, format_moment, gettext, locale

# The day of the month by the language's ordinal category (CLDR: "1st", "2nd" / « 1er »).
DAY_OF_MONTH = {
    "zero": N_("spoken.day_of_month.zero"),
    "one": N_("spoken.day_of_month.one"),
    "two": N_("spoken.day_of_month.two"),
    "few": N_("spoken.day_of_month.few"),
    "many": N_("spoken.day_of_month.many"),
    "other": N_("spoken.day_of_month.other"),
}


def day_of_month(day: int, language: str) -> str:
    category = locale(language).ordinal_form(day)
    return gettext(language, DAY_OF_MONTH[category], n=day)


def ordinal_en(day: int) -> str:
    return day_of_month(day, "en")


def spoken_time(local: datetime, language: str) -> str:
    if local.hour == 12 and local.minute == 0:
        return gettext(language, "spoken.noon")
    if local.minute:
        return format_moment(language, local, gettext(language, "spoken.time_pattern"))
    return format_moment(language, local, gettext(language, "spoken.hour_pattern"))


def spoken_day(local: datetime, language: str) -> str:
    return gettext(language, "spoken.day", weekday=format_moment(language, local, "EEEE"),
                   month=format_moment(language, local, "MMMM"),
                   day=day_of_month(local.day, language))


def spoken_slot(local: datetime, language: str) -> str:
    """A local (agenda time zone) appointment start, as said on the phone."""
    return gettext(language, "spoken.slot", day=spoken_day(local, language),
                   time=spoken_time(local, language))
