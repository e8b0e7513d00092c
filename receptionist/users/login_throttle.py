"""Login attempts, slowed down rather than locked out, counted before the password is checked.

Every attempt is admitted (or refused) in one short write that counts what came before it,
attempts still in flight included, and records itself; the password is checked after that
write, with no connection or lock held, and a second short write settles the attempt (a
success deletes its row). So a burst of simultaneous tries is counted try by try: the
limits below hold for 40 logins sent at once as for 40 sent one after the other.

- Per client address: beyond LIMIT failures in WINDOW, more attempts from that address get
  429 until the window moves on (a spray across many accounts).
- Per (account, address): after FREE_TRIES failures in ACCOUNT_WINDOW, each further try
  must wait twice as long as the last (1 s, 2 s, 4 s … at most MAX_DELAY). Counted on the
  email typed whether or not it has an account, so the answer never tells which emails
  exist; and keyed by address too, so nobody can lock an owner out from elsewhere.
- Per account, from every address: beyond ACCOUNT_LIMIT failures in ACCOUNT_WINDOW (many
  addresses guessing one password), tries from browsers the account never logged in from
  get 429. A browser where the owner logged in before carries a device cookie
  (`admin/sessions.device_cookie`) and is not held back by it: an attacker cannot lock the
  owner out of their own browser.

Attempts are rows in the database, so every web instance counts the same attempts; the
worker prunes rows older than the longer window. A row is a failure or an attempt still
being checked (a crash in between leaves a failure: the safe side).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select, text
from sqlmodel import Session, col

from receptionist.users.models import LoginFailure

LIMIT = 20
WINDOW = timedelta(minutes=10)
FREE_TRIES = 3
ACCOUNT_WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 30
MAX_DELAY = timedelta(minutes=5)
# Logins are admitted one at a time (PostgreSQL: a transaction-scoped advisory lock; SQLite:
# the write lock), so that two attempts can never both count the same free try.
_ADMISSION_LOCK = 0x4C4F47494E  # "LOGIN"

Scope = Literal["address", "account", "everywhere"]


@dataclass(frozen=True)
class Refused:
    """Why this attempt is not even checked, and how long to wait."""

    scope: Scope  # the whole address; this account from this address; this account
    wait: timedelta


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _failures(session: Session, now: datetime, window: timedelta, *where: object) -> int:
    return int(session.execute(select(func.count()).select_from(LoginFailure).where(
        col(LoginFailure.at) > now - window, *where)).scalar_one())  # type: ignore[arg-type]


def blocked(session: Session, address: str, now: datetime, *, limit: int = LIMIT,
            window: timedelta = WINDOW) -> bool:
    return _failures(session, now, window, col(LoginFailure.address) == address[:64]) >= limit


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


def _oldest_wait(session: Session, now: datetime, window: timedelta, *where: object
                 ) -> timedelta:
    """Until the oldest counted failure leaves the window (when the next try may come)."""
    oldest = session.execute(select(func.min(LoginFailure.at)).where(
        col(LoginFailure.at) > now - window, *where)).scalar_one()  # type: ignore[arg-type]
    if oldest is None:
        return window
    first: datetime = oldest if oldest.tzinfo is not None else oldest.replace(
        tzinfo=now.tzinfo)
    return max(first + window - now, timedelta(seconds=1))


def admit(session: Session, *, address: str, email: str, now: datetime,
          known_device: bool) -> Refused | int:
    """In the caller's write transaction: refuse this attempt, or record it and return its
    row id (to `settle` once the password is checked)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMISSION_LOCK})
    address = address[:64]
    here = col(LoginFailure.address) == address
    if _failures(session, now, WINDOW, here) >= LIMIT:
        return Refused("address", _oldest_wait(session, now, WINDOW, here))
    wait = wait_before_next(session, address=address, email=email, now=now)
    if wait:
        return Refused("account", wait)
    account = col(LoginFailure.account) == account_key(email)
    if not known_device and _failures(session, now, ACCOUNT_WINDOW, account) >= ACCOUNT_LIMIT:
        return Refused("everywhere", _oldest_wait(session, now, ACCOUNT_WINDOW, account))
    attempt = LoginFailure(address=address, account=account_key(email), at=now)
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    return attempt.id


def settle(session: Session, attempt_id: int, *, succeeded: bool) -> None:
    """In the caller's write transaction: a success is not a failure (its row goes); a
    failure keeps its row, dated when it was admitted."""
    if succeeded:
        session.execute(delete(LoginFailure).where(col(LoginFailure.id) == attempt_id))


def prune(session: Session, now: datetime, window: timedelta = ACCOUNT_WINDOW) -> int:
    result = session.execute(delete(LoginFailure).where(col(LoginFailure.at) <= now - window))
    return int(result.rowcount)  # type: ignore[attr-defined]
