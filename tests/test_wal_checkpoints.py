"""WAL checkpoints from a thread of their own: the writers' commits never copy the WAL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from receptionist.db import Database, make_engine
from receptionist.wal_checkpoints import (
    SAFETY_NET_PAGES,
    THREAD_NAME,
    Checkpoints,
    checkpointed,
)

PAGE = 4096


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(make_engine(f"sqlite:///{tmp_path / 'wal.db'}"))
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)"))
    yield database
    database.dispose()
    database.engine.dispose()


def _write_pages(database: Database, pages: int) -> None:
    """Commits that add `pages` pages to the WAL, on the call lane, one page each."""
    for _ in range(pages):
        with database.call_session() as session, database.write_transaction(session):
            session.connection().execute(text("INSERT INTO blobs (data) VALUES (:data)"),
                                         {"data": b"\x01" * (PAGE - 200)})


def _autocheckpoint(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())


def test_writers_leave_the_wal_to_the_checkpoints(database: Database) -> None:
    checkpoints = Checkpoints(database.engine, (database.engine, database.call_engine),
                              interval=3600)  # its thread never gets to run here
    _write_pages(database, 1)  # the call sessions' kept connection, opened before
    checkpoints.start()
    database.renew_call_connection()  # as the app's lifespan does
    try:
        with database.call_session() as session:
            assert session.connection().exec_driver_sql(
                "PRAGMA wal_autocheckpoint").scalar_one() == SAFETY_NET_PAGES
        assert _autocheckpoint(database.call_engine) == SAFETY_NET_PAGES
        assert _autocheckpoint(database.engine) == SAFETY_NET_PAGES
        _write_pages(database, 1200)  # past SQLite's own threshold of 1,000 pages
        busy, in_wal, copied = checkpoints.checkpoint()
        # No commit copied the WAL back: all of it was still there for the checkpoint.
        assert busy == 0 and in_wal >= 1200 and copied == in_wal
    finally:
        checkpoints.stop()


def test_without_them_a_commit_checkpoints_itself(database: Database) -> None:
    """The other side of the test above: SQLite's default makes some commit copy the
    WAL once it holds 1,000 pages (what a webhook then waited for)."""
    assert _autocheckpoint(database.call_engine) == 1000
    _write_pages(database, 1200)
    with database.engine.connect() as conn:
        busy, in_wal, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    assert busy == 0 and copied == in_wal < 1200


class _Recorded(Checkpoints):
    """The checkpoints, with what each of them reported."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reports: list[tuple[int, int, int]] = []

    def checkpoint(self) -> tuple[int, int, int]:
        report = super().checkpoint()
        self.reports.append(report)
        return report


def test_the_thread_checkpoints_until_stopped(database: Database) -> None:
    checkpoints = _Recorded(database.engine, (database.call_engine,), interval=0.001)
    checkpoints.start()
    try:
        _write_pages(database, 5)
        for _ in range(2):  # the second round began after the writes
            checkpoints.ran.clear()
            assert checkpoints.ran.wait(timeout=60)
        # The thread's own latest round found the writes in the WAL and copied them all.
        busy, in_wal, copied = checkpoints.reports[-1]
        assert busy == 0 and copied == in_wal >= 5
    finally:
        checkpoints.stop()
    assert not any(thread.name == THREAD_NAME for thread in threading.enumerate())


def test_only_a_sqlite_file_has_a_wal(tmp_path: Path) -> None:
    assert checkpointed(make_engine(f"sqlite:///{tmp_path / 'x.db'}"))
    assert not checkpointed(make_engine("sqlite://"))
    assert not checkpointed(make_engine("sqlite:///:memory:"))
    assert not checkpointed(make_engine("postgresql+psycopg://u:p@localhost/db"))
