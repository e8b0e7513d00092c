"""Login attempts per client address: beyond LIMIT failures in WINDOW, more attempts from
that address get 429 until the window moves on. Complements the per-account lockout
(which a spray across many accounts would not trigger).

Failures are rows in the database, so every web instance counts the same attempts; the
worker prunes rows older than the window."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Index, delete, func, select
from sqlmodel import Field, Session, SQLModel, col

LIMIT = 20
WINDOW = timedelta(minutes=10)


class LoginFailure(SQLModel, table=True):
    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_address_at", "address", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    at: datetime = Field(index=True)


def blocked(session: Session, address: str, now: datetime, *, limit: int = LIMIT,
            window: timedelta = WINDOW) -> bool:
    count = session.execute(select(func.count()).select_from(LoginFailure).where(
        col(LoginFailure.address) == address[:64], col(LoginFailure.at) > now - window)
    ).scalar_one()
    return bool(count >= limit)


def failed(session: Session, address: str, now: datetime) -> None:
    """Count a failure (in the caller's transaction)."""
    session.add(LoginFailure(address=address[:64], at=now))


def prune(session: Session, now: datetime, window: timedelta = WINDOW) -> int:
    result = session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= now - window))
    return int(result.rowcount)  # type: ignore[attr-defined]
