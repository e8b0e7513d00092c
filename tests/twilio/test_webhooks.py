"""The webhook handlers as plain functions (no HTTP): one transaction each, answers stored
and replayed, stale callbacks, a flow that cannot go on."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from sqlmodel import Session, select

from receptionist.calls import service as calls
from receptionist.db import Database, WriteConflict
from receptionist.runtime import Runtime
from receptionist.tenants.models import Tenant, TenantNumber
from receptionist.twilio import parameters, webhooks
from receptionist.twilio.forms import MenuForm, StepQuery, VoiceForm, parse
from tests.conftest import DEMO_EN, FixedClock

SID = "CA" + "9" * 32


def _voice(runtime: Runtime, to: str = DEMO_EN) -> str:
    pairs = [("CallSid", SID), ("AccountSid", "AC" + "1" * 32), ("From", "+15551230000"),
             ("To", to), ("CallStatus", "ringing"), ("Direction", "inbound"),
             ("StirVerstat", "TN-Validation-Passed-A")]
    form = parse(VoiceForm, dict(pairs))
    key = parameters.replay_key(call_sid=SID, path_and_query="/twilio/voice")
    return webhooks.answered_once(runtime, key=key, call_sid=SID,
                                  handle=lambda s: webhooks.incoming_call(runtime, s, form))


def _verbs(twiml: str) -> list[str]:
    return [child.tag for child in ElementTree.fromstring(twiml)]


def test_a_retried_webhook_gets_the_same_answer_and_changes_nothing(
        runtime: Runtime, session: Session) -> None:
    first = _voice(runtime)
    assert "Gather" in _verbs(first) or "Record" in _verbs(first)
    assert _voice(runtime) == first
    call = calls.get_call(session, call_sid=SID)
    assert call is not None and call.seq == 1  # the step was rendered once


def test_an_unknown_number_is_told_so_in_both_languages(runtime: Runtime) -> None:
    root = ElementTree.fromstring(_voice(runtime, to="+15550009999"))
    assert [(c.tag, c.get("language")) for c in root] == [
        ("Say", "en-US"), ("Say", "fr-FR"), ("Hangup", None)]


def _menu(runtime: Runtime, session: Session, query: StepQuery, digits: str) -> str:
    form = parse(MenuForm, {"CallSid": SID, "AccountSid": "AC" + "1" * 32, "Digits": digits})
    return webhooks.menu_input(runtime, session, form, query)


def test_a_late_callback_brings_the_call_back_to_where_it_is(
        runtime: Runtime, session: Session, clock: FixedClock) -> None:
    _voice(runtime)
    call = calls.get_call(session, call_sid=SID)
    assert call is not None and call.current_step is not None
    stale = _menu(runtime, session, StepQuery(step=call.current_step, seq=0), "1")
    root = ElementTree.fromstring(stale)
    assert [c.tag for c in root] == ["Redirect"]
    assert (root[0].text or "").endswith(f"/twilio/step?step={call.current_step}")


def test_a_callback_for_a_step_of_another_kind_apologises(
        runtime: Runtime, session: Session) -> None:
    _voice(runtime)
    call = calls.get_call(session, call_sid=SID)
    assert call is not None
    session.refresh(call)
    # A keypad answer sent to a step that never waits for keys (a forged or corrupt URL).
    twiml = _menu(runtime, session, StepQuery(step="greeting", seq=call.seq), "1")
    assert _verbs(twiml) == ["Say", "Hangup"]


def test_what_a_caller_said_reaches_the_menu_clipped_and_safe(
        runtime: Runtime, session: Session) -> None:
    _voice(runtime)
    call = calls.get_call(session, call_sid=SID)
    assert call is not None and call.current_step == "main_menu"
    form = parse(MenuForm, {"CallSid": SID, "Digits": "",
                            "SpeechResult": "<b>🙂</b> " + "help " * 3000})
    assert form.speech is not None and len(form.speech) == 1000
    answer = webhooks.menu_input(runtime, session, form,
                                 StepQuery(step="main_menu", seq=call.seq))
    assert "<b>" not in answer  # the caller's words are never echoed as markup
    assert _verbs(answer)  # a valid TwiML answer (asked again, or routed)
    query = parse(StepQuery, {"step": "main_menu", "said": "x" * 5000, "confirm": "book"})
    assert query.said is not None and len(query.said) == 1000


def _answered_elsewhere_first(runtime: Runtime, key: str) -> Callable[[Session], str]:
    """A handler during which another instance answers the same webhook and commits
    first; ours then meets a unique constraint (here: a number already taken)."""

    def handle(session: Session) -> str:
        with Database(runtime.database.engine).write_transaction() as other:
            calls.save_reply(other, key=key, call_sid=SID, twiml="<Response>first</Response>",
                             now=runtime.clock())
        demo = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        assert demo.id is not None
        session.add(TenantNumber(number=DEMO_EN, tenant_id=demo.id))
        session.flush()
        return "<Response>ours</Response>"
    return handle


def test_a_conflicting_replay_gets_the_answer_stored_first(runtime: Runtime) -> None:
    key = parameters.replay_key(call_sid=SID, path_and_query="/twilio/voice")
    answer = webhooks.answered_once(runtime, key=key, call_sid=SID,
                                    handle=_answered_elsewhere_first(runtime, key))
    assert answer == "<Response>first</Response>"


def test_a_conflict_with_no_stored_answer_is_an_error(runtime: Runtime) -> None:
    def handle(session: Session) -> str:
        demo = session.exec(select(Tenant).where(Tenant.slug == "demo")).one()
        assert demo.id is not None
        session.add(TenantNumber(number=DEMO_EN, tenant_id=demo.id))
        session.flush()
        return "<Response>ours</Response>"

    key = parameters.replay_key(call_sid=SID, path_and_query="/twilio/voice")
    with pytest.raises(WriteConflict):
        webhooks.answered_once(runtime, key=key, call_sid=SID, handle=handle)
    with runtime.database.session() as session:
        assert calls.stored_reply(session, call_sid=SID, key=key) is None  # rolled back
