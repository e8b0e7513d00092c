from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, text
from sqlmodel import Session, select

from receptionist.calls import service as calls
from receptionist.calls.events import EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.messages import service as messages
from receptionist.messages.models import Message
from receptionist.tenants.service import get_tenant
from tests.conftest import ON_POSTGRES, FixedClock


def _message(session: Session, clock: FixedClock, n: int, caller: str,
             transcript: str = "") -> None:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=f"CA{n:032d}", tenant_id=demo.id,
                           from_number=caller, to_number="+15005550006", script_version=1,
                           now=clock())
    session.flush()
    stored = messages.store_recording(
        session, call=call, info=messages.RecordingInfo(sid=f"RE{n:032d}", url="u",
                                                        duration_s=5),
        now=clock() + timedelta(minutes=n))
    assert stored is not None
    stored.transcript = transcript
    session.add(stored)
    session.flush()


def test_the_inbox_filters_by_status_words_and_dates(session: Session,
                                                    clock: FixedClock) -> None:
    _message(session, clock, 1, "+15550000001", "please call me back about the invoice")
    _message(session, clock, 2, "+15550000002", "the boiler is leaking")
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    newest_first = messages.inbox(session, tenant_id=demo.id, limit=10)
    assert [m.caller for m in newest_first] == ["+15550000002", "+15550000001"]
    assert [m.caller for m in messages.inbox(session, tenant_id=demo.id, text="BOILER",
                                             limit=10)] == ["+15550000002"]
    assert [m.caller for m in messages.inbox(session, tenant_id=demo.id, text="0001",
                                             limit=10)] == ["+15550000001"]
    newest_first[0].handled = True
    session.add(newest_first[0])
    session.flush()
    assert len(messages.inbox(session, tenant_id=demo.id, limit=10)) == 1
    assert len(messages.inbox(session, tenant_id=demo.id, status="handled", limit=10)) == 1
    assert len(messages.inbox(session, tenant_id=demo.id, status="all", limit=10)) == 2
    assert messages.inbox(session, tenant_id=demo.id, status="all",
                          start=clock() + timedelta(minutes=2), limit=10) == [newest_first[0]]
    assert messages.count_unhandled(session, tenant_id=demo.id) == 1
    with_sids = messages.list_messages(session, tenant_id=demo.id, limit=1)
    assert [sid for _, sid in with_sids] == [f"CA{2:032d}"]


def _call(session: Session, clock: FixedClock, n: int) -> Call:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=f"CA{n:032d}", tenant_id=demo.id,
                           from_number="+15550000009", to_number="+15005550006",
                           script_version=1, now=clock())
    session.flush()
    return call


def _events(session: Session, call: Call, kind: EventKind) -> int:
    return len(session.exec(select(CallEvent).where(CallEvent.call_id == call.id,
                                                    CallEvent.kind == kind.value)).all())


def test_a_new_recording_is_one_statement_and_a_message_of_the_session(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _call(session, clock, 41)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        stored = messages.store_recording(
            session, call=call, now=clock(),
            info=messages.RecordingInfo(sid="RE" + "1" * 32, url="u", duration_s=7))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # The message's INSERT and its timeline event's: no lookup, no savepoint.
    assert [" ".join(s.split()[:3]) for s in statements] == [
        "INSERT INTO messages", "INSERT INTO call_events"]
    assert stored is not None and stored.id is not None
    assert (stored.caller, stored.duration_s, stored.call_id) == ("+15550000009", 7, call.id)
    # The object is the session's row: a change to it is written like any other.
    stored.handled = True
    session.flush()
    session.expire_all()
    again = session.get(Message, stored.id)
    assert again is not None and again.handled and again.recording_url == "u"
    assert _events(session, call, EventKind.message_recorded) == 1


def test_the_same_recording_again_is_the_same_message_with_its_length_kept(
        session: Session, clock: FixedClock) -> None:
    call = _call(session, clock, 42)
    sid = "RE" + "2" * 32
    first = messages.store_recording(session, call=call, now=clock(),
                                     info=messages.RecordingInfo(sid, "u", None))
    session.flush()
    again = messages.store_recording(session, call=call, now=clock(),
                                     info=messages.RecordingInfo(sid, "u", 12))
    assert first is not None and again is not None and again.id == first.id
    session.flush()
    assert len(session.exec(select(Message).where(Message.recording_sid == sid)).all()) == 1
    assert again.duration_s == 12
    assert _events(session, call, EventKind.message_recorded) == 1


def test_a_recording_reported_absent_is_no_message(session: Session,
                                                   clock: FixedClock) -> None:
    call = _call(session, clock, 43)
    sid = "RE" + "3" * 32
    assert messages.store_recording(session, call=call, now=clock(),
                                    info=messages.RecordingInfo(sid, "u", 0)) is None
    session.flush()
    # Its late callback with a length (Twilio said it was silent first) makes nothing.
    assert messages.store_recording(session, call=call, now=clock(),
                                    info=messages.RecordingInfo(sid, "u", 4)) is None
    session.flush()
    assert session.exec(select(Message).where(Message.recording_sid == sid)).first() is None
    assert _events(session, call, EventKind.message_absent) == 1
    # Another recording of the same call is a message.
    other = messages.store_recording(session, call=call, now=clock(),
                                     info=messages.RecordingInfo("RE" + "4" * 32, "u", 4))
    assert other is not None


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers: SQLite has one at a time")
def test_two_callbacks_at_once_store_one_message(engine: Engine, clock: FixedClock) -> None:
    """The status callback and the action both carry the recording, at the same moment:
    the second insert waits on the first's row (the unique SID), then makes nothing and
    returns the first's message."""
    sid = "RE" + "5" * 32
    with Session(engine, expire_on_commit=False) as setup:
        call = _call(setup, clock, 45)
        setup.commit()
    info = messages.RecordingInfo(sid, "u", 9)
    first = Session(engine, expire_on_commit=False)
    mine = messages.store_recording(first, call=call, info=info, now=clock())
    assert mine is not None
    theirs: list[Message | None] = []

    def other_callback() -> None:
        with Session(engine, expire_on_commit=False) as second:
            theirs.append(messages.store_recording(second, call=call, info=info, now=clock()))
            second.commit()

    worker = threading.Thread(target=other_callback)
    worker.start()
    with engine.connect() as watch:  # wait until it waits on the first one's row
        for _ in range(2400):  # up to 2 minutes on a busy machine
            waiting = watch.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()")).scalar_one()
            if waiting or not worker.is_alive():
                break
            watch.rollback()
            threading.Event().wait(0.05)
    assert waiting == 1
    first.commit()
    first.close()
    worker.join(timeout=120)
    assert theirs and theirs[0] is not None and theirs[0].id == mine.id
    with Session(engine) as check:
        assert len(check.exec(select(Message).where(Message.recording_sid == sid)).all()) == 1
