"""Leases in the database: which worker runs the jobs that must run once.

Several `receptionist worker` processes can run against one database. Work that is claimed
row by row (outbox, recordings, transcriptions) runs on all of them; the periodic sweeps
(reminders, digests, stale calls, calendars, retention, pruning) run only on the worker
holding the `scheduler` lease. The holder renews it well before it expires; if it dies,
another worker takes over once the lease has expired. Works on SQLite and PostgreSQL: one
conditional UPDATE, or an INSERT that the primary key lets only one process win.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, update
from sqlmodel import Field, Session, SQLModel

from receptionist.clock import utcnow
from receptionist.db import Database, WriteConflict


class Lease(SQLModel, table=True):
    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime


def take(database: Database, *, name: str, holder: str, now: datetime,
         ttl: timedelta) -> bool:
    """Take or renew lease `name` for `holder` until now + ttl. True if `holder` has it."""
    until = now + ttl
    try:
        with database.write_transaction() as session:
            renewed = session.execute(
                update(Lease).where(Lease.name == name,  # type: ignore[arg-type]
                                    or_(Lease.holder == holder,  # type: ignore[arg-type]
                                        Lease.expires_at < now))  # type: ignore[arg-type]
                .values(holder=holder, expires_at=until))
            if renewed.rowcount == 1:  # type: ignore[attr-defined]
                return True
            if session.get(Lease, name) is not None:
                return False  # someone else holds it
            session.add(Lease(name=name, holder=holder, expires_at=until))
    except WriteConflict:  # another worker inserted it first
        return False
    return True


def release(database: Database, *, name: str, holder: str) -> None:
    """Give the lease up now (clean shutdown), so another worker need not wait it out."""
    with database.write_transaction() as session:
        session.execute(update(Lease).where(Lease.name == name,  # type: ignore[arg-type]
                                            Lease.holder == holder)  # type: ignore[arg-type]
                        .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC)))


class Leader:
    """This process's claim on one lease, renewed by `renew()` (a job every `ttl / 3`).

    `held()` answers from memory, with a safety margin: a job starts only while the lease
    is certainly still ours, even if renewing has been failing (database down)."""

    def __init__(self, database: Database, *, name: str = "scheduler",
                 ttl: timedelta = timedelta(seconds=30),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.database, self.name, self.ttl = database, name, ttl
        self.monotonic = monotonic  # the safety margin's clock (tests set it)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._until = 0.0  # time.monotonic() until which the lease is surely ours

    def renew(self) -> bool:
        started = self.monotonic()
        try:
            ours = take(self.database, name=self.name, holder=self.holder, now=utcnow(),
                        ttl=self.ttl)
        except Exception:
            ours = False
        # Another holder may take over at expiry: stop using it a third of a TTL before.
        self._until = started + self.ttl.total_seconds() * 2 / 3 if ours else 0.0
        return ours

    def held(self) -> bool:
        return self.monotonic() < self._until

    def release(self) -> None:
        if self._until:
            self._until = 0.0
            with contextlib.suppress(Exception):  # otherwise the lease simply expires
                release(self.database, name=self.name, holder=self.holder)


def retry_after(attempts: int, *, first: timedelta, longest: timedelta) -> timedelta:
    """How long a row claimed by a queue waits after its `attempts`-th failure: `first`,
    doubling each time, never more than `longest` (recordings, transcripts and spoken names
    back off on this one schedule, each with its own first delay)."""
    delay: timedelta = first * 2 ** max(attempts - 1, 0)
    return min(delay, longest)


def claim_row(session: Session, model: type[SQLModel], row_id: int | None,
              next_at: Any, current: datetime | None, until: datetime,
              *also: ColumnElement[bool]) -> bool:
    """Take one row of a queue worked row by row (a recording to fetch, a transcript to
    make…): a conditional UPDATE moves its retry time (`next_at`, still `current`) to
    `until`, so that two workers never take the same row; `also` are further conditions
    the row must still meet (a status). True when this worker won it, once the caller's
    transaction commits: claim in a `write_transaction` of its own, then do the work."""
    guard = next_at.is_(None) if current is None else next_at == current
    result = session.execute(update(model)
                             .where(model.id == row_id, guard, *also)  # type: ignore[attr-defined]
                             .values({next_at: until}))
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]

