"""The timeline's typed events: kinds, fields, their JSON column and the queries on it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.calls.events import (
    NO_FIELDS,
    EventFields,
    EventKind,
    FieldsJSON,
    Ranked,
    Reason,
    SlotOffered,
    entered,
    fields_text,
    load_fields,
)
from receptionist.calls.models import Call
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def _call(session: Session, clock: FixedClock, sid: str = "CA" + "6" * 32) -> Call:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=sid, tenant_id=demo.id, from_number="+15550001",
                           to_number="+15005550006", script_version=1, now=clock())
    session.flush()
    return call


def test_kinds_are_the_strings_stored() -> None:
    """Rows and SQL filters compare the stored text: a kind's name is its value."""
    assert all(kind.name == kind.value for kind in EventKind)
    assert EventKind.choice == "choice" and "choice" in {EventKind.choice}
    assert all(reason.name == reason.value for reason in Reason)


def test_only_the_fields_set_are_stored_and_read_back_typed() -> None:
    paris = timezone(timedelta(hours=1))
    fields = EventFields(
        intent="book", via="speech", heard="a cleaning, it's urgent", band="route",
        confidence=0.91, alternatives=(Ranked(intent="book", probability=0.91),),
        offered=(SlotOffered(at=datetime(2026, 3, 2, 10, tzinfo=paris), agenda="martin"),))
    stored = fields.dump()
    assert set(stored) == {"intent", "via", "heard", "band", "confidence", "alternatives",
                           "offered"}
    assert stored["offered"] == [{"at": "2026-03-02T10:00:00+01:00", "agenda": "martin"}]
    assert load_fields(stored) == fields
    assert NO_FIELDS.dump() == {} and load_fields({}) is NO_FIELDS


# Any value a field may hold, as callers set them: text (accents, quotes, control
# characters, emoji), numbers, flags, enum values, slots and alternatives.
_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "intent": st.text(), "via": st.sampled_from(["keypad", "speech", "confirmed"]),
    "digit": st.text(alphabet="0123456789*#", max_size=4), "heard": st.text(),
    "band": st.sampled_from(["route", "confirm", "reprompt"]),
    "confidence": st.floats(0, 1), "attempt": st.integers(-5, 10**12),
    "step_kind": st.text(max_size=20), "screened": st.booleans(),
    "reason": st.sampled_from(list(Reason)), "numbers": st.tuples(st.text(max_size=8)),
    "alternatives": st.tuples(st.builds(Ranked, intent=st.text(max_size=8),
                                        probability=st.floats(0, 1))),
    "at": st.datetimes(timezones=st.just(UTC)), "note": st.text(),
}


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(sorted(_VALUES)), st.none(), max_size=6).flatmap(
    lambda chosen: st.fixed_dictionaries(
        {name: st.one_of(st.none(), _VALUES[name]) for name in chosen})))
def test_the_json_text_on_sqlite_is_what_sqlalchemy_writes(values: dict[str, Any]) -> None:
    """The column's text made directly (`fields_text`) equals SQLAlchemy's: the model's
    dump through `json.dumps`, the same keys in the same order."""
    fields = EventFields(**values)
    write = FieldsJSON().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
    assert write is fields_text
    assert fields_text(fields) == json.dumps(fields.dump())
    assert fields_text(None) == json.dumps({}) and fields_text(NO_FIELDS) == "{}"


def test_fields_made_without_validation_are_written_as_the_dump_writes_them() -> None:
    """A copy with an update, or a model constructed without validation: the values
    `dump` reads (every field not None, nothing else), written as it writes them."""
    unchecked = [EventFields(intent="a").model_copy(update={"bogus": 1}),
                 EventFields(attempt=2).model_copy(update={"attempt": True}),
                 EventFields.model_construct(_fields_set=set(), intent="x"),
                 EventFields.model_construct(step_kind=Reason.goodbye, seq=3)]
    for fields in unchecked:
        assert fields_text(fields) == json.dumps(fields.dump()), fields


def test_a_step_kinds_entry_fields_are_shared() -> None:
    assert entered("menu") is entered("menu") == EventFields(step_kind="menu")
    assert entered("say") != entered("menu")


def test_a_stored_value_that_does_not_fit_is_kept_as_a_note() -> None:
    assert load_fields({"via": "telepathy"}) == EventFields(note="{'via': 'telepathy'}")
    assert load_fields({"intent": "book", "later_field": 1}) == EventFields(intent="book")


def test_fields_go_through_the_json_column(session: Session, clock: FixedClock) -> None:
    call = _call(session, clock)
    assert call.id is not None
    at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.booked,
                    step="book", fields=EventFields(appointment=7, at=at, type="cleaning"))
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.hangup)
    session.flush()
    session.expire_all()
    booked, hangup = calls.call_events(session, call=call)
    assert (booked.kind, booked.step) == ("booked", "book")
    assert booked.fields == EventFields(appointment=7, at=at, type="cleaning")
    assert hangup.fields == NO_FIELDS
    raw = session.execute(text("SELECT kind, fields FROM call_events WHERE call_id = :id "
                               "ORDER BY id"), {"id": call.id}).all()
    assert [kind for kind, _ in raw] == ["booked", "hangup"]
    assert calls.has_event(session, call=call, kind=EventKind.hangup)
    assert not calls.has_event(session, call=call, kind=EventKind.choice)


def test_the_dashboard_reads_each_choice_intent_from_the_json(session: Session,
                                                              clock: FixedClock) -> None:
    call = _call(session, clock)
    assert call.id is not None and call.tenant_id is not None
    for fields in (EventFields(intent="book", via="keypad", digit="1"),
                   EventFields(intent="location", via="speech"), EventFields(note="old text")):
        calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.choice,
                        fields=fields)
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.confirm_asked,
                    fields=EventFields(intent="message"))
    session.flush()
    since = clock() - timedelta(days=1)
    assert sorted(calls.choice_intents(session, tenant_id=call.tenant_id, since=since)) == [
        "book", "location"]
    assert calls.choice_intents(session, tenant_id=call.tenant_id,
                                since=clock() + timedelta(days=1)) == []
