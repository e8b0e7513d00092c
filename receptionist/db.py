"""Database engine and sessions.

Nothing here touches the database at import time: the engine is built lazily and tables are
created only by Alembic migrations (`receptionist migrate`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


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


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for background work: commits on success, rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def get_db(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


# A row id in a URL: anything outside a 32-bit key is a 404 like any unknown id, not a
# database error (PostgreSQL refuses to compare an INTEGER column with 2**31).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
