"""Database engine, sessions and the one unit of work for writes.

Nothing here touches the database at import time: the engine is built lazily and tables are
created only by Alembic migrations (`receptionist migrate`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any, Protocol, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine

from receptionist.clock import Clock

T = TypeVar("T")
DB_THREADS = 4


class WriteConflict(Exception):
    """A unique constraint refused the commit: another writer (often another process)
    claimed the same row first, e.g. the same booking slot."""


def make_engine(database_url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """An engine tuned for the backend: SQLite gets WAL and a busy timeout so the web
    process and the worker can write concurrently without `database is locked`.
    PostgreSQL gets a connection pool (DB_POOL_SIZE + DB_MAX_OVERFLOW per process) whose
    connections are checked before use, so a restarted server costs no failed request."""
    if database_url.startswith("sqlite"):
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=pool_size,
                         max_overflow=max_overflow, pool_timeout=10)


class Database:
    """The engine plus what every write needs: on SQLite, an in-process write lock.

    SQLite admits one writer at a time; threads that race for it back off in its busy
    handler with sleeps of up to 100 ms, which wrecks tail latency. Queueing on a lock
    in-process is fair and immediate. Other processes (the worker) still meet SQLite's
    busy timeout. PostgreSQL serves concurrent transactions: no lock there."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        # One limiter per event loop (tests run several apps, each on its own loop).
        self._limiters: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()

    def session(self) -> Session:
        """A session whose objects stay readable after commit (the one way to open one)."""
        return Session(self.engine, expire_on_commit=False)

    def writing(self) -> AbstractContextManager[object]:
        """The write lock alone, for code that commits in several steps of its own."""
        return self._write_lock if self._write_lock is not None else nullcontext()

    @property
    def inline_writes(self) -> bool:
        """Run webhook transactions on the event loop instead of the thread pool. On SQLite
        they are serialized by the write lock anyway, so a thread hop only adds latency and
        GIL hand-offs; they take a few milliseconds on local disk. PostgreSQL serves
        concurrent transactions, so there they go to the thread pool."""
        return self._write_lock is not None

    async def run(self, work: Callable[[], T]) -> T:
        """`work` (database statements) from async code: inline on SQLite (see
        `inline_writes`), in the thread pool on PostgreSQL. A request pays one thread hop
        at most, instead of one per dependency.

        On PostgreSQL at most DB_THREADS requests run statements at once per process:
        more threads only fight for the GIL (measured with `bench.webhooks --database
        postgresql`: 50 concurrent calls got ~30 % fewer requests through with
        anyio's default of 40 threads than with 4)."""
        if self.inline_writes:
            return work()
        import asyncio  # the web server's; the CLI never needs them

        from anyio import CapacityLimiter
        from anyio.to_thread import run_sync

        loop = asyncio.get_running_loop()
        limiter = self._limiters.get(loop)
        if limiter is None:
            limiter = self._limiters[loop] = CapacityLimiter(DB_THREADS)
        return await run_sync(work, limiter=limiter)

    @contextmanager
    def write_transaction(self, session: Session | None = None) -> Iterator[Session]:
        """One write: take the lock, start from a fresh snapshot (objects loaded earlier
        are re-read on use), commit on success, roll back on any error. A unique
        constraint refusing the commit becomes `WriteConflict`. Without `session`, a new
        one is opened and closed."""
        if session is None:
            with self.session() as own, self.write_transaction(own) as same:
                yield same
            return
        with self.writing():
            session.rollback()
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise WriteConflict(str(exc.orig)) from exc
            except BaseException:
                session.rollback()
                raise


class JobDeps(Protocol):
    """What every background job needs: the database and the clock. Jobs declare the rest
    of what they need as a protocol built on this one; the runtime provides all of it."""

    @property
    def database(self) -> Database: ...
    @property
    def clock(self) -> Clock: ...
