"""Prebuilt statements of hot paths (webhooks, API bookings) run on the driver directly:
SQLite's (`sqlite3`) and PostgreSQL's (psycopg).

SQLAlchemy Core spends more Python on each statement it runs (cache lookup, execution
context, parameter and result processing, events) than SQLite spends running one of the
call path's: timeit, a timeline event's INSERT took 18 µs through Core and 6 on the
driver, the stored reply's SELECT 14 and 1.2. A webhook runs four to seven of them.
`Direct` compiles a statement once per dialect, keeps its SQL, its parameters (their
order for SQLite's `?`, their names for psycopg's `%(name)s`) and each one's bind
processor (the conversions SQLAlchemy applies: a datetime's text, a JSON document, a
type decorator's value) and each result column's processor, and runs it on the session
connection's own cursor: same SQL, same stored values, same transaction. With the call
read the same way (`orm_rows.RowReader`), the three webhooks of a call took 1.7 ms in
process where they took 2.6 ms (`callbacks.answer`, medians, runs interleaved).

On PostgreSQL a statement's round trip costs the client more than SQLite's whole run,
and SQLAlchemy's share is smaller but still there. The thread's CPU for the JSON API's
availability of one day, with a fresh session each as a request has (a local server,
medians of 500, old and new code alternately): 770–800 µs through the ORM and Core,
725–750 with its busy times read here, 557–566 with its agenda read by
`orm_rows.RowReader` too; a booking's transaction 1220–1250, 1080–1120 and 922–943
µs. API bookings (`bench.booking --database postgresql`) went from 185/s to
211–222/s.

Only where that is exact: a statement whose compiled form needs nothing evaluated in
Python per execution (no Python-side column default to fill in, no parameter rendered
at run time) runs directly; any other is refused when first run. On any other driver
the statement runs through SQLAlchemy as before. A driver error goes through
SQLAlchemy's own handling (raised as `IntegrityError`, `OperationalError`…, and a lost
connection invalidated), so callers catch what they caught before. SQLAlchemy's
`before_cursor_execute` and `after_cursor_execute` listeners see these statements as
they see any (its logging of statements, `echo`, does not).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Executable
from sqlalchemy.types import TypeEngine
from sqlmodel.sql.sqltypes import UTCDateTime


@dataclass(frozen=True, slots=True)
class Ran:
    """What a run did: the rows it returned (all read, its cursor closed: no statement
    is left open until the commit) and how many rows it changed."""

    rows: list[tuple[Any, ...]]
    rowcount: int

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None


class _Plan:
    """A statement compiled for one dialect: its SQL and how to order (SQLite's `?`) or
    name (psycopg's `%(name)s`) and convert a mapping of parameters into the driver's."""

    def __init__(self, statement: Executable, dialect: Dialect,
                 keys: Sequence[str] | None) -> None:
        assert isinstance(statement, ClauseElement)
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        assert isinstance(compiled, SQLCompiler)
        if compiled.implicit_returning:
            # On PostgreSQL SQLAlchemy adds `RETURNING id` to an INSERT for its own
            # `inserted_primary_key`; nothing here reads it (an id wanted is asked for
            # with `.returning`), so the statement is compiled as for many rows, without.
            compiled = statement.compile(dialect=dialect, column_keys=keys,
                                         for_executemany=True)
            assert isinstance(compiled, SQLCompiler) and not compiled.implicit_returning
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise TypeError("a Python-side column default must be given as a parameter "
                            f"to run directly: {statement}")
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise TypeError(f"a parameter rendered at run time cannot run directly: "
                            f"{statement}")
        try:
            converters = tuple(column[3]._cached_result_processor(dialect, None)
                               for column in compiled._result_columns)
        except TypeError:
            # psycopg's Float and Numeric pick their conversion by the type the server
            # reports for the column, known only once a statement ran.
            raise TypeError("a result column converted by the type the driver reports "
                            f"cannot run directly: {statement}") from None
        # How each result column is read back as SQLAlchemy reads it (a datetime from
        # its text…); None when every column is the driver's value as is.
        self.converters = converters if any(converters) else None
        self.sql = compiled.string
        # SQLite's driver takes a tuple in the order of the `?`s; psycopg a mapping by
        # the names in the SQL (a name SQLAlchemy had to escape is written escaped).
        self.positional = compiled.positional
        # (`binds` also holds an anonymous parameter under its key before naming.)
        names = (compiled.positiontup or () if compiled.positional
                 else tuple(dict.fromkeys(compiled.bind_names.values())))
        escaped = compiled.escaped_bind_names
        processors: list[tuple[str, str, Callable[[Any], Any] | None]] = []
        self.fixed: dict[str, Any] = {}
        for name in names:
            bind = compiled.binds[name]
            if bind.expanding:
                raise TypeError(f"an expanding parameter cannot run directly: {statement}")
            if bind.callable is not None:  # its value is computed at each execution
                raise TypeError(f"a parameter computed when run cannot run directly: "
                                f"{statement}")
            if not bind.required:  # a value given in the statement (`.limit(1)`)
                self.fixed[name] = bind.effective_value
            processors.append((name, escaped.get(name, name),
                               _bind_processor(bind.type, dialect)))
        self.processors = tuple(processors)

    def row(self, params: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        """The driver's parameters: each by name (a value in the statement unless given),
        converted as SQLAlchemy converts it."""
        fixed = self.fixed
        if self.positional:
            values = []
            for name, _, process in self.processors:
                value = params[name] if name in params or name not in fixed else fixed[name]
                values.append(value if process is None else process(value))
            return tuple(values)
        named = {}
        for name, key, process in self.processors:
            value = params[name] if name in params or name not in fixed else fixed[name]
            named[key] = value if process is None else process(value)
        return named


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect
                    ) -> Callable[[Any], Any] | None:
    """SQLAlchemy's conversion of a parameter of `type_`, or the same conversion written
    faster where one is known: `_utc_text` for SQLModel's `UTCDateTime` stored in
    SQLite's default text format."""
    process = type_._cached_bind_processor(dialect)
    if process is None or type(type_) is not UTCDateTime or dialect.name != "sqlite":
        return process
    impl = type_.dialect_impl(dialect)
    stored = getattr(getattr(impl, "impl_instance", None), "_storage_format", None)
    return partial(_utc_text, slow=process) if stored == _SQLITE_DATETIME_TEXT else process


# How SQLite's DATETIME writes a datetime by default (sqlalchemy.dialects.sqlite.DATETIME).
_SQLITE_DATETIME_TEXT = ("%(year)04d-%(month)02d-%(day)02d "
                         "%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d")


def _utc_text(value: Any, *, slow: Callable[[Any], Any]) -> Any:
    """An aware datetime's UTC text as `UTCDateTime` on SQLite writes it (its
    `process_bind_param`, then DATETIME's `%` format): the same text from `isoformat`,
    with fewer instructions (0.5 % of a webhook's, about six datetimes a request,
    counted under callgrind), and once for the same datetime written again (2 %, its
    C formatting). Anything else (None, a naive datetime refused, another
    type) goes to SQLAlchemy's own conversion."""
    global _last_text
    last = _last_text
    if value is last[0]:  # a request's rows share its `now`: one text for all of them
        return last[1]
    if type(value) is not datetime or value.utcoffset() is None:
        return slow(value)
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    text = utc.isoformat(" ", "microseconds")[:26]  # without "+00:00"
    _last_text = (value, text)  # the datetime held: its id is not reused meanwhile
    return text


# The last datetime written and its text (datetimes are immutable: the same object, the
# same text). A webhook writes its `now` in each timeline row and its stored reply.
_last_text: tuple[object, str] = (object(), "")


class Direct:
    """One prebuilt statement, run on the driver's cursor (see the module's docstring).

    `keys`: for an INSERT without `.values()`, the columns given on every run (the
    compiled statement names exactly these)."""

    def __init__(self, statement: Executable, *, keys: Sequence[str] | None = None
                 ) -> None:
        self.statement = statement
        self._keys = keys
        # One plan per dialect (each engine has its own), forgotten with the engine.
        self._plans: weakref.WeakKeyDictionary[Dialect, _Plan] = weakref.WeakKeyDictionary()
        _MADE.add(self)

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect)
        if plan is None:
            plan = self._plans[dialect] = _Plan(self.statement, dialect, self._keys)
        return plan

    def run(self, connection: Connection, params: Mapping[str, Any]) -> Ran:
        """Run with one set of parameters: the rows it returned, as the driver gives them
        (a statement whose columns need converting is read with `first`)."""
        dialect = connection.dialect
        if not _runs_directly(dialect):
            result = connection.execute(self.statement, dict(params))
            rows = [tuple(row) for row in result] if result.returns_rows else []
            return Ran(rows, result.rowcount)
        plan = self._plan(dialect)
        if plan.converters is not None:
            raise TypeError(f"result columns needing conversion, read with first(): "
                            f"{self.statement}")
        return self._execute(connection, plan, params)

    def first(self, connection: Connection, params: Mapping[str, Any]
              ) -> tuple[Any, ...] | None:
        """The first row, each column read as SQLAlchemy reads it, or None."""
        dialect = connection.dialect
        if not _runs_directly(dialect):
            found = connection.execute(self.statement, dict(params)).first()
            return None if found is None else tuple(found)
        plan = self._plan(dialect)
        row = self._execute(connection, plan, params).fetchone()
        if row is None or plan.converters is None:
            return row
        return tuple(value if convert is None else convert(value)
                     for value, convert in zip(row, plan.converters, strict=True))

    def run_many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run once per set of parameters, in one call to the driver."""
        dialect = connection.dialect
        if not _runs_directly(dialect):
            connection.execute(self.statement, [dict(row) for row in rows])
            return
        plan = self._plan(dialect)
        _on_driver(connection, plan.sql, [plan.row(row) for row in rows], many=True)

    @staticmethod
    def _execute(connection: Connection, plan: _Plan, params: Mapping[str, Any]) -> Ran:
        return _on_driver(connection, plan.sql, plan.row(params), many=False)


# The drivers these statements run on directly (dialect name, driver): any other runs
# them through SQLAlchemy.
_DRIVERS = frozenset({("sqlite", "pysqlite"), ("postgresql", "psycopg")})


# Every statement made (those of the modules imported: most are built at import).
_MADE: weakref.WeakSet[Direct] = weakref.WeakSet()


def prepare(dialect: Dialect) -> int:
    """Compile, for `dialect` (an engine's, once it has connected), every statement made
    so far that runs directly on it; how many. A web process does it before it says it
    is ready (`warm_up.open_connections`): a statement's compilation takes one to a
    few milliseconds (the 13 made at import, 18 ms on SQLite's dialect; eight of them,
    55 ms on a fresh PostgreSQL dialect), paid otherwise by the first calls after a
    start, since the warm-up's trial calls run in a sandbox database of their own,
    another engine. A statement that does not compile here is skipped: refused where it
    runs, as before, or built for another database (the sandbox's SQLite variant of a
    statement, on a PostgreSQL deployment)."""
    if not _runs_directly(dialect):
        return 0
    prepared = 0
    for statement in list(_MADE):
        try:
            statement._plan(dialect)
        except Exception:  # each one raises again where it is run
            continue
        prepared += 1
    return prepared


def _runs_directly(dialect: Dialect) -> bool:
    return (dialect.name, dialect.driver) in _DRIVERS


def _on_driver(connection: Connection, sql: str, values: Any, *, many: bool) -> Ran:
    """`sql` run on the connection's driver cursor (once per row of `values` if `many`),
    its rows read whole and the cursor closed, as SQLAlchemy would run it: listeners told
    before and after, a driver error raised as SQLAlchemy's."""
    dialect = connection.dialect
    try:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    except dialect.loaded_dbapi.Error as error:  # a connection closed under us
        connection._handle_dbapi_exception(error, sql, values, None, None)
    listened = _listened(connection)
    if listened:
        connection.dispatch.before_cursor_execute(connection, cursor, sql, values, None,
                                                  many)
    try:
        if many:
            cursor.executemany(sql, values)
            ran = Ran([], cursor.rowcount)
        else:
            cursor.execute(sql, values)
            # psycopg refuses to fetch from a statement that returns no rows.
            ran = Ran(cursor.fetchall() if cursor.description is not None else [],
                      cursor.rowcount)
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy handles it: raised as its own error (IntegrityError for a
        # constraint…), and a lost connection invalidated with the pool's others.
        connection._handle_dbapi_exception(error, sql, values, cursor, None)
    finally:
        cursor.close()
    if listened:
        connection.dispatch.after_cursor_execute(connection, cursor, sql, values, None, many)
    return ran


def _listened(connection: Connection) -> bool:
    """Whether statement listeners are registered: they are told before and after each
    statement runs, as SQLAlchemy tells them (with no execution context: these have
    none)."""
    return bool(connection._has_events or connection.engine._has_events)
