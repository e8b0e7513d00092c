"""What the web views (admin UI, JSON API) take from a request: a database session, and
a row id in a URL. Apart from `db.py`, so that the database layer (and every command of
the CLI) loads without the web framework."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from sqlmodel import Session

from receptionist.db import Database

T = TypeVar("T")


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A session for the request, opened on the event loop (no statement runs until the
    view uses it) and closed through `Database.run`: a sync generator would cost two
    thread hops per request."""
    database: Database = request.app.state.database
    session = database.session()
    try:
        yield session
    finally:
        if session.in_transaction():
            await database.run(session.close)  # a rollback: a statement on PostgreSQL
        else:
            session.close()


async def run_in_session(database: Database, session: Session, work: Callable[[], T]) -> T:
    """A view's database work through `Database.run`, the session closed when it is done:
    its connection goes back to the pool at once, not after the response is sent."""
    def whole() -> T:
        try:
            return work()
        finally:
            session.close()
    return await database.run(whole)


SessionDep = Annotated[Session, Depends(get_db)]


# A row id in a URL: anything outside a 32-bit key is a 404 like any unknown id, not a
# database error (PostgreSQL refuses to compare an INTEGER column with 2**31).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
