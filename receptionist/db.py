"""Database engine, sessions and the one unit of work for writes.

Nothing here touches the database at import time: the engine is built lazily and tables are
created only by Alembic migrations (`receptionist migrate`).
"""

from __future__ import annotations

import select
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlmodel import Session, create_engine

from receptionist.clock import Clock

T = TypeVar("T")
# On PostgreSQL, the threads that run statements (`Database.run`), per process: DB_THREADS
# for everything else (the JSON API, token checks), CALL_DB_THREADS of the call path's own.
DB_THREADS = 2
CALL_DB_THREADS = 4
# The call path's own connections (Twilio webhooks, media streams, health checks): at most
# CALL_DB_THREADS requests run statements at once, plus the media streams' claims and polls.
CALL_POOL_SIZE = 5
CALL_POOL_OVERFLOW = 10
# Threads for the call path's waits on other servers (`Database.run_waiting`).
CALL_THREADS = 8


# How long `Database.start_threads` waits for its threads to be running (a bound, not a
# pause: they start in microseconds).
THREAD_START_S = 30.0


@dataclass(frozen=True)
class _Lanes:
    """One event loop's threads (`Database.run`, `Database.run_waiting`)."""

    calls: ThreadPoolExecutor
    other: ThreadPoolExecutor
    waits: ThreadPoolExecutor


async def _in_thread(executor: ThreadPoolExecutor, work: Callable[[], T]) -> T:
    """`work` in one of `executor`'s threads; a cancelled caller still waits for it to
    end (a session is never closed under a statement still running), then is
    cancelled."""
    import asyncio

    done = asyncio.get_running_loop().run_in_executor(executor, work)
    try:
        return await asyncio.shield(done)
    except asyncio.CancelledError:
        await asyncio.wait([done])
        raise


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
    engine = create_engine(database_url, pool_size=pool_size, max_overflow=max_overflow,
                           pool_timeout=10)
    _check_on_checkout(engine)
    return engine


def _check_on_checkout(engine: Engine) -> None:
    """Hand out only live connections, without a round trip per checkout.

    SQLAlchemy's `pool_pre_ping` sends a statement each time a connection leaves the pool:
    a round trip per transaction (about a sixth of an API booking's statements). A server
    that shuts down or restarts tells its clients: it sends a last error and closes the
    socket, so an idle connection whose socket has something to read is the one worth
    pinging. Such a connection is pinged; if the ping fails, the pool drops it and hands
    out another (or opens a new one), so a restarted server still costs no failed
    request. A host that vanishes without closing its sockets is caught by the statement
    that fails (SQLAlchemy then invalidates the whole pool), as with any other client."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkout")
    def _live_or_replaced(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        if not _has_pending_input(dbapi_conn):
            return
        try:
            dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("the database server closed this connection") from exc


def _has_pending_input(dbapi_conn: Any) -> bool:
    """Whether an idle connection's socket has something to read (a closed connection
    counts as such): between statements the server only speaks when it goes away."""
    if getattr(dbapi_conn, "closed", False):
        return True
    try:
        fd = dbapi_conn.fileno()
    except Exception:
        return True
    readable, _, _ = select.select([fd], [], [], 0)
    return bool(readable)


class WriteLock:
    """SQLite's one writer, queued in-process, with the call path first.

    A writer marked `urgent` (a Twilio webhook, a media stream: a caller is waiting on the
    line) goes before every other writer still waiting, so it waits at most for the one
    transaction under way. Other writers (admin pages, the API, jobs) wait while an urgent
    one is queued. Transactions under the lock are statements only: no password hashing,
    no network, no model training (see `Database.write_transaction`)."""

    def __init__(self) -> None:
        self._turn = threading.Condition(threading.Lock())
        self._held = False
        self._waiting = 0
        self._urgent_waiting = 0

    @contextmanager
    def held(self, *, urgent: bool = False) -> Iterator[None]:
        with self._turn:
            if urgent:
                self._urgent_waiting += 1
            else:
                self._waiting += 1
            try:
                while self._held or (not urgent and self._urgent_waiting):
                    self._turn.wait()
            finally:
                if urgent:
                    self._urgent_waiting -= 1
                else:
                    self._waiting -= 1
            self._held = True
        try:
            yield
        finally:
            with self._turn:
                self._held = False
                self._turn.notify_all()

    @property
    def waiting(self) -> int:
        """How many other writers are queued (for tests and diagnostics)."""
        with self._turn:
            return self._waiting

    @property
    def urgent_waiting(self) -> int:
        """How many urgent writers are queued (for tests and diagnostics)."""
        with self._turn:
            return self._urgent_waiting


def _same_database(engine: Engine) -> Engine:
    """A second engine on the same database, with a pool of its own (see `call_engine`).
    An in-memory SQLite database exists once per connection pool: it keeps the one."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return engine
    return make_engine(url.render_as_string(hide_password=False),
                       pool_size=CALL_POOL_SIZE, max_overflow=CALL_POOL_OVERFLOW)


class Database:
    """The engine plus what every write needs: on SQLite, an in-process write lock.

    SQLite admits one writer at a time; threads that race for it back off in its busy
    handler with sleeps of up to 100 ms, which wrecks tail latency. Queueing on a lock
    in-process is immediate, and lets the call path go first (`WriteLock`). Other
    processes (the worker) still meet SQLite's busy timeout. PostgreSQL serves concurrent
    transactions: no lock there.

    Two lanes, so that admin work can never starve a caller: `session()` for everything
    else, `call_session()` for the call path, on a pool of its own (`call_engine`). A
    burst of admin requests can take every connection of the general pool; a webhook
    still has its own, and its writes go before theirs."""

    def __init__(self, engine: Engine) -> None:
        self._kept = _KeptConnection()
        self.engine = engine
        self._write_lock = WriteLock() if engine.dialect.name == "sqlite" else None
        self._reads: tuple[Engine, Engine] | None = None
        # Per event loop (tests run several apps, each on its own loop), the threads of
        # the call path's statements, of the other statements, and of the call path's
        # waits on other servers (`_lanes`).
        self._executors: weakref.WeakKeyDictionary[Any, _Lanes] = weakref.WeakKeyDictionary()

    @property
    def engine(self) -> Engine:
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        """Swapping the engine (tests simulate an outage so) swaps the call lane with it;
        the old lane's connections are closed, not left to the garbage collector."""
        old = getattr(self, "_call_engine", None)
        self._kept.close()
        if old is not None and old is not getattr(self, "_engine", None):
            old.dispose()
        self._engine = engine
        self._call_engine: Engine | None = None

    @property
    def call_engine(self) -> Engine:
        """The call path's engine: the same database, connections of its own."""
        if self._call_engine is None:
            self._call_engine = _same_database(self._engine)
        return self._call_engine

    def dispose(self) -> None:
        """Close the call lane's connections (the general engine belongs to its maker)."""
        call, self._call_engine = self._call_engine, None
        self._kept.close()
        if call is not None and call is not self._engine:
            call.dispose()

    def session(self) -> Session:
        """A session whose objects stay readable after commit (the one way to open one)."""
        return Session(self.engine, expire_on_commit=False)

    def read_session(self) -> Session:
        """A session for reads only (the JSON API's GET routes, token checks): on
        PostgreSQL each statement runs on its own, without BEGIN and ROLLBACK around them,
        two round trips fewer per request. Its statements may see different snapshots;
        anything that must read consistently, or writes, uses `session()`. Flushing one
        is refused, so a write can never slip in unguarded."""
        return ReadSession(self._read_engine(), expire_on_commit=False)

    def _read_engine(self) -> Engine:
        if self._engine.dialect.name != "postgresql":
            return self._engine
        if self._reads is None or self._reads[0] is not self._engine:
            self._reads = (self._engine,
                           self._engine.execution_options(isolation_level="AUTOCOMMIT"))
        return self._reads[1]

    def call_session(self) -> Session:
        """A session on the call path's own connections (webhooks, media streams).

        On SQLite it is bound to one connection of the call lane kept open for it,
        rather than a connection taken from the pool and given back: webhooks run there
        one at a time on the event loop (`inline_writes`), and the pool's checkout, the
        connection's wrapper and its return (a rollback) cost about 3 % of a webhook's
        instructions (counted under callgrind, `callbacks.answer`). The session takes and
        releases the kept connection with its lock: a session opened while another holds
        it (nested, or on another thread) takes a pooled connection as before. Its
        transactions are the session's own (it begins, commits and rolls back on the
        connection as on a pooled one). `dispose` closes it, and
        `renew_call_connection` has the next session open a new one. Unlike a pooled
        connection, the session's connection is not refused if used after the session
        ended: nothing here keeps one."""
        if self._write_lock is not None:
            connection = self._kept.take(self.call_engine)
            if connection is not None:
                return _KeptSession(connection, self._kept)
        return Session(self.call_engine, expire_on_commit=False)

    def renew_call_connection(self) -> None:
        """Close the call sessions' kept connection (see `call_session`): the next one
        opens a new connection, with the connect listeners registered since (the WAL
        checkpoints' safety net, `wal_checkpoints.Checkpoints.start`)."""
        self._kept.close(discard=True)

    def _locked(self, session: Session, *, urgent: bool) -> AbstractContextManager[object]:
        """The write lock, once `session` has its connection: a writer holding the lock
        never waits for a pooled connection (which writers queued behind it may hold)."""
        session.connection()
        if self._write_lock is None:
            return nullcontext()
        return self._write_lock.held(urgent=urgent)

    @staticmethod
    def end_reads(session: Session) -> None:
        """End `session`'s reads and give its connection back, keeping what it loaded
        readable: before slow work that needs no database (hashing a password). A
        rollback would expire those objects, and the next attribute read would take a
        connection again for the whole slow part. Nothing may be waiting to be written:
        writes go through `write_transaction`."""
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("changes not written: make them in write_transaction")
        session.commit()

    @property
    def inline_writes(self) -> bool:
        """Run webhook transactions on the event loop instead of the thread pool. On SQLite
        they are serialized by the write lock anyway, so a thread hop only adds latency and
        GIL hand-offs; they take a few milliseconds on local disk. PostgreSQL serves
        concurrent transactions, so there they go to the thread pool."""
        return self._write_lock is not None

    async def run(self, work: Callable[[], T], *, urgent: bool = False) -> T:
        """`work` (database statements) from async code: inline on SQLite (see
        `inline_writes`), in this loop's database threads on PostgreSQL. A request pays
        one thread hop at most, instead of one per dependency.

        On PostgreSQL the call path (`urgent`: webhooks, media streams, health checks)
        has threads of its own, as it has connections of its own: a burst of API
        requests queues behind its own lane, never in front of a caller's webhook.
        Each lane runs at most DB_THREADS / CALL_DB_THREADS pieces of work at once per
        process: more threads only fight for the GIL. Measured on 2 cores, runs
        interleaved: API bookings (`bench.booking --database postgresql`, 50 clients,
        one week) got 1 thread 153–174/s, 2 threads 202–218/s, 4 threads 168–202/s,
        8 threads 162–179/s, and 2 used the least CPU per request. The call path keeps
        4: with 2, 200 calls arriving in one second on one instance (`bench.load`)
        waited longer (webhook p50 156–212 ms against 48–59 ms, p99 626–847 against
        390–553); anyio's default of 40 got ~30 % fewer webhooks through than 4
        (`bench.webhooks`). The threads are plain executors, not anyio's `to_thread`
        with a limiter: a hop there cost about 70 µs of CPU against 25 µs. A cancelled
        caller still waits for its work to end (as anyio's did): a session is never
        closed under a statement still running."""
        if self.inline_writes:
            return work()
        lanes = self._lanes()
        return await _in_thread(lanes.calls if urgent else lanes.other, work)

    async def run_waiting(self, work: Callable[[], T]) -> T:
        """Call-path work that waits on something else (the provider's REST API): always
        in a thread, on CALL_THREADS threads of the call path's own. Admin pages are
        plain functions that run in anyio's default thread pool: a burst of them may take
        all its threads, never these. A cancelled caller waits for its work to end, as
        in `run`."""
        return await _in_thread(self._lanes().waits, work)

    def _lanes(self) -> _Lanes:
        """The running event loop's threads (made at its first use)."""
        import asyncio  # the web server's; the CLI never needs them

        loop = asyncio.get_running_loop()
        lanes = self._executors.get(loop)
        if lanes is None:
            lanes = self._executors[loop] = _Lanes(
                ThreadPoolExecutor(CALL_DB_THREADS, thread_name_prefix="database-calls"),
                ThreadPoolExecutor(DB_THREADS, thread_name_prefix="database"),
                ThreadPoolExecutor(CALL_THREADS, thread_name_prefix="call-waits"))
        return lanes

    def start_threads(self) -> int:
        """Start every thread the call path uses from the running event loop, now (the
        app's start-up does, before anything else runs on the loop); returns how many.

        An executor starts a thread when work finds none idle, and the event loop waits
        until that thread has run. Left to the first burst of calls after a start, that
        came while both cores were busy, a few milliseconds per thread with every request
        of the process waiting: the first calls after `/readyz` said ready had a higher
        p95 and p99 than the same calls later (`bench.load --after-start`). The statement
        lanes are started only where statements go to threads (not on SQLite, see
        `inline_writes`)."""
        lanes = self._lanes()
        started = [(lanes.waits, CALL_THREADS)]
        if not self.inline_writes:
            started += [(lanes.calls, CALL_DB_THREADS), (lanes.other, DB_THREADS)]
        for executor, count in started:
            barrier = threading.Barrier(count)  # each task holds its thread till all run
            for future in [executor.submit(barrier.wait, THREAD_START_S)
                           for _ in range(count)]:
                future.result()
        return sum(count for _, count in started)

    def stop_threads(self) -> None:
        """Let the running event loop's threads end once their work has (the app's
        shutdown: an app's loop ends with it, and tests start many apps)."""
        import asyncio

        lanes = self._executors.pop(asyncio.get_running_loop(), None)
        if lanes is not None:
            for executor in (lanes.calls, lanes.other, lanes.waits):
                executor.shutdown(wait=False)

    @contextmanager
    def write_transaction(self, session: Session | None = None, *, urgent: bool = False
                          ) -> Iterator[Session]:
        """One unit of work, the only way anything is written: start from a fresh
        snapshot (objects loaded earlier are re-read on use: change them inside it), take
        a connection, then the lock; commit on success, roll back on any error. A unique
        constraint refusing a statement or the commit becomes `WriteConflict`. Without
        `session`, a new one is opened and closed: on the call path's lane when `urgent`
        (a webhook, a media stream: a caller is on the line).

        Only statements belong inside: hash passwords, call servers, decode speech and
        train models before it, since every other writer (on SQLite the call path too)
        waits. Work that claims rows, goes to the network, then records what happened is
        several of these, never one held across the network. Services take the session
        and never commit (they may flush): the caller owns the unit of work."""
        if session is None:
            opened = self.call_session() if urgent else self.session()
            with opened as own, self.write_transaction(own, urgent=urgent) as same:
                yield same
            return
        session.rollback()
        with self._locked(session, urgent=urgent):
            try:
                yield session
                session.commit()
            except IntegrityError as exc:
                session.rollback()
                raise WriteConflict(str(exc.orig)) from exc
            except BaseException:
                session.rollback()
                raise


class _KeptConnection:
    """The call lane's kept connection (`Database.call_session`) and who holds it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._closing = False  # `close` was called while a session held it
        self._discard = False  # ... asking for a new driver connection

    def take(self, engine: Engine) -> Connection | None:
        """The kept connection to `engine`, opened if need be, now held by the caller
        until `release`; None while someone else holds it."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            connection = self._connection
            if (connection is None or connection.closed or connection.invalidated
                    or connection.engine is not engine):
                if connection is not None:
                    connection.close()
                connection = self._connection = engine.connect()
        except BaseException:
            self._lock.release()
            raise
        return connection

    def release(self) -> None:
        """Give the kept connection back. One left in a transaction (a COMMIT that
        failed: SQLAlchemy then never sends the ROLLBACK; a connection used after its
        session ended) is closed instead: the pool's reset rolls it back, as it did for
        every pooled session, and the next session opens a clean one."""
        try:
            connection = self._connection
            if self._closing or (connection is not None and not _idle(connection)):
                self._close_connection()
        finally:
            self._lock.release()

    def close(self, *, discard: bool = False) -> None:
        """Close the kept connection now, or when the session holding it ends: given
        back to the pool, or with `discard` its driver connection closed too (the next
        one is opened afresh, with the engine's connect listeners)."""
        if not self._lock.acquire(blocking=False):
            self._closing = True
            self._discard = self._discard or discard
            return
        try:
            self._discard = self._discard or discard
            self._close_connection()
        finally:
            self._lock.release()

    def _close_connection(self) -> None:
        connection, discard = self._connection, self._discard
        self._connection, self._closing, self._discard = None, False, False
        if connection is not None:
            if discard and not connection.closed:
                connection.invalidate()  # the driver's connection is closed for good
            connection.close()


def _idle(connection: Connection) -> bool:
    """Open, valid and outside any transaction, SQLAlchemy's and the driver's."""
    if connection.closed or connection.invalidated or connection.in_transaction():
        return False
    return not connection.connection.driver_connection.in_transaction  # type: ignore[union-attr]


class _KeptSession(Session):
    """A call session on the kept connection, released when the session closes."""

    def __init__(self, connection: Connection, kept: _KeptConnection) -> None:
        super().__init__(bind=connection, expire_on_commit=False)
        self._kept: _KeptConnection | None = kept

    def close(self) -> None:
        try:
            super().close()
        finally:
            kept, self._kept = self._kept, None
            if kept is not None:
                kept.release()


class ReadSession(Session):
    """A session that refuses to flush (Database.read_session). A class rather than a
    `before_flush` listener on each session: registering one per request showed in the
    profile of every API request (bench.booking under py-spy)."""

    def _flush(self, objects: Any = None) -> None:
        raise RuntimeError("a read session cannot write: use Database.session()")


class JobDeps(Protocol):
    """What every background job needs: the database and the clock. Jobs declare the rest
    of what they need as a protocol built on this one; the runtime provides all of it."""

    @property
    def database(self) -> Database: ...
    @property
    def clock(self) -> Clock: ...
