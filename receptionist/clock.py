"""Time helpers. Timestamps are timezone-aware UTC everywhere (stored as such by SQLModel)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator

Clock = Callable[[], datetime]
# Dates anyone may type (API, admin pages) stay far from datetime's limits, where adding a
# day or a time zone offset overflows (year 1 or 9999 answered 500 before).
EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)


def sane_date(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"dates must be between {EARLIEST} and {LATEST}")
    return value


def sane_datetime(value: datetime) -> datetime:
    sane_date(value.date())
    return value


SaneDate = Annotated[date, AfterValidator(sane_date)]
SaneDateTime = Annotated[datetime, AfterValidator(sane_datetime)]


def utcnow() -> datetime:
    return datetime.now(UTC)
