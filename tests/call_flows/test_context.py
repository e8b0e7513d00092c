"""The flow context's timeline: typed events buffered, written in one statement."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.calls.events import NO_FIELDS, EventFields, EventKind
from tests.call_flows.flow_helpers import demo_ctx
from tests.conftest import FixedClock


def test_events_are_buffered_then_written_in_one_statement(session: Session,
                                                           clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    ctx.log(EventKind.enter, "main_menu", EventFields(step_kind="menu"))
    ctx.log(EventKind.choice, "main_menu", EventFields(intent="book", via="keypad", digit="1"))
    ctx.log(EventKind.hangup, "goodbye")
    assert [(e.kind, e.step) for e in ctx.events] == [
        ("enter", "main_menu"), ("choice", "main_menu"), ("hangup", "goodbye")]
    assert not calls.call_events(session, call=ctx.call)
    inserts: list[str] = []

    def count(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("INSERT INTO CALL_EVENTS"):
            inserts.append(args[2])

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", count)
    try:
        ctx.finish()
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(inserts) == 1 and ctx.events == []
    stored = calls.call_events(session, call=ctx.call)
    assert [(e.kind, e.step, e.at) for e in stored] == [
        ("enter", "main_menu", clock()), ("choice", "main_menu", clock()),
        ("hangup", "goodbye", clock())]
    assert [e.fields for e in stored] == [
        EventFields(step_kind="menu"), EventFields(intent="book", via="keypad", digit="1"),
        NO_FIELDS]


def test_the_recording_notice_is_said_once_per_call(session: Session,
                                                    clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    ctx.script = ctx.script.model_copy(update={"recording_notice": "This call is recorded."})
    ctx.recording_notice("message")
    ctx.recording_notice("message")
    assert [e.kind for e in ctx.events] == [EventKind.recording_notice]
    ctx.finish()
    ctx.recording_notice("message")  # already in the stored timeline
    assert ctx.events == []
