"""New ORM objects built the way SQLAlchemy builds the rows it loads, for hot paths.

`Model(...)` on a SQLModel table class runs pydantic's machinery and sets each field one by
one through SQLAlchemy's instrumentation: about 30 µs for a business, 60–80 µs for a
call or an appointment (timeit, this 2-core VM). Where a request builds one from values
the code produced itself (an incoming call, an API booking, a business kept by the token
cache), `RowMaker.new` builds the same object in 4–6 µs: the class manager's instance,
the fields' defaults, then the values, with no validation (none was done by `Model(...)`
either: SQLModel does not validate table models).

`RowReader` does the same for a row read: the row by a direct statement
(`direct_statements`), the object made as the ORM makes a loaded one, and handed to the
session as persistent. A webhook reads its call, and an incoming call the caller's
contact, so: the ORM's query and loading cost ~90 µs over the session, this ~40 (timeit,
a fresh session per read as on the call path).

`hold_written` does it for a row a direct INSERT has just written: the session holds it
as a flush leaves a row it inserted, without `session.add`'s cascade and checks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, select

from receptionist.direct_statements import Direct

M = TypeVar("M", bound=SQLModel)


class RowMaker(Generic[M]):
    """Makes new, transient `model` objects (added to a session, they are inserted)."""

    def __init__(self, model: type[M]) -> None:
        self._manager = manager_of_class(model)
        fields = model.model_fields
        self._defaults = {name: field.get_default(call_default_factory=False)
                          for name, field in fields.items()
                          if not field.is_required() and field.default_factory is None}
        self._factories: dict[str, Callable[[], Any]] = {
            name: field.default_factory  # type: ignore[misc]
            for name, field in fields.items() if field.default_factory is not None}
        self._required = frozenset(name for name, field in fields.items()
                                   if field.is_required())
        self._fields = frozenset(fields)

    def new(self, **values: Any) -> M:
        """The object `model(**values)` would be: the values as given (no coercion and
        no copy: a mutable value is shared with the caller), the fields' defaults for
        the rest (each default factory called afresh)."""
        missing, unknown = self._required - values.keys(), values.keys() - self._fields
        if missing or unknown:
            raise TypeError(f"missing fields: {', '.join(sorted(missing))}; "
                            f"unknown fields: {', '.join(sorted(unknown))}")
        made: M = self._manager.new_instance()
        attributes = made.__dict__
        attributes.update(self._defaults)
        for name, factory in self._factories.items():
            if name not in values:
                attributes[name] = factory()
        attributes.update(values)
        object.__setattr__(made, "__pydantic_fields_set__", set(values))
        return made


class RowReader(Generic[M]):
    """The first row of `model` where `where` holds (its bind parameters given to
    `first`), as `session.execute(select(model).where(where)).scalars().first()` gives
    it: the session's own object when it holds that row already, else one made from the
    row. Pending changes are flushed first, as the ORM's autoflush would."""

    def __init__(self, model: type[M], where: ColumnElement[bool]) -> None:
        table = model.__table__  # type: ignore[attr-defined]
        self.columns = tuple(table.columns)  # in the order `held` takes their values
        self._row = Direct(select(*self.columns).where(where))
        self._keys = tuple(column.key for column in table.columns)
        self._mapper = inspect(model)
        self._manager = manager_of_class(model)
        primary = [self._keys.index(column.key) for column in table.primary_key.columns]
        self._primary = tuple(primary)

    def first(self, session: Session, params: dict[str, Any]) -> M | None:
        # As the ORM's query would (unless autoflush is off, or a flush is running): a
        # row added but not written yet is found.
        session._autoflush()
        row = self._row.first(session.connection(), params)
        return None if row is None else self.held(session, row)

    def held(self, session: Session, row: Sequence[Any]) -> M:
        """The object for a row of `columns` read in `session`'s transaction by another
        statement (values as SQLAlchemy reads them): the session's own object when it
        holds that row already, else one made from the row, as `first` gives it."""
        key = self._mapper.identity_key_from_primary_key(tuple(row[i] for i in self._primary))
        known = session.identity_map.get(key)
        if known is not None:
            # What it holds. An attribute expired (by a rollback) is read again on use,
            # a second statement where the ORM's query would have filled it from this
            # row: the same values within a transaction (the call path's reads are).
            return known  # type: ignore[no-any-return]
        made: M = self._manager.new_instance()
        made.__dict__.update(zip(self._keys, row, strict=True))
        # Placed in the session as the ORM's loading places a row it reads, not by
        # `session.add`, whose cascade and checks cost about 3 % of a call's
        # instructions (callgrind, four reads a call). Nothing is pending on it: it is
        # clean until changed.
        _place(session, instance_state(made), key)
        return made


def hold_written(session: Session, made: SQLModel) -> None:
    """Make `made` the session's row as a flush leaves an object it has just inserted:
    `made` holds the row a direct statement wrote in the session's transaction (its
    primary key included). It is then persistent and clean; a rollback of the
    transaction sends it back to transient, as it would a flushed one.

    A pending object (added, not flushed) moves as the flush moves it. A transient one is
    placed as the ORM's loading places a row, not by `session.add`: on the call path
    (a new call, a recording's message) its cascade and checks cost about 2 % of a
    webhook's instructions (callgrind). Attributes it does not hold are expired (read
    again on use)."""
    state = instance_state(made)
    if state.pending and state.session_id == session.hash_key:
        session._register_persistent({state})
    else:
        if state.key is not None or state.session_id is not None:
            raise InvalidRequestError(f"{state.class_.__name__} must be transient or "
                                      "pending in this session to be held as written")
        key = state.mapper._identity_key_from_state(state)
        if None in key[1]:
            raise InvalidRequestError(f"{state.class_.__name__} has no primary key")
        state._commit_all(state.dict)
        _place(session, state, key)
        if session._transaction is not None:
            session._transaction._new[state] = True  # as a flush registers it
    missing = state.manager.keys() - state.dict.keys()
    if missing:  # a server default, say: read on use, as after a flush
        state._expire_attributes(state.dict, missing)


def _place(session: Session, state: Any, key: Any) -> None:
    """Put `state` in `session` under `key` as `loading._instance` does for a row it
    reads (its identity, its session, the identity map)."""
    state.key = key
    state.identity_token = key[2]
    state.session_id = session.hash_key
    session.identity_map._add_unpresent(state, key)
