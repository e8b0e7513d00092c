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


SessionDep = Annotated[Session, Depends(get_db)]


async def reading(database: Database, work: Callable[[Session], T]) -> T:
    """`work` on a read session (`Database.read_session`) opened and closed in the one
    database hop of the request (`Database.run`). A view that needs a session for this
    alone takes no session dependency: a generator dependency is an exit stack and a
    close per request, and nothing can hold a connection past the hop."""
    def whole() -> T:
        with database.read_session() as session:
            return work(session)
    return await database.run(whole)


async def writing(database: Database, work: Callable[[Session], T]) -> T:
    """`work` on a session that may write (`Database.session`; its writes go through
    `write_transaction`), opened and closed in the one database hop of the request."""
    def whole() -> T:
        with database.session() as session:
            return work(session)
    return await database.run(whole)


# A row id in a URL: anything outside a 32-bit key is a 404 like any unknown id, not a
# database error (PostgreSQL refuses to compare an INTEGER column with 2**31).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
