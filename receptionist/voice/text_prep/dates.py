"""Dates written with figures, said in words: ISO "2026-12-03" and numeric "03/12/2026"
(day first in French, month first in English) -> "December 3, 2026", « 3 décembre 2026 »
(Babel's month names); the day's ordinal is left to `ordinals`."""

from __future__ import annotations

import re
from datetime import date

from receptionist.i18n import format_date

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASHED = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def _said(day: date, language: str) -> str:
    if language.startswith("fr"):
        text = format_date("fr", day, "d MMMM y")
        return ("1er" + text[1:]) if day.day == 1 else text
    return format_date("en", day, "MMMM d, y")


def spell_dates(text: str, language: str) -> str:
    def iso(match: re.Match[str]) -> str:
        try:
            return _said(date(int(match[1]), int(match[2]), int(match[3])), language)
        except ValueError:
            return match[0]

    def slashed(match: re.Match[str]) -> str:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        day, month = (first, second) if language.startswith("fr") else (second, first)
        try:
            return _said(date(year, month, day), language)
        except ValueError:
            return match[0]

    return _SLASHED.sub(slashed, _ISO.sub(iso, text))
