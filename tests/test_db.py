from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from receptionist.db import Database, WriteConflict
from receptionist.tenants.models import Tenant, TenantNumber


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
