"""Small SQL helpers that differ per backend (SQLite, PostgreSQL)."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import BigInteger
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970 of a UTC timestamp column, computed by the database:
    reading thousands of timestamps as numbers skips parsing them into datetimes."""

    type = BigInteger()
    inherit_cache = True


# unixepoch() (SQLite 3.38+) is twice as fast as strftime('%s') and returns an integer.
_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38)


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    if _UNIXEPOCH:
        return f"unixepoch({column})"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS BIGINT)"
