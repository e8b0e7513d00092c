"""The JSON API's one database hop per request (`web_deps.reading` / `writing`): the
session is opened and closed inside it, reads cannot write, writes go through the unit of
work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.db import Database
from receptionist.tenants.models import Tenant
from receptionist.web_deps import reading, writing


def _checked_out(engine: Engine) -> int:
    status = engine.pool.status()
    if "Checked out connections:" not in status:  # SQLite's single-connection pools
        return 0
    return int(status.rsplit("Checked out connections:", 1)[1].split()[0])


def test_reading_answers_and_gives_its_connection_back(engine: Engine) -> None:
    database = Database(engine)
    before = _checked_out(engine)
    opened: list[Session] = []

    def work(session: Session) -> str:
        opened.append(session)
        return session.exec(select(Tenant.name).where(Tenant.slug == "demo")).one()

    assert asyncio.run(reading(database, work)) == "Demo Dental Clinic"
    assert not opened[0].in_transaction()
    assert _checked_out(engine) == before


def test_reading_refuses_to_write(engine: Engine) -> None:
    database = Database(engine)

    def rename(session: Session) -> None:
        tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        tenant.name = "Renamed"
        session.add(tenant)
        session.flush()

    with pytest.raises(RuntimeError, match="read session cannot write"):
        asyncio.run(reading(database, rename))
    with database.session() as session:
        assert session.exec(select(Tenant.name).where(Tenant.slug == "demo")).one() != (
            "Renamed")


def test_writing_commits_through_the_unit_of_work_and_rolls_back_on_error(
        engine: Engine) -> None:
    database = Database(engine)

    def rename(name: str, fail: bool) -> Callable[[Session], None]:
        def work(session: Session) -> None:
            with database.write_transaction(session):
                tenant = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
                tenant.name = name
                session.add(tenant)
                if fail:
                    raise ValueError("refused")
        return work

    asyncio.run(writing(database, rename("Kept", fail=False)))
    with pytest.raises(ValueError):
        asyncio.run(writing(database, rename("Lost", fail=True)))
    with database.session() as session:
        assert session.exec(select(Tenant.name).where(Tenant.slug == "demo")).one() == "Kept"
