from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, func, select

from receptionist.db import (
    CALL_DB_THREADS,
    CALL_THREADS,
    DB_THREADS,
    Database,
    WriteConflict,
    WriteLock,
    make_engine,
)
from receptionist.tenants.models import Tenant, TenantNumber
from tests.conftest import ON_POSTGRES
from tests.waiting import wait_until


def _name(database: Database, slug: str) -> str:
    with database.session() as session:
        return session.exec(select(Tenant.name).where(Tenant.slug == slug)).one()


def test_a_write_commits_on_success_and_rolls_back_on_error(engine: Engine) -> None:
    database = Database(engine)
    with database.write_transaction() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Renamed"
        session.add(tenant)
    assert _name(database, "demo") == "Renamed"
    with pytest.raises(RuntimeError), database.write_transaction() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Lost"
        session.add(tenant)
        raise RuntimeError("boom")
    assert _name(database, "demo") == "Renamed"


def test_a_refused_commit_is_a_write_conflict(engine: Engine) -> None:
    database = Database(engine)
    with database.session() as session:
        demo_id = session.exec(select(Tenant.id).where(Tenant.slug == "demo")).one()
        assert demo_id is not None
        with pytest.raises(WriteConflict), database.write_transaction(session):
            session.add(TenantNumber(number="+15005550006", tenant_id=demo_id))  # taken
        # The session is usable again: the failed transaction was rolled back.
        assert session.exec(select(TenantNumber.number).where(
            TenantNumber.tenant_id == demo_id)).all() == ["+15005550006"]


def test_each_write_starts_from_a_fresh_snapshot(engine: Engine) -> None:
    database = Database(engine)
    with database.session() as mine:
        stale = mine.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        with database.write_transaction() as other:
            fresh = other.exec(select(Tenant).where(Tenant.slug == "demo")).one()
            fresh.name = "Changed elsewhere"
            other.add(fresh)
        with database.write_transaction(mine):
            assert stale.name == "Changed elsewhere"  # re-read under the lock


def test_only_sqlite_serialises_writes_in_process(engine: Engine) -> None:
    assert Database(engine).inline_writes == (engine.dialect.name == "sqlite")


def test_run_is_inline_on_sqlite_and_in_the_thread_pool_on_postgresql(engine: Engine) -> None:
    """`Database.run` is how async views run statements: one hop at most, none on SQLite
    (serialized by the write lock anyway)."""
    database = Database(engine)

    def work() -> tuple[str, int]:
        with database.session() as session:
            name = session.exec(select(Tenant.name).where(Tenant.slug == "demo")).one()
        return name, threading.get_ident()

    async def from_the_loop() -> tuple[str, int, int]:
        name, worker = await database.run(work)
        return name, worker, threading.get_ident()

    name, worker, loop = asyncio.run(from_the_loop())
    assert name == _name(database, "demo")
    assert (worker == loop) == (engine.dialect.name == "sqlite")
    assert database.inline_writes == (engine.dialect.name == "sqlite")


def test_an_error_in_run_reaches_the_caller(engine: Engine) -> None:
    def fail() -> None:
        raise LookupError("no such row")

    with pytest.raises(LookupError, match="no such row"):
        asyncio.run(Database(engine).run(fail))


@pytest.mark.parametrize("waits", [False, True], ids=["statements", "other servers"])
def test_a_cancelled_caller_waits_for_its_work_in_a_thread_to_end(waits: bool) -> None:
    """On PostgreSQL `run` hops to a database thread, and `run_waiting` (a REST call to
    the provider) always does: a request cancelled meanwhile (its client left) still
    waits for the work under way, so nothing closes its session under it; then the
    cancellation goes on. No server is needed: the work here runs no statement."""
    database = Database(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    started, release = threading.Event(), threading.Event()
    finished: list[int] = []

    def work() -> int:
        started.set()
        release.wait(30)
        finished.append(threading.get_ident())
        return 1

    async def cancelled_midway() -> None:
        task = asyncio.create_task(database.run_waiting(work) if waits
                                   else database.run(work))
        await asyncio.to_thread(started.wait, 30)
        task.cancel()
        for _ in range(5):
            await asyncio.sleep(0)
        assert not task.done() and finished == []
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert len(finished) == 1 and finished[0] != threading.get_ident()

    asyncio.run(cancelled_midway())


def test_the_call_path_has_database_threads_of_its_own() -> None:
    """On PostgreSQL every thread of the general lane busy (a burst of API requests) holds
    back more general work, never a caller's webhook: `urgent` work runs on threads of
    its own meanwhile. No server is needed: the work here runs no statement."""
    database = Database(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/none"))
    release = threading.Event()
    busy = threading.Semaphore(0)
    lanes: dict[str, set[str]] = {"general": set(), "urgent": set()}

    def general() -> None:
        lanes["general"].add(threading.current_thread().name)
        busy.release()
        release.wait(30)

    def urgent() -> str:
        lanes["urgent"].add(threading.current_thread().name)
        return "answered"

    async def burst() -> None:
        held = [asyncio.create_task(database.run(general)) for _ in range(DB_THREADS + 1)]
        for _ in range(DB_THREADS):
            await asyncio.to_thread(busy.acquire, True, 30)
        assert len(lanes["general"]) == DB_THREADS
        assert await database.run(urgent, urgent=True) == "answered"
        # the general lane is still full: its last piece of work has not started
        assert not busy.acquire(blocking=False)
        assert not any(task.done() for task in held)
        release.set()
        await asyncio.gather(*held)

    asyncio.run(burst())
    assert lanes["urgent"] and not lanes["urgent"] & lanes["general"]
    assert len(lanes["urgent"] | lanes["general"]) <= DB_THREADS + CALL_DB_THREADS


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_start_threads_starts_every_thread_the_call_path_uses_before_its_calls(
        dialect: str) -> None:
    """A burst of calls after a start meets threads already running: none is started
    while its requests wait. On SQLite statements run inline: only the waits' threads.
    No server is needed: the work here runs no statement."""
    url = ("sqlite://" if dialect == "sqlite"
           else "postgresql+psycopg://nobody@127.0.0.1:9/none")
    database = Database(make_engine(url))
    expected = CALL_THREADS + (0 if dialect == "sqlite" else CALL_DB_THREADS + DB_THREADS)

    async def start_then_burst() -> tuple[int, set[int], set[int]]:
        started = database.start_threads()
        before = {thread.ident for thread in threading.enumerate()}
        waits = await _gathered(database, "waits", CALL_THREADS)
        calls = (await _gathered(database, "calls", CALL_DB_THREADS)
                 if dialect == "postgresql" else set())
        assert {thread.ident for thread in threading.enumerate()} <= before | {None}
        database.stop_threads()  # the app's shutdown
        return started, waits, calls

    started, waits, calls = asyncio.run(start_then_burst())
    assert started == expected
    assert len(waits) == CALL_THREADS and threading.get_ident() not in waits
    assert len(calls) == (CALL_DB_THREADS if dialect == "postgresql" else 0)
    assert not waits & calls
    wait_until(lambda: not {t.ident for t in threading.enumerate()} & (waits | calls),
               "the lanes' threads end once the app has stopped them")


async def _gathered(database: Database, lane: str, count: int) -> set[int]:
    """The threads `count` pieces of work ran on, all at once, in `lane`."""
    all_in = threading.Barrier(count)

    def work() -> int:
        all_in.wait(30)  # each holds its thread until all run: `count` threads in use
        return threading.get_ident()

    if lane == "waits":
        return set(await asyncio.gather(*(database.run_waiting(work) for _ in range(count))))
    return set(await asyncio.gather(*(database.run(work, urgent=True) for _ in range(count))))


def test_the_call_path_goes_before_every_writer_already_waiting() -> None:
    """A webhook waits for the transaction under way, never for the admin writers queued
    before it (a login burst, a dashboard export…)."""
    lock = WriteLock()
    granted: list[str] = []
    release = threading.Event()

    def write(name: str, *, urgent: bool = False, hold: bool = False) -> None:
        with lock.held(urgent=urgent):
            granted.append(name)
            if hold:
                release.wait(60)

    holder = threading.Thread(target=write, args=("under way",), kwargs={"hold": True})
    holder.start()
    wait_until(lambda: granted == ["under way"], "the first writer to hold the lock")
    admins = [threading.Thread(target=write, args=(f"admin {i}",)) for i in range(3)]
    for thread in admins:
        thread.start()
    wait_until(lambda: lock.waiting == 3, "three writers to queue")
    call = threading.Thread(target=write, args=("webhook",), kwargs={"urgent": True})
    call.start()
    wait_until(lambda: lock.urgent_waiting == 1, "the webhook to queue")
    release.set()
    for thread in (holder, call, *admins):
        thread.join(60)
    assert granted[:2] == ["under way", "webhook"]
    assert sorted(granted[2:]) == ["admin 0", "admin 1", "admin 2"]


def test_a_writer_takes_its_connection_before_the_lock(engine: Engine) -> None:
    """Whoever holds the lock has its connection already: it never waits for the pool,
    whose connections writers queued behind it may hold."""
    database = Database(engine)
    with database.session() as session:
        assert not session.in_transaction()
        with database.write_transaction(session):
            pass
    with database.session() as session:
        seen: list[bool] = []
        if database._write_lock is not None:
            original = database._write_lock.held

            @contextmanager
            def spying(*, urgent: bool = False) -> Iterator[None]:
                seen.append(session.in_transaction())  # a connection is checked out
                with original(urgent=urgent):
                    yield

            database._write_lock.held = spying  # type: ignore[method-assign]
        with database.write_transaction(session):
            session.exec(select(Tenant.id)).all()
        assert seen == ([True] if database._write_lock is not None else [])


def test_the_call_lane_has_connections_of_its_own(engine: Engine) -> None:
    database = Database(engine)
    assert database.call_engine is not database.engine
    assert database.call_engine.url == database.engine.url
    with database.call_session() as session:
        assert session.exec(select(Tenant.slug).where(Tenant.slug == "demo")).one() == "demo"
    database.dispose()


def test_an_urgent_write_without_a_session_runs_on_the_call_lane(engine: Engine) -> None:
    database = Database(engine)
    with database.write_transaction(urgent=True) as session:
        assert _engine_of(session.get_bind()) is database.call_engine
    with database.write_transaction() as session:
        assert session.get_bind() is database.engine
    database.dispose()


def _engine_of(bind: Engine | Connection) -> Engine:
    return bind if isinstance(bind, Engine) else bind.engine


def _driver(session: Session) -> object:
    return session.connection().connection.driver_connection


def test_on_sqlite_call_sessions_keep_one_connection(engine: Engine) -> None:
    """One call session after another: the same connection, never given back to the
    pool in between; on PostgreSQL each takes a pooled one as before."""
    database = Database(engine)
    kept = not ON_POSTGRES
    pool = database.call_engine.pool
    with database.call_session() as first:
        first_connection = _driver(first)
    assert pool.checkedout() == int(kept)  # type: ignore[attr-defined]
    with database.write_transaction(urgent=True) as second:
        assert pool.checkedout() == 1  # type: ignore[attr-defined]
        assert _driver(second) is first_connection or not kept
        assert isinstance(second.get_bind(), Connection) is kept
    assert pool.checkedout() == int(kept)  # type: ignore[attr-defined]
    database.dispose()
    assert pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_call_session_inside_another_takes_a_pooled_connection(engine: Engine) -> None:
    database = Database(engine)
    with database.call_session() as outer:
        outer_connection = _driver(outer)
        with database.call_session() as inner:
            assert _driver(inner) is not outer_connection
            assert inner.exec(select(Tenant.slug).where(Tenant.slug == "demo")).one()
        outer.rollback()
    with database.call_session() as again:  # the kept one is free again
        assert (_driver(again) is outer_connection) is not ON_POSTGRES
    database.dispose()


def test_a_kept_connection_writes_only_what_its_transactions_commit(engine: Engine) -> None:
    """Commit, rollback and an abandoned session on the kept connection: each next
    session starts clean, and only the committed change is stored."""
    database = Database(engine)
    with database.write_transaction(urgent=True) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Committed"
        session.add(tenant)
    with pytest.raises(RuntimeError), database.write_transaction(urgent=True) as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Rolled back"
        session.add(tenant)
        session.flush()
        raise RuntimeError("boom")
    with database.call_session() as session:  # closed in the middle of a transaction
        session.connection().execute(text("UPDATE tenants SET name = 'Abandoned' "
                                          "WHERE slug = 'demo'"))
    with database.call_session() as session:
        bind = session.get_bind()  # the kept connection, out of any transaction
        assert not (isinstance(bind, Connection) and bind.in_transaction())
        assert session.exec(select(Tenant.name).where(Tenant.slug == "demo")).one() == (
            "Committed")
    assert _name(database, "demo") == "Committed"
    database.dispose()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's kept connection")
def test_a_commit_that_fails_leaves_nothing_to_the_next_session(engine: Engine) -> None:
    """A COMMIT refused by SQLite (a deferred foreign key here; a full disk in life):
    SQLAlchemy never sends the ROLLBACK, so the kept connection is given back to the
    pool, which rolls it back. Nothing of that transaction is committed later, and the
    next session writes as usual."""
    database = Database(engine)
    with pytest.raises(WriteConflict), database.write_transaction(urgent=True) as session:
        connection = failed = session.connection()
        connection.execute(text("PRAGMA defer_foreign_keys=ON"))
        connection.execute(text("UPDATE tenants SET name = 'Failed' WHERE slug = 'demo'"))
        connection.execute(text("INSERT INTO call_events (call_id, at, kind, fields) "
                                "VALUES (999999, '2026-12-06 00:00:00', 'enter', '{}')"))
    with database.write_transaction(urgent=True) as session:
        assert session.connection() is not failed  # a new one: that one was given back
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        assert tenant.name != "Failed"
        tenant.name = "Written"
        session.add(tenant)
    assert _name(database, "demo") == "Written"
    with database.write_transaction() as other:  # no lock left behind
        other.connection().execute(text("UPDATE tenants SET name = 'Other' "
                                         "WHERE slug = 'demo'"))
    assert _name(database, "demo") == "Other"
    database.dispose()


def test_renewing_opens_the_next_call_connection_anew(engine: Engine) -> None:
    database = Database(engine)
    with database.call_session() as session:
        first = _driver(session)
    database.renew_call_connection()
    with database.call_session() as session:
        assert (_driver(session) is not first) or ON_POSTGRES
    database.dispose()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's kept connection (a pooled one held "
                    "across `dispose` returns to the discarded pool)")
def test_disposing_closes_the_kept_connection_once_its_session_ends(engine: Engine) -> None:
    database = Database(engine)
    with database.call_session() as session:
        first = _driver(session)
        database.dispose()  # held: closed when the session ends
        assert session.exec(select(Tenant.slug).where(Tenant.slug == "demo")).one()
    assert database.call_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with database.call_session() as session:
        assert _driver(session) is not first
    database.engine = make_engine(str(engine.url.render_as_string(hide_password=False)))
    with database.call_session() as session:  # the new engine's connection
        assert _engine_of(session.connection().engine) is database.call_engine
    database.dispose()
    database.engine.dispose()


def test_ending_reads_keeps_what_was_read_and_refuses_unwritten_changes(
        engine: Engine) -> None:
    database = Database(engine)
    with database.session() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        database.end_reads(session)
        assert not session.in_transaction()  # the connection went back to the pool
        assert tenant.slug == "demo"  # still readable, with no connection taken again
        assert not session.in_transaction()
        tenant.name = "Unwritten"
        with pytest.raises(RuntimeError):
            database.end_reads(session)
    assert _name(database, "demo") != "Unwritten"


def test_a_read_session_reads_and_refuses_to_write(engine: Engine) -> None:
    database = Database(engine)
    with database.read_session() as session:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Never written"
        session.add(tenant)
        with pytest.raises(RuntimeError, match="read session"):
            session.flush()
    assert _name(database, "demo") != "Never written"


def test_a_read_session_opens_no_transaction_on_postgresql(engine: Engine) -> None:
    database = Database(engine)
    with database.read_session() as session:
        session.exec(select(Tenant.id)).all()
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        # PostgreSQL: autocommit, so no BEGIN / ROLLBACK round trips around the reads.
        if ON_POSTGRES:
            assert raw.autocommit is True
    with database.session() as session:  # the pool hands the connection back reset
        session.exec(select(Tenant.id)).all()
        if ON_POSTGRES:
            raw = session.connection().connection.dbapi_connection
            assert raw is not None and raw.autocommit is False


@pytest.mark.skipif(not ON_POSTGRES, reason="a server that cuts a connection")
def test_a_connection_the_server_cut_is_replaced_without_a_failed_request(
        engine: Engine) -> None:
    database = Database(make_engine(engine.url.render_as_string(hide_password=False),
                                    pool_size=1, max_overflow=0))
    try:
        with database.session() as session:
            first = session.exec(select(func.pg_backend_pid())).one()
        with engine.connect() as other:  # as a server restart would: the backend ends
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        wait_until(lambda: _cut(engine, first), "the backend to end")
        with database.session() as session:  # no error: the pool replaced the dead one
            second = session.exec(select(func.pg_backend_pid())).one()
        assert second != first
    finally:
        database.engine.dispose()


def _cut(engine: Engine, pid: int) -> bool:
    with engine.connect() as conn:
        left: int = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"),
                                 {"p": pid}).scalar_one()
        return left == 0
