"""The timeline's typed events: kinds, fields, their JSON column and the queries on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text
from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.calls.events import (
    NO_FIELDS,
    EventFields,
    EventKind,
    Ranked,
    Reason,
    SlotOffered,
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
