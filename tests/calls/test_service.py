from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def _call(session: Session, clock: FixedClock, sid: str = "CA" + "5" * 32) -> Call:
    demo = get_tenant(session, slug="demo")
    call = calls.open_call(session, call_sid=sid, tenant_id=demo.id, from_number="+15550001",
                           to_number="+15005550006", script_version=1, now=clock())
    session.flush()
    return call


def test_a_second_voice_webhook_reuses_the_call(session: Session, clock: FixedClock) -> None:
    first = _call(session, clock)
    assert _call(session, clock) is first


def test_only_the_first_answer_claims_a_waiting_step(session: Session,
                                                     clock: FixedClock) -> None:
    call = _call(session, clock)
    call.seq = 3
    session.add(call)
    session.flush()
    assert calls.claim_step(session, call=call, seq=3) and call.seq == 4
    assert not calls.claim_step(session, call=call, seq=3)  # the late or duplicate one


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
    assert calls.stored_reply(session, key=key) == "<Response/>"
    with pytest.raises(calls.DuplicateWebhook):
        calls.save_reply(session, key=key, call_sid="CA1", twiml="<Other/>", now=clock())
    session.rollback()
    calls.save_reply(session, key=key, call_sid="CA1", twiml="<Response/>", now=clock())
    later = clock() + calls.REPLY_RETENTION + timedelta(seconds=1)
    assert calls.prune_replies(session, now=later) == 1
    assert calls.stored_reply(session, key=key) is None


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
    assert calls.admitted_since(session, tenant_id=demo.id,
                                since=clock() - timedelta(minutes=1)) == 1


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
