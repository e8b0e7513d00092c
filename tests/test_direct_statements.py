"""Statements run on the driver directly (SQLite's, psycopg) store and read what
SQLAlchemy would."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    cast,
    create_engine,
    event,
    exc,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from receptionist import direct_statements
from receptionist.calls.events import EventFields
from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.direct_statements import Direct, _bind_processor
from receptionist.tenants.service import get_tenant
from tests.conftest import ON_POSTGRES

EVENTS = CallEvent.__table__  # type: ignore[attr-defined]
CALLS = Call.__table__  # type: ignore[attr-defined]
REPLIES = WebhookReply.__table__  # type: ignore[attr-defined]
AT = datetime(2026, 11, 17, 15, 4, 5, 678901, tzinfo=UTC)


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin() as transaction:
        yield conn
        transaction.rollback()


def _call_id(connection: Connection, sid: str = "CA" + "d" * 32) -> int:
    with Session(bind=connection) as session:
        tenant_id = get_tenant(session, slug="demo").id
    values = {"call_sid": sid, "tenant_id": tenant_id, "from_number": "+15550001",
              "to_number": "+15005550006", "script_version": 1, "started_at": AT,
              "ended_at": AT + timedelta(minutes=3), "status": "completed", "seq": 4,
              "attempt": 0, "step_data": '{"x": 1}'}
    return int(connection.execute(insert(CALLS).returning(CALLS.c.id), values).scalar_one())


def _raw_events(connection: Connection, ids: list[int]) -> list[tuple[object, ...]]:
    """The columns as the database holds them, read without any type's conversion."""
    rows = connection.execute(text(
        "SELECT call_id, at, step, kind, fields FROM call_events WHERE id IN "
        f"({', '.join(str(i) for i in ids)}) ORDER BY id"))
    return [tuple(row) for row in rows]


def test_a_direct_insert_stores_what_sqlalchemy_stores(connection: Connection) -> None:
    call_id = _call_id(connection)
    values = {"call_id": call_id, "at": AT, "step": "menu", "kind": "choice",
              "fields": EventFields(intent="book", via="keypad", digit="1")}
    theirs = connection.execute(insert(EVENTS).returning(EVENTS.c.id), values).scalar_one()
    ours = Direct(insert(EVENTS).returning(EVENTS.c.id),
                  keys=("call_id", "at", "step", "kind", "fields")).run(connection, values)
    row = ours.fetchone()
    assert row is not None
    stored = _raw_events(connection, [theirs, int(row[0])])
    assert stored[0] == stored[1]
    assert stored[0][2:4] == ("menu", "choice")


def test_several_rows_are_inserted_in_one_run(connection: Connection) -> None:
    call_id = _call_id(connection)
    rows = [{"call_id": call_id, "at": AT + timedelta(seconds=n), "step": None,
             "kind": "enter", "fields": EventFields(step_kind=f"k{n}")} for n in range(3)]
    Direct(insert(EVENTS), keys=("call_id", "at", "step", "kind", "fields")).run_many(
        connection, rows)
    read = connection.execute(select(EVENTS.c.at, EVENTS.c.fields).where(
        EVENTS.c.call_id == call_id).order_by(EVENTS.c.id)).all()
    assert [(at.replace(tzinfo=None), fields.step_kind) for at, fields in read] == [
        ((AT + timedelta(seconds=n)).replace(tzinfo=None), f"k{n}") for n in range(3)]


def test_a_row_is_read_as_sqlalchemy_reads_it(connection: Connection) -> None:
    _call_id(connection)
    statement = select(*CALLS.columns).where(CALLS.c.call_sid == bindparam("sid"))
    theirs = connection.execute(statement, {"sid": "CA" + "d" * 32}).first()
    ours = Direct(statement).first(connection, {"sid": "CA" + "d" * 32})
    assert theirs is not None and ours == tuple(theirs)
    started = ours[list(CALLS.columns.keys()).index("started_at")]
    assert isinstance(started, datetime)
    assert Direct(statement).first(connection, {"sid": "CA" + "e" * 32}) is None


def test_an_update_counts_the_rows_it_changed(connection: Connection) -> None:
    call_id = _call_id(connection)
    claim = Direct(update(CALLS).where(CALLS.c.id == bindparam("call_id"),
                                       CALLS.c.seq == bindparam("expected"))
                   .values(seq=bindparam("claimed")))
    assert claim.run(connection, {"call_id": call_id, "expected": 4, "claimed": 5}
                     ).rowcount == 1
    assert claim.run(connection, {"call_id": call_id, "expected": 4, "claimed": 5}
                     ).rowcount == 0
    assert connection.execute(select(CALLS.c.seq).where(CALLS.c.id == call_id)
                              ).scalar_one() == 5


def test_a_value_written_in_the_statement_is_used_unless_given(
        connection: Connection) -> None:
    """`.limit(1)` is a value of the statement; the offset is the caller's parameter."""
    for n in range(3):
        _call_id(connection, sid=f"CA{n:032d}")
    nth = Direct(select(CALLS.c.call_sid).where(CALLS.c.call_sid.like("CA000%"))
                 .order_by(CALLS.c.call_sid.desc()).limit(1).offset(bindparam("skip")))
    assert [nth.run(connection, {"skip": n}).rows for n in range(4)] == [
        [(f"CA{2:032d}",)], [(f"CA{1:032d}",)], [(f"CA{0:032d}",)], []]


def test_a_refused_constraint_is_sqlalchemys_integrity_error(connection: Connection) -> None:
    store = Direct(insert(REPLIES), keys=("key", "call_sid", "twiml", "created_at"))
    values = {"key": "k" * 64, "call_sid": "CA1", "twiml": "<Response/>", "created_at": AT}
    store.run(connection, values)
    with pytest.raises(exc.IntegrityError), connection.begin_nested():
        store.run(connection, values)


def test_listeners_are_told_before_and_after(connection: Connection) -> None:
    seen: list[tuple[str, str, bool]] = []
    call_id = _call_id(connection)
    row = {"call_id": call_id, "at": AT, "step": None, "kind": "enter", "fields": None}

    def listener(when: str) -> Callable[..., None]:
        return lambda *args: seen.append((when, str(args[2]).split()[0], bool(args[5])))

    before, after = listener("before"), listener("after")
    event.listen(connection, "before_cursor_execute", before)
    event.listen(connection, "after_cursor_execute", after)
    try:
        Direct(select(REPLIES.c.twiml).where(REPLIES.c.key == bindparam("key"))).run(
            connection, {"key": "none"})
        Direct(insert(EVENTS), keys=tuple(row)).run_many(connection, [row, row])
    finally:
        event.remove(connection, "before_cursor_execute", before)
        event.remove(connection, "after_cursor_execute", after)
    assert seen == [("before", "SELECT", False), ("after", "SELECT", False),
                    ("before", "INSERT", True), ("after", "INSERT", True)]


def test_statements_run_on_the_drivers_cursor_not_through_sqlalchemy(
        connection: Connection) -> None:
    """On both databases the suite runs on (SQLite's driver, psycopg): SQLAlchemy's
    `before_execute` (its Core and ORM executions) never hears of them, the cursor-level
    listeners do."""
    heard: list[str] = []
    call_id = _call_id(connection)

    def executed(*args: object) -> None:
        heard.append("execute")

    def cursor(*args: object) -> None:
        heard.append("cursor")

    event.listen(connection, "before_execute", executed)
    event.listen(connection, "before_cursor_execute", cursor)
    try:
        row = Direct(select(CALLS.c.seq).where(CALLS.c.id == bindparam("id"))).run(
            connection, {"id": call_id}).rows
    finally:
        event.remove(connection, "before_execute", executed)
        event.remove(connection, "before_cursor_execute", cursor)
    assert row == [(4,)]
    assert heard == ["cursor"]


def test_a_parameter_name_sqlalchemy_escapes_is_given_by_its_own_name(
        connection: Connection) -> None:
    """psycopg's parameters are named in the SQL: a name with characters SQLAlchemy
    escapes there is still given by the caller under its own name."""
    call_id = _call_id(connection)
    odd = Direct(select(CALLS.c.call_sid).where(CALLS.c.id == bindparam("the call.id"),
                                                 CALLS.c.seq >= bindparam("seq(min)")))
    assert odd.run(connection, {"the call.id": call_id, "seq(min)": 4}).rows == [
        ("CA" + "d" * 32,)]
    assert odd.run(connection, {"the call.id": call_id, "seq(min)": 5}).rows == []


_READ_CALL = Direct(select(CALLS.c.id).where(CALLS.c.call_sid == bindparam("sid")))


def _lost_then_afresh(engine: Engine, cut: Callable[[Connection], None]) -> None:
    """After `cut` loses a connection, a statement on it raises SQLAlchemy's error for a
    lost connection and invalidates it; the pool forgets it, so the next checkout
    connects afresh instead of failing on the dead one."""
    with engine.connect() as doomed:
        cut(doomed)
        with pytest.raises(exc.DBAPIError) as lost:
            _READ_CALL.run(doomed, {"sid": "CA1"})
        assert isinstance(lost.value, exc.OperationalError | exc.ProgrammingError)
        assert lost.value.connection_invalidated
        assert doomed.invalidated
    with engine.connect() as fresh:
        assert _READ_CALL.run(fresh, {"sid": "CA1"}).rows == []


@pytest.mark.skipif(not ON_POSTGRES, reason="a server whose connection can be cut")
def test_a_lost_connection_is_invalidated_as_sqlalchemy_invalidates_it(engine: Engine) -> None:
    """The server dropped the connection (a restart, a failover)."""
    pids: list[int] = []

    def terminate(doomed: Connection) -> None:
        pids.append(doomed.execute(text("SELECT pg_backend_pid()")).scalar_one())
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pids[0]})

    _lost_then_afresh(engine, terminate)
    with engine.connect() as fresh:
        assert fresh.execute(text("SELECT pg_backend_pid()")).scalar_one() != pids[0]


# What cannot be run directly is refused when first run on SQLite, not run differently.
_metadata = MetaData()
_DEFAULTED = Table("defaulted", _metadata, Column("id", Integer, primary_key=True),
                   Column("name", String(10)), Column("n", Integer, default=7),
                   Column("at", DateTime))


@pytest.fixture
def memory() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    _metadata.create_all(engine)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def test_a_python_side_default_must_be_given(memory: Connection) -> None:
    with pytest.raises(TypeError, match="Python-side column default"):
        Direct(insert(_DEFAULTED), keys=("name",)).run(memory, {"name": "a"})
    Direct(insert(_DEFAULTED), keys=("name", "n")).run(memory, {"name": "a", "n": 7})
    assert memory.execute(select(_DEFAULTED.c.n)).scalar_one() == 7


def test_a_parameter_rendered_at_run_time_is_refused(memory: Connection) -> None:
    with pytest.raises(TypeError, match="rendered at run time"):
        Direct(select(_DEFAULTED.c.name).where(
            _DEFAULTED.c.n == bindparam("n", literal_execute=True))).run(memory, {"n": 1})


def test_rows_needing_conversion_are_read_with_first(memory: Connection) -> None:
    memory.execute(insert(_DEFAULTED), {"name": "a", "n": 1, "at": AT})
    when = Direct(select(_DEFAULTED.c.name, _DEFAULTED.c.at))
    with pytest.raises(TypeError, match="read with first"):
        when.run(memory, {})
    assert when.first(memory, {}) == tuple(memory.execute(when.statement).one()) == (
        "a", AT.replace(tzinfo=None))


def test_each_engine_gets_its_own_plan_forgotten_with_it() -> None:
    statement = Direct(select(_DEFAULTED.c.name))
    for _ in range(3):
        engine = create_engine("sqlite://")
        _metadata.create_all(engine)
        with engine.connect() as conn:
            assert statement.run(conn, {}).rows == []
        engine.dispose()
        del engine, conn
    gc.collect()
    assert len(statement._plans) == 0


def test_a_utc_datetime_is_written_as_sqlalchemy_writes_it() -> None:
    """The faster conversion of `UTCDateTime` gives SQLAlchemy's text for every kind of
    value, and refuses what it refuses."""
    dialect = sqlite.dialect()
    column_type = CallEvent.__table__.c.at.type  # type: ignore[attr-defined]
    theirs = column_type._cached_bind_processor(dialect)
    ours = _bind_processor(column_type, dialect)
    assert ours is not theirs and theirs is not None and ours is not None
    paris = timezone(timedelta(hours=1))
    for value in (datetime(2026, 12, 6, 4, 5, 6, 789, tzinfo=UTC),
                  datetime(2026, 12, 6, 4, 5, 6, tzinfo=UTC),  # no microseconds
                  datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Paris")),
                  datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=paris),
                  datetime(999, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 5, tzinfo=paris),
                  datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")), None):
        assert ours(value) == theirs(value), value
    # Each value written twice, and again after others: the text kept for the last one
    # is its own, never another's.
    values = [datetime(2026, 12, 6, 4, 5, 6, 789, tzinfo=UTC),
              datetime(2026, 12, 6, 4, 5, 6, 789, tzinfo=paris),
              datetime(2026, 12, 6, 4, 5, 7, tzinfo=ZoneInfo("Europe/Paris")), None]
    for value in [*values, *values, *reversed(values), values[0], values[0]]:
        assert ours(value) == theirs(value), value
    for refused in (datetime(2026, 1, 1), date(2026, 1, 1), "2026-01-01"):
        with pytest.raises((ValueError, AttributeError, TypeError)) as theirs_refusal:
            theirs(refused)
        with pytest.raises(theirs_refusal.type):
            ours(refused)
    other = DateTime()  # not UTCDateTime: SQLAlchemy's own
    assert _bind_processor(other, dialect) is other._cached_bind_processor(dialect)


def test_a_connection_closed_under_a_statement_is_invalidated(engine: Engine) -> None:
    """The driver's connection closed on our side (a pool bug): the driver refuses the
    cursor itself, on SQLite as on PostgreSQL."""
    def close(doomed: Connection) -> None:
        doomed.connection.driver_connection.close()  # type: ignore[union-attr]

    _lost_then_afresh(engine, close)


def test_a_parameter_computed_when_run_is_refused(memory: Connection) -> None:
    with pytest.raises(TypeError, match="computed when run"):
        Direct(select(_DEFAULTED.c.name).where(
            _DEFAULTED.c.n == bindparam("n", callable_=lambda: 1))).run(memory, {})


@pytest.mark.skipif(not ON_POSTGRES, reason="psycopg's conversion of a float column")
def test_a_column_converted_by_the_reported_type_is_refused(
        connection: Connection) -> None:
    """psycopg's Float and Numeric pick their conversion from the type the server reports:
    refused plainly when first run, not run with a wrong one."""
    with pytest.raises(TypeError, match="the type the driver reports"):
        Direct(select(cast(CALLS.c.seq, Float))).run(connection, {})


def test_an_insert_returns_only_what_it_asks_for(connection: Connection) -> None:
    """SQLAlchemy adds `RETURNING id` to an INSERT on PostgreSQL for its own use; run
    directly, an INSERT returns only the columns its `.returning` names."""
    call_id = _call_id(connection)
    sent: list[str] = []

    def seen(*args: object) -> None:
        sent.append(str(args[2]))

    row = {"call_id": call_id, "at": AT, "step": None, "kind": "enter", "fields": None}
    event.listen(connection, "before_cursor_execute", seen)
    try:
        plain = Direct(insert(EVENTS), keys=tuple(row)).run(connection, row)
        asked = Direct(insert(EVENTS).returning(EVENTS.c.kind), keys=tuple(row)).run(
            connection, row)
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    assert plain.rows == [] and plain.rowcount == 1
    assert asked.rows == [("enter",)]
    assert ["RETURNING" in sql.upper() for sql in sent] == [False, True]


def test_prepare_compiles_every_statement_made_for_an_engines_dialect(
        engine: Engine) -> None:
    """What a web process does before it says it is ready: a later run finds its plan."""
    with engine.connect():
        pass
    made = Direct(select(CALLS.c.id).where(CALLS.c.call_sid == bindparam("sid")))
    refused = Direct(select(CALLS.c.id).where(
        CALLS.c.id == bindparam("n", literal_execute=True)))
    prepared = direct_statements.prepare(engine.dialect)
    assert prepared >= 1 and engine.dialect in made._plans
    assert engine.dialect not in refused._plans  # refused where it runs, as before
    with pytest.raises(TypeError, match="rendered"), engine.connect() as conn:
        refused.run(conn, {"n": 1})
    other = mysql.dialect()  # a driver whose statements run through SQLAlchemy
    assert direct_statements.prepare(other) == 0 and other not in made._plans


def test_prepare_skips_a_statement_built_for_another_database() -> None:
    """The warm-up's rehearsal runs on a SQLite sandbox: on a PostgreSQL deployment its
    SQLite variant of a statement exists too (`messages.service._insert_message`), and
    must not stop the others compiling."""
    foreign = Direct(sqlite_insert(REPLIES).on_conflict_do_nothing(
        index_elements=["call_sid", "key"]), keys=("key", "call_sid", "twiml", "created_at"))
    made = Direct(select(CALLS.c.id).where(CALLS.c.call_sid == bindparam("sid")))
    dialect = create_engine("postgresql+psycopg://nobody@localhost/none").dialect
    with pytest.raises(AttributeError):  # SQLite's ON CONFLICT, compiled for PostgreSQL
        foreign._plan(dialect)
    assert direct_statements.prepare(dialect) >= 1
    assert dialect in made._plans and dialect not in foreign._plans
