"""Failed logins, slowed down rather than locked out.

- Per client address: beyond LIMIT failures in WINDOW, more attempts from that address get
  429 until the window moves on (a spray across many accounts).
- Per (account, address): after FREE_TRIES failures in ACCOUNT_WINDOW, each further try
  must wait twice as long as the last (1 s, 2 s, 4 s … at most MAX_DELAY). Counted on the
  email typed whether or not it has an account, so the answer never tells which emails
  exist; and keyed by address too, so nobody can lock an owner out from elsewhere.

Failures are rows in the database, so every web instance counts the same attempts; the
worker prunes rows older than the longer window."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from receptionist.users.models import LoginFailure

LIMIT = 20
WINDOW = timedelta(minutes=10)
FREE_TRIES = 3
ACCOUNT_WINDOW = timedelta(minutes=15)
MAX_DELAY = timedelta(minutes=5)


def blocked(session: Session, address: str, now: datetime, *, limit: int = LIMIT,
            window: timedelta = WINDOW) -> bool:
    count = session.execute(select(func.count()).select_from(LoginFailure).where(
        col(LoginFailure.address) == address[:64], col(LoginFailure.at) > now - window)
    ).scalar_one()
    return bool(count >= limit)


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def wait_before_next(session: Session, *, address: str, email: str, now: datetime
                     ) -> timedelta:
    """How long this address must wait before trying this account again (zero: go on)."""
    count, last = session.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            col(LoginFailure.account) == account_key(email),
            col(LoginFailure.address) == address[:64],
            col(LoginFailure.at) > now - ACCOUNT_WINDOW)).one()
    if count < FREE_TRIES or last is None:
        return timedelta(0)
    latest: datetime = last if last.tzinfo is not None else last.replace(tzinfo=now.tzinfo)
    delay = min(timedelta(seconds=2 ** (count - FREE_TRIES)), MAX_DELAY)
    return max(latest + delay - now, timedelta(0))


def failed(session: Session, address: str, now: datetime, *, email: str = "") -> None:
    """Count a failure (in the caller's transaction)."""
    session.add(LoginFailure(address=address[:64], account=account_key(email), at=now))


def prune(session: Session, now: datetime, window: timedelta = ACCOUNT_WINDOW) -> int:
    result = session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= now - window))
    return int(result.rowcount)  # type: ignore[attr-defined]
