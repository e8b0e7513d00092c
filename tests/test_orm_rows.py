from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import Session, col, select

from receptionist.appointments.agendas import get_agenda
from receptionist.appointments.models import Appointment, SyncState
from receptionist.orm_rows import RowMaker, RowReader, hold_written
from receptionist.tenants.models import Tenant
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def _tenant_values(clock: FixedClock) -> dict[str, Any]:
    return {"slug": "rows", "name": "Rows & Co", "language": "fr-FR",
            "timezone": "Europe/Paris", "created_at": clock(), "calls_per_minute": 7}


def test_a_made_row_is_what_the_models_constructor_makes(clock: FixedClock) -> None:
    values = _tenant_values(clock)
    made, model = RowMaker(Tenant).new(**values), Tenant(**values)
    assert made.model_dump() == model.model_dump()
    assert made.model_fields_set == model.model_fields_set == set(values)
    assert inspect(made).transient


def test_each_made_row_gets_its_own_default_from_a_factory() -> None:
    """`created_at` has a default factory: called for each row not given one, as the
    constructor does; a value given is kept as it is."""
    maker = RowMaker(Tenant)
    given = datetime(2026, 1, 2, 3, 4)
    first = maker.new(slug="a", name="A", language="en-US", timezone="UTC")
    second = maker.new(slug="b", name="B", language="en-US", timezone="UTC",
                       created_at=given)
    assert isinstance(first.created_at, datetime)
    assert second.created_at is given
    assert "created_at" not in first.model_fields_set


def test_a_row_missing_a_required_field_or_with_an_unknown_one_is_refused() -> None:
    maker = RowMaker(Tenant)
    with pytest.raises(TypeError, match="missing fields: name, timezone"):
        maker.new(slug="a", language="en-US")
    with pytest.raises(TypeError, match="unknown fields: colour"):
        maker.new(slug="a", name="A", language="en-US", timezone="UTC", colour="red")


def test_a_made_row_added_to_a_session_is_stored_as_a_constructed_one(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    """Both flushed by the ORM: the two rows differ by their id and uid alone."""
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    agenda = get_agenda(session, tenant_id=demo.id, slug="main")
    assert agenda is not None and agenda.id is not None
    values: dict[str, Any] = {
        "tenant_id": demo.id, "agenda_id": agenda.id, "starts_at": clock(),
        "ends_at": clock() + timedelta(minutes=30), "caller_name": "Zoé <x>",
        "sync_state": SyncState.pending, "created_at": clock(), "updated_at": clock()}
    made = RowMaker(Appointment).new(uid="made@test", **values)
    constructed = Appointment(uid="constructed@test", **values)
    session.add_all([made, constructed])
    session.commit()
    with Session(engine) as other:
        rows = [other.get(Appointment, row.id) for row in (made, constructed)]
        dumps = [row.model_dump(exclude={"id", "uid"}) for row in rows if row is not None]
    assert len(dumps) == 2 and dumps[0] == dumps[1]
    assert dumps[0]["caller_name"] == "Zoé <x>" and dumps[0]["sync_state"] == "pending"


_BY_SLUG = RowReader(Tenant, col(Tenant.slug) == bindparam("slug"))


def test_a_read_row_is_what_the_orms_query_loads(engine: Engine) -> None:
    with Session(engine) as orm, Session(engine) as ours:
        loaded = orm.execute(select(Tenant).where(Tenant.slug == "demo")).scalar_one()
        read = _BY_SLUG.first(ours, {"slug": "demo"})
        assert read is not None and read.model_dump() == loaded.model_dump()
        assert inspect(read).persistent and not ours.dirty and not ours.new
        assert ours.get(Tenant, read.id) is read  # the session's row: no second read
        assert _BY_SLUG.first(ours, {"slug": "demo"}) is read
        assert _BY_SLUG.first(ours, {"slug": "nobody"}) is None
        read.name = "Renamed"
        ours.commit()
    with Session(engine) as again:
        assert get_tenant(again, slug="demo").name == "Renamed"


def _as_held(session: Session, row: object) -> tuple[object, ...]:
    state = inspect(row)
    return (state.key, state.identity_token, state.persistent, state.modified,
            dict(state.committed_state), set(state.expired_attributes),
            state.session_id == session.hash_key, state in session.identity_map.all_states())


def test_a_read_row_is_held_as_the_orm_holds_a_loaded_one(engine: Engine) -> None:
    """The same state in its session, through a rollback and a close, as a loaded row."""
    with Session(engine) as orm, Session(engine) as ours:
        loaded = orm.execute(select(Tenant).where(Tenant.slug == "demo")).scalar_one()
        read = _BY_SLUG.first(ours, {"slug": "demo"})
        assert read is not None and _as_held(ours, read) == _as_held(orm, loaded)
        for row in (loaded, read):
            row.name = "Changed"
        assert _as_held(ours, read) == _as_held(orm, loaded)
        assert list(ours.dirty) == [read] and list(orm.dirty) == [loaded]
        orm.rollback()
        ours.rollback()
        assert _as_held(ours, read) == _as_held(orm, loaded)
        assert read.name == loaded.name == "Demo Dental Clinic"  # read again after the rollback
        orm.close()
        ours.close()
        assert _as_held(ours, read) == _as_held(orm, loaded)
        assert inspect(read).detached and inspect(loaded).detached


def test_a_row_read_by_another_statement_is_held_as_first_holds_it(engine: Engine) -> None:
    """`held`: the row's values read by a statement of the caller's own (the columns in
    `columns`' order) become the object `first` would give."""
    by_slug = select(*_BY_SLUG.columns).where(col(Tenant.slug) == "demo")
    with Session(engine) as first, Session(engine) as other:
        read = _BY_SLUG.first(first, {"slug": "demo"})
        row = other.connection().execute(by_slug).one()
        held = _BY_SLUG.held(other, tuple(row))
        assert read is not None and held.model_dump() == read.model_dump()
        assert _as_held(other, held) == _as_held(first, read)
        assert _BY_SLUG.held(other, tuple(row)) is held  # the session's own, once held
        assert _BY_SLUG.first(other, {"slug": "demo"}) is held


def test_a_row_added_but_not_written_is_read(session: Session, clock: FixedClock) -> None:
    made = RowMaker(Tenant).new(**_tenant_values(clock))
    session.add(made)
    assert _BY_SLUG.first(session, {"slug": "rows"}) is made and made.id is not None


def test_an_expired_row_is_read_again_into_the_same_object(engine: Engine,
                                                           session: Session) -> None:
    held = get_tenant(session, slug="demo")
    session.commit()
    with Session(engine) as other:
        get_tenant(other, slug="demo").name = "Elsewhere"
        other.commit()
    session.expire(held)
    assert _BY_SLUG.first(session, {"slug": "demo"}) is held and held.name == "Elsewhere"


def _insert_directly(session: Session, row: Tenant) -> None:
    """The row written by a Core statement on the session's connection, as the call path
    writes a new call or message; its id set from the statement."""
    table = Tenant.__table__  # type: ignore[attr-defined]
    values = {c.key: getattr(row, c.key) for c in table.columns if c.key != "id"}
    row.id = session.connection().execute(
        insert(table).values(values).returning(table.c.id)).scalar_one()


def _held_shape(session: Session, row: Tenant) -> tuple[object, ...]:
    """`_as_held`, with the row's own id in place of its key's (two rows compared)."""
    key, *rest = _as_held(session, row)
    assert isinstance(key, tuple) and key[1] == (row.id,)
    return (key[0], key[2], *rest)


def _phases(session: Session, row: Tenant, write: Callable[[], None]) -> list[object]:
    """The row's state after its write, a change and a rollback."""
    write()
    shapes: list[object] = [_held_shape(session, row), session.get(Tenant, row.id) is row,
                            list(session.new), list(session.dirty)]
    row.name = "Changed"
    shapes += [_held_shape(session, row), list(session.dirty) == [row]]
    session.rollback()
    shapes += [inspect(row).transient, row in session]
    return shapes


@pytest.mark.parametrize("added_first", [False, True], ids=["transient", "pending"])
def test_a_written_row_is_held_as_a_flush_holds_an_inserted_one(
        engine: Engine, clock: FixedClock, added_first: bool) -> None:
    """The same state as a row the ORM flushed: after the write, a change, a rollback
    (back to transient, out of the session) and, written again, a commit."""
    with Session(engine) as orm:
        flushed = RowMaker(Tenant).new(**{**_tenant_values(clock), "slug": "flushed"})
        orm.add(flushed)
        expected = _phases(orm, flushed, orm.flush)
    with Session(engine) as ours:
        written = RowMaker(Tenant).new(**_tenant_values(clock))
        if added_first:
            ours.add(written)

        def write() -> None:
            _insert_directly(ours, written)
            hold_written(ours, written)

        assert _phases(ours, written, write) == expected
        assert expected[-2:] == [True, False]  # the rollback made it transient
        write()
        ours.commit()
        assert inspect(written).persistent and "name" in inspect(written).expired_attributes
    with Session(engine) as again:
        assert get_tenant(again, slug="rows").name == "Changed"
        assert again.exec(select(Tenant).where(Tenant.slug == "flushed")).first() is None


@pytest.mark.parametrize("added_first", [False, True], ids=["transient", "pending"])
def test_a_written_row_missing_an_attribute_reads_it_again(
        engine: Engine, clock: FixedClock, added_first: bool) -> None:
    with Session(engine) as session:
        written = RowMaker(Tenant).new(**_tenant_values(clock))
        if added_first:
            session.add(written)
        _insert_directly(session, written)
        del written.__dict__["name"]
        hold_written(session, written)
        assert inspect(written).expired_attributes == {"name"}
        assert written.name == "Rows & Co"  # read from the row


def test_only_a_new_row_is_held_as_written(engine: Engine, clock: FixedClock) -> None:
    with Session(engine) as session, Session(engine) as other:
        read = get_tenant(session, slug="demo")
        with pytest.raises(InvalidRequestError, match="transient or pending"):
            hold_written(session, read)
        elsewhere = RowMaker(Tenant).new(**_tenant_values(clock))
        other.add(elsewhere)
        _insert_directly(session, elsewhere)
        with pytest.raises(InvalidRequestError, match="transient or pending"):
            hold_written(session, elsewhere)
        without_key = RowMaker(Tenant).new(**_tenant_values(clock))
        with pytest.raises(InvalidRequestError, match="no primary key"):
            hold_written(session, without_key)
