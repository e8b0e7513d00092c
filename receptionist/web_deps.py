"""What the web views (admin UI, Twilio routes, JSON API) take from a request: the
app's runtime and its clock, a database session, and a row id in a URL. Apart from
`db.py` and `runtime.py`, so that the database layer, the runtime (and every command of
the CLI) load without the web framework."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Request
from sqlmodel import Session

from receptionist.clock import Clock
from receptionist.db import Database
from receptionist.runtime import Runtime

T = TypeVar("T")


def runtime_of(request: Request) -> Runtime:
    """The app's runtime (set by the app factory)."""
    rt: Runtime = request.app.state.runtime
    return rt


async def _runtime_dependency(request: Request) -> Runtime:
    # async: FastAPI runs a plain function dependency in the thread pool.
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(_runtime_dependency)]


async def _clock_dependency(rt: RuntimeDep) -> Clock:
    return rt.clock


ClockDep = Annotated[Clock, Depends(_clock_dependency)]


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


async def get_read_db(request: Request) -> AsyncIterator[Session]:
    """A read-only session for the request (`Database.read_session`): no transaction
    to end, so closing it costs no statement."""
    database: Database = request.app.state.database
    session = database.read_session()
    try:
        yield session
    finally:
        if session.in_transaction():
            await database.run(session.close)
        else:
            session.close()


ReadSessionDep = Annotated[Session, Depends(get_read_db)]


# A row id in a URL: anything outside a 32-bit key is a 404 like any unknown id, not a
# database error (PostgreSQL refuses to compare an INTEGER column with 2**31).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
