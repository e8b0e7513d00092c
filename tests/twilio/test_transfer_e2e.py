"""Transfers end to end, as Twilio runs them: the caller's <Dial>, and the leg of the
person rung, who hears the screening announcement and presses a key (or a voicemail
picks up and stays silent)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.contacts import service as contacts
from receptionist.tenants import service as tenants
from receptionist.twilio.simulator import DialOutcome, LeaveMessage, Press, Speak
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio.helpers import (
    fields,
    kinds,
    messages,
    path,
    publish_demo,
    stored_call,
)
from tests.twilio_sim import TestTwilioSim

BOTH = pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR], ids=["en", "fr"])
DESK = {DEMO_EN: "+15555550100", DEMO_FR: "+33100000000"}
KEYS = {DEMO_EN: "Press 1 to take the call, or 2 to send it to voicemail.",
        DEMO_FR: "Tapez 1 pour prendre l'appel, ou 2 pour le renvoyer vers la messagerie."}
CALLER = "+15551230001"


@BOTH
def test_the_person_rung_hears_who_and_why_then_takes_the_call(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("0"), DialOutcome("completed", seconds=80, key="1")])
    [dial] = call.dials
    assert dial.numbers == (DESK[number],) and dial.screened and dial.caller_id is None
    announcement = call.callee_heard[0].text
    business = "Demo Dental Clinic" if number == DEMO_EN else "Cabinet Démo"
    assert business in announcement and "5 5 5 1 2 3 0 0 0 1" in announcement
    assert announcement.endswith(KEYS[number])
    assert call.callee_heard[0].language == ("en-US" if number == DEMO_EN else "fr-FR")
    timeline = [k for k in kinds(engine, call.call_sid) if k.startswith("transfer")]
    assert timeline == ["transfer", "transfer_announced", "transfer_accepted",
                        "transfer_completed"]
    assert path(engine, call.call_sid)[-1] == "transfer"
    assert not messages(engine)


@BOTH
def test_declined_by_the_person_rung_the_caller_leaves_a_message(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    call = sim.call(number, [Press("0"), DialOutcome("completed", key="2"), LeaveMessage(6)])
    declined = fields(engine, call.call_sid, EventKind.transfer_failed)
    assert declined == [EventFields(reason=Reason.declined, number=DESK[number])]
    assert path(engine, call.call_sid)[-3:] == ["transfer_failed", "message", "goodbye"]
    assert len(messages(engine)) == 1
    assert call.callee_heard[-1].text.startswith(("All right", "Entendu"))


@BOTH
def test_a_voicemail_that_picks_up_never_takes_the_call(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    """The mobile's voicemail answers and says nothing useful: the announcement is said
    twice, then the leg is hung up and the caller leaves the message with us."""
    call = sim.call(number, [Press("0"), DialOutcome("completed", seconds=40, key=""),
                             LeaveMessage(7)])
    announcements = [h for h in call.callee_heard if h.text.endswith(KEYS[number])]
    assert len(announcements) == 2
    assert "transfer_unanswered" in kinds(engine, call.call_sid)
    assert "transfer_completed" not in kinds(engine, call.call_sid)
    assert path(engine, call.call_sid)[-3:] == ["transfer_failed", "message", "goodbye"]
    assert [m.duration_s for m in messages(engine)] == [7]


def test_the_announcement_says_what_the_caller_asked_and_that_it_is_urgent(
        sim: TestTwilioSim, engine: Engine, session: Session) -> None:
    demo = tenants.get_tenant(session, slug="demo")
    assert demo.id is not None
    contacts.save_contact(session, tenant_id=demo.id, number=CALLER, name="Jane Doe",
                          now=datetime(2026, 11, 1, tzinfo=UTC), by="owner@demo.test")
    session.commit()
    call = sim.call(DEMO_EN, [Speak("it's an emergency I need to talk to someone right now"),
                              DialOutcome("completed", key="1")])
    announcement = call.callee_heard[0].text
    assert announcement.startswith("Urgent. Call for Demo Dental Clinic from Jane Doe, 1 5 5 5")
    assert "They said: it's an emergency" in announcement
    assert "transfer_accepted" in kinds(engine, call.call_sid)


def test_a_ring_group_rings_each_number_in_order_for_its_seconds(
        sim: TestTwilioSim, engine: Engine) -> None:
    publish_demo(engine, DEMO_EN, ('    number: "+15555550100"\n    timeout: 15',
                              '    numbers: ["+15555550101", "+15555550102", "+15555550103"]\n'
                              '    timeout: 10\n    caller_id: business'))
    call = sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"), DialOutcome("busy"),
                              DialOutcome("completed", seconds=30, key="1")])
    assert [(d.numbers, d.timeout, d.caller_id) for d in call.dials] == [
        ((n,), 10, DEMO_EN) for n in ("+15555550101", "+15555550102", "+15555550103")]
    failed = fields(engine, call.call_sid, EventKind.transfer_failed)
    assert [f.status for f in failed] == ["no-answer", "busy"]
    completed = fields(engine, call.call_sid, EventKind.transfer_completed)
    assert completed == [EventFields(duration_s=30, number="+15555550103")]
    # One prompt "please hold" for the whole group, not one per number.
    assert call.said.count("Please hold while I connect you.") == 1


def test_after_hours_the_on_call_mobile_is_rung_and_holidays_nobody(
        sim: TestTwilioSim, engine: Engine, clock: FixedClock) -> None:
    publish_demo(engine, DEMO_FR, ('    number: "+33100000000"\n', '''    targets:
      - when: open
        numbers: ["+33100000000"]
      - when: closed
        numbers: ["+33600000001", "+33600000002"]
        ring: all_at_once
        seconds: 25
'''), ("    closed: desk_closed", "    closed: transfer"))
    clock.now = datetime(2026, 11, 17, 21, 0, tzinfo=UTC)  # 22:00 in Paris: closed
    call = sim.call(DEMO_FR, [Press("0"), DialOutcome("completed", key="1", answered_by=1)])
    [dial] = call.dials
    assert (dial.numbers, dial.timeout) == (("+33600000001", "+33600000002"), 25)
    assert fields(engine, call.call_sid, EventKind.transfer_accepted) == [
        EventFields(number="+33600000002")]


def test_a_screening_for_a_caller_who_left_ends_the_leg(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    stored = stored_call(engine, call.call_sid)
    url = f"/twilio/screen?step=transfer&seq={stored.seq}&parent={call.call_sid}"
    reply = sim.post_raw(url, {"CallSid": "CA" + "7" * 32, "To": "+15555550100"})
    assert reply.status_code == 200
    assert "already hung up" in reply.text and "<Hangup" in reply.text
    bad = sim.post_raw("/twilio/screen?step=transfer&seq=1&parent=nope",
                       {"CallSid": "CA" + "7" * 32})
    assert bad.status_code == 400 and "parent" in bad.text
