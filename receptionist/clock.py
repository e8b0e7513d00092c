"""Time helpers. Timestamps are timezone-aware UTC everywhere (stored as such by SQLModel)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)
