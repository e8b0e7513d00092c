"""What the web views (admin UI, JSON API) take from a request: a database session, and
a row id in a URL. Apart from `db.py`, so that the database layer (and every command of
the CLI) loads without the web framework."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlmodel import Session

from receptionist.db import Database


async def get_db(request: Request) -> AsyncIterator[Session]:
    """A session for the request, opened on the event loop (no statement runs until the
    view uses it) and closed through `Database.run`: a sync generator would cost two
    thread hops per request."""
    database: Database = request.app.state.database
    session = database.session()
    try:
        yield session
    finally:
        await database.run(session.close)


SessionDep = Annotated[Session, Depends(get_db)]


# A row id in a URL: anything outside a 32-bit key is a 404 like any unknown id, not a
# database error (PostgreSQL refuses to compare an INTEGER column with 2**31).
MAX_ROW_ID = 2**31 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
