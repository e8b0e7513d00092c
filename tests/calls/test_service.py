from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, Select, event, inspect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql.expression import Executable
from sqlmodel import Session, select

from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.db import WriteConflict
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock, sqlite_only


def _select(statement: Executable) -> Select[Any]:
    assert isinstance(statement, Select)
    return statement


def _call(session: Session, clock: FixedClock, sid: str = "CA" + "5" * 32) -> Call:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=sid, tenant_id=demo.id, from_number="+15550001",
                           to_number="+15005550006", script_version=1, now=clock())
    session.flush()
    return call


def _new_call(session: Session, clock: FixedClock, sid: str) -> Call:
    """A demo call made by `calls.new_call`: pending in `session`, not written yet."""
    demo = get_tenant(session, slug="demo")
    return calls.new_call(session, call_sid=sid, tenant_id=demo.id, from_number="+15550001",
                          to_number="+15005550006", script_version=1, now=clock())


def test_a_second_voice_webhook_reuses_the_call(session: Session, clock: FixedClock) -> None:
    first = _call(session, clock)
    assert _call(session, clock) is first


def test_a_call_read_is_the_row_as_the_orm_loads_it(engine: Engine, clock: FixedClock) -> None:
    """`get_call` makes the object itself: every column as `select(Call)` reads it, a
    persistent row with nothing to write, and a change to it is written like any other."""
    with Session(engine) as first:
        call = _call(first, clock)
        call.current_step, call.step_data, call.ended_at = "menu", '{"a": 1}', clock()
        first.commit()
        sid, call_id = call.call_sid, call.id
    with Session(engine) as orm, Session(engine) as ours:
        loaded = orm.execute(select(Call).where(Call.call_sid == sid)).scalar_one()
        read = calls.get_call(ours, call_sid=sid)
        assert read is not None and read.model_dump() == loaded.model_dump()
        state = inspect(read)
        assert state.persistent and not ours.dirty and not ours.new
        assert ours.get(Call, read.id) is read  # the session's row: no second read
        read.status = "completed"
        ours.commit()
    assert _stored(engine, call_id).status == "completed"


def test_a_call_added_but_not_written_is_found(session: Session, clock: FixedClock) -> None:
    """As the ORM's query would (autoflush): a second /voice in the same transaction
    never inserts the call twice."""
    call = _new_call(session, clock, "CA" + "6" * 32)
    assert calls.get_call(session, call_sid=call.call_sid) is call and call.id is not None


def test_a_call_expired_in_the_session_is_read_again(engine: Engine, session: Session,
                                                     clock: FixedClock) -> None:
    call = _call(session, clock)
    session.commit()
    with Session(engine) as other:
        changed = calls.get_call(other, call_sid=call.call_sid)
        assert changed is not None
        changed.status = "busy"
        other.commit()
    session.expire(call)
    assert calls.get_call(session, call_sid=call.call_sid) is call
    assert call.status == "busy"


def test_only_the_first_answer_claims_a_waiting_step(session: Session,
                                                     clock: FixedClock) -> None:
    call = _call(session, clock)
    call.seq = 3
    session.add(call)
    session.flush()
    assert calls.claim_step(session, call=call, seq=3) and call.seq == 4
    assert not calls.claim_step(session, call=call, seq=3)  # the late or duplicate one


def test_a_claim_and_the_calls_changes_are_one_update_on_sqlite_two_on_postgresql(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    """On PostgreSQL the claim locks the row at once (a concurrent duplicate waits there);
    SQLite's one writer read what the row holds, so the claim goes with the step."""
    call = _call(session, clock)
    session.commit()
    seq = call.seq
    with _Statements(engine) as seen:
        assert calls.claim_step(session, call=call, seq=seq)
        call.current_step = "menu"
        calls.write_call(session, call)
    updates = [s for s in seen if s.startswith("UPDATE calls")]
    if engine.dialect.name == "sqlite":
        assert len(updates) == 1 and "seq=" in updates[0]
        assert updates[0].endswith("WHERE calls.id = ? AND calls.seq = ?")
    else:
        assert len(updates) == 2
    session.commit()
    stored = _stored(engine, call.id)
    assert (stored.seq, stored.current_step) == (seq + 1, "menu")


@sqlite_only
def test_a_step_claimed_by_another_process_meanwhile_keeps_nothing(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    """The claim's guard: another writer (another process) claimed the step between this
    one's read and its write. The UPDATE changes nothing and the request is refused,
    before its commit."""
    call = _call(session, clock)
    session.commit()
    seq = call.seq
    assert calls.claim_step(session, call=call, seq=seq)
    with Session(engine) as other:
        row = other.get(Call, call.id)
        assert row is not None
        row.seq, row.current_step = seq + 1, "theirs"
        other.commit()
    call.current_step = "mine"
    with pytest.raises(WriteConflict, match="claimed by another writer"):
        calls.write_call(session, call)
    session.rollback()
    stored = _stored(engine, call.id)
    assert (stored.seq, stored.current_step) == (seq + 1, "theirs")


KEY = "k" * 64


def test_a_webhooks_stored_answer_and_its_call_are_read_by_one_statement(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _call(session, clock)
    sid, call_id, seq = call.call_sid, call.id, call.seq
    session.commit()
    session.expunge_all()
    with _Statements(engine) as seen:
        assert calls.stored_reply(session, call_sid=sid, key=KEY) is None
        read = calls.get_call(session, call_sid=sid)
        assert read is not None and (read.id, read.seq) == (call_id, seq)
    assert len(seen) == 1 and "webhook_replies" in seen[0] and "FROM (SELECT 1" in seen[0]
    assert inspect(read).persistent and not session.dirty
    with _Statements(engine) as seen:  # the read ahead serves the first get_call only
        assert calls.get_call(session, call_sid=sid) is read
    assert len(seen) == 1
    read.current_step = "menu"
    session.commit()
    assert _stored(engine, call_id).current_step == "menu"


def test_a_stored_answer_is_given_back_and_the_call_read_as_usual(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _call(session, clock)
    sid = call.call_sid
    calls.save_reply(session, key=KEY, call_sid=sid, twiml="<Response/>", now=clock())
    session.commit()
    with _Statements(engine) as seen:
        assert calls.stored_reply(session, call_sid=sid, key=KEY) == "<Response/>"
        assert calls.get_call(session, call_sid=sid) is call
    assert len(seen) == 2  # no call read ahead with a stored answer: read on its own


def test_a_call_not_seen_yet_is_none_once_then_read(session: Session, engine: Engine,
                                                    clock: FixedClock) -> None:
    sid = "CA" + "8" * 32
    with _Statements(engine) as seen:
        assert calls.stored_reply(session, call_sid=sid, key=KEY) is None
        assert calls.get_call(session, call_sid=sid) is None
    assert len(seen) == 1
    call = _call(session, clock, sid)  # written in this transaction
    assert calls.get_call(session, call_sid=sid) is call


def test_the_read_ahead_serves_only_its_call_its_transaction_and_nothing_new(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    """Read again otherwise, as the ORM's query would: another call's SID, after a
    rollback, or with a new row waiting to be written (which the query writes first,
    and finds)."""
    call = _call(session, clock)
    sid = call.call_sid
    session.commit()
    other = "CA" + "9" * 32
    calls.stored_reply(session, call_sid=sid, key=KEY)
    assert calls.get_call(session, call_sid=other) is None
    with _Statements(engine) as seen:  # taken by the first get_call, even another call's
        assert calls.get_call(session, call_sid=sid) is call
    assert len(seen) == 1
    calls.stored_reply(session, call_sid=sid, key=KEY)
    session.rollback()
    with _Statements(engine) as seen:
        assert calls.get_call(session, call_sid=sid) is call
    assert len(seen) == 1
    assert calls.stored_reply(session, call_sid=other, key=KEY) is None
    waiting = _new_call(session, clock, other)
    session.add(waiting)
    assert calls.get_call(session, call_sid=other) is waiting
    assert waiting.id is not None and not session.new


def test_statuses_end_a_call_once_and_late_ones_are_ignored(session: Session,
                                                           clock: FixedClock) -> None:
    call = _call(session, clock)
    assert calls.apply_status(session, call=call, status="completed", duration_s=42,
                              now=clock())
    assert (call.status, call.duration_s, call.ended_at) == ("completed", 42, clock())
    assert not calls.apply_status(session, call=call, status="ringing", duration_s=None,
                                  now=clock())
    assert not calls.apply_status(session, call=call, status="completed", duration_s=1,
                                  now=clock())
    assert [e.kind for e in calls.call_events(session, call=call)] == ["status",
                                                                      "status_ignored"]


def test_stored_answers_are_replayed_and_pruned(session: Session, clock: FixedClock) -> None:
    key = "a" * 64
    calls.save_reply(session, key=key, call_sid="CA1", twiml="<Response/>", now=clock())
    assert calls.stored_reply(session, call_sid="CA1", key=key) == "<Response/>"
    assert calls.stored_reply(session, call_sid="CA2", key=key) is None  # another call's
    with pytest.raises(calls.DuplicateWebhook):
        calls.save_reply(session, key=key, call_sid="CA1", twiml="<Other/>", now=clock())
    session.rollback()
    calls.save_reply(session, key=key, call_sid="CA1", twiml="<Response/>", now=clock())
    later = clock() + calls.REPLY_RETENTION + timedelta(seconds=1)
    assert calls.prune_replies(session, now=later) == 1
    assert calls.stored_reply(session, call_sid="CA1", key=key) is None


def test_calls_without_a_final_status_are_closed(session: Session, clock: FixedClock) -> None:
    call = _call(session, clock)
    assert calls.close_stale_calls(session, now=clock() + timedelta(hours=1)) == []
    stale = calls.close_stale_calls(session, now=clock() + calls.CALL_TIMEOUT
                                    + timedelta(minutes=1))
    assert stale == [call] and call.status == "timed-out"


def test_the_call_log_is_the_businesss_own(session: Session, clock: FixedClock) -> None:
    call = _call(session, clock)
    demo = get_tenant(session, slug="demo")
    other = get_tenant(session, slug="demo-fr")
    assert demo.id is not None and other.id is not None
    assert calls.list_calls(session, tenant_id=demo.id, limit=10)[0] is call
    assert calls.tenant_call(session, tenant_id=demo.id, call_sid=call.call_sid) is call
    assert calls.tenant_call(session, tenant_id=other.id, call_sid=call.call_sid) is None
    since = clock() - timedelta(minutes=1)
    assert calls.limit_reached(session, tenant_id=demo.id, since=since, limit=1)
    assert not calls.limit_reached(session, tenant_id=demo.id, since=since, limit=2)


def test_the_call_limit_counts_the_admitted_calls_of_the_minute(
        session: Session, clock: FixedClock) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    for index in range(5):
        _call(session, clock, sid=f"CA{index:032d}")
    unscripted = _call(session, clock, sid="CA" + "7" * 32)  # a status callback's row
    unscripted.script_version = None
    earlier = _call(session, clock, sid="CA" + "8" * 32)
    earlier.started_at = clock() - timedelta(minutes=2)
    session.add_all([unscripted, earlier])
    session.flush()
    since = clock() - timedelta(minutes=1)
    assert [calls.limit_reached(session, tenant_id=demo.id, since=since, limit=limit)
            for limit in (1, 4, 5, 6, 60)] == [True, True, True, False, False]
    assert calls.limit_reached(session, tenant_id=demo.id,
                               since=since - timedelta(minutes=5), limit=6)


def test_the_call_limit_reads_its_index_alone(session: Session) -> None:
    """SQLite's plan for the limit's lookup: the partial index of admitted calls, alone."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    compiled = _select(calls._LIMITTH_ADMITTED.statement).compile(
        dialect=session.get_bind().dialect)
    plan = session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}", (1, "2026-01-01 00:00:00.000000", 1, 59)).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_calls_admitted" in details, details


def test_words_since_prompt_is_the_calls_latest_event_only(session: Session,
                                                          clock: FixedClock) -> None:
    call = _call(session, clock)
    assert call.id is not None
    assert calls.words_since_prompt(session, call=call) is None
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.prompt, step="menu")
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.words_ignored,
                    step="menu", fields=EventFields(heard="on", heard_confidence=0.2))
    session.flush()
    found = calls.words_since_prompt(session, call=call)
    assert found is not None and found.fields.heard == "on"
    other = _call(session, clock, sid="CA" + "6" * 32)  # another call's words are not its
    assert other.id is not None and calls.words_since_prompt(session, call=other) is None
    calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.prompt, step="menu")
    session.flush()  # a new prompt since: those words were for the one before
    assert calls.words_since_prompt(session, call=call) is None


class _Statements:
    """The statements run on `engine` inside the block."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.seen = engine, list[str]()

    def _seen(self, *args: object) -> None:
        self.seen.append(" ".join(str(args[2]).split()))

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self.seen

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _stored(engine: Engine, call_id: int | None) -> Call:
    with Session(engine) as other:
        row = other.get(Call, call_id)
        assert row is not None
        return row


def test_a_new_call_is_written_with_one_insert_and_becomes_the_sessions_row(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _new_call(session, clock, "CA" + "7" * 32)
    call.current_step, call.seq = "welcome", 1
    with _Statements(engine) as seen:
        calls.write_call(session, call)
    assert [s.split("(")[0].strip() for s in seen] == ["INSERT INTO calls"]
    assert call.id is not None and call in session and not session.new
    # The session's row: found by its id and sid without a read, and a change is written.
    assert session.get(Call, call.id) is call
    assert calls.get_call(session, call_sid=call.call_sid) is call
    call.status = "completed"
    session.commit()
    stored = _stored(engine, call.id)
    assert (stored.current_step, stored.seq, stored.status) == ("welcome", 1, "completed")
    assert stored.started_at.replace(tzinfo=None) == clock().replace(tzinfo=None)


def test_a_new_call_rolled_back_is_new_again(session: Session, clock: FixedClock) -> None:
    """As after a flush: the INSERT undone, the call is transient (its id kept), and is
    inserted again when written again."""
    call = _new_call(session, clock, "CA" + "6" * 32)
    calls.write_call(session, call)
    session.rollback()
    assert inspect(call).transient and call not in session
    assert calls.get_call(session, call_sid=call.call_sid) is None
    calls.write_call(session, call)
    session.commit()
    assert calls.get_call(session, call_sid=call.call_sid) is call


def test_a_call_held_by_another_session_is_refused_before_any_write(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    known = _call(session, clock)  # flushed: persistent in `session`
    pending = _new_call(session, clock, "CA" + "4" * 32)
    with Session(engine) as other, _Statements(engine) as seen:
        for call in (pending, known):
            with pytest.raises(InvalidRequestError, match="held by another session"):
                calls.write_call(other, call)
    assert seen == [] and pending.id is None


def test_a_known_call_writes_only_its_changed_columns_once(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _call(session, clock)
    session.commit()
    call.current_step, call.seq = "menu", call.seq + 1
    call.from_number = "+15550001"  # the value it has: nothing to write
    with _Statements(engine) as seen:
        calls.write_call(session, call)
        calls.write_call(session, call)  # written already: nothing more
        session.flush()  # nor does a flush write it again
    assert len(seen) == 1 and seen[0].startswith("UPDATE calls SET ")
    assigned = seen[0].removeprefix("UPDATE calls SET ").split(" WHERE ")[0]
    assert [part.split("=")[0] for part in assigned.split(", ")] == ["current_step", "seq"]
    session.commit()
    stored = _stored(engine, call.id)
    assert (stored.current_step, stored.seq, stored.from_number) == ("menu", 1, "+15550001")


def test_a_written_call_rolled_back_is_read_again(session: Session, engine: Engine,
                                                  clock: FixedClock) -> None:
    call = _call(session, clock)
    session.commit()
    call.current_step = "menu"
    calls.write_call(session, call)
    session.rollback()
    assert call.current_step is None  # as stored: the write was undone, and so is the object


def test_writing_a_call_flushes_nothing_else(session: Session, engine: Engine,
                                            clock: FixedClock) -> None:
    """The call's statement runs without an autoflush: what else the flow added is
    written by the flush after it, once."""
    call = _call(session, clock)
    session.commit()
    assert call.id is not None
    session.add(CallEvent(call_id=call.id, kind="status"))
    call.current_step = "menu"
    with _Statements(engine) as seen:
        calls.write_call(session, call)
    assert [s.split()[0] for s in seen] == ["UPDATE"] and session.new


def test_an_event_added_outside_a_flow_is_inserted_at_once(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    call = _call(session, clock)
    assert call.id is not None
    with _Statements(engine) as seen:
        calls.add_event(session, call_id=call.id, at=clock(), kind=EventKind.status,
                        fields=EventFields(status="ringing"), step="menu")
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO call_events")
    row = session.exec(select(CallEvent).where(CallEvent.call_id == call.id)).one()
    assert (row.kind, row.step, row.fields.status) == ("status", "menu", "ringing")


def test_a_new_call_holds_what_the_models_constructor_would(
        session: Session, engine: Engine, clock: FixedClock) -> None:
    """`new_call` builds its object without the model's validation: every field has the
    value and default `Call(...)` gives it, and the ORM's own flush inserts it whole."""
    call = _new_call(session, clock, "CA" + "8" * 32)
    model = Call(call_sid="CA" + "8" * 32, tenant_id=call.tenant_id, from_number="+15550001",
                 to_number="+15005550006", script_version=1, started_at=clock())
    assert call.model_dump() == model.model_dump()
    assert call.model_fields_set == model.model_fields_set
    session.flush()  # the ORM's INSERT, as when a query autoflushes the pending call
    session.commit()
    stored = _stored(engine, call.id)
    assert stored.model_dump(exclude={"id", "started_at"}) == model.model_dump(
        exclude={"id", "started_at"})
