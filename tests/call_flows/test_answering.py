"""An incoming call and a resumed step without any provider: `call_flows.answering`,
`resuming` and `reports` driven through a `Desk` of our own, answering with actions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.call_flows import answering, reports, resuming
from receptionist.call_flows.actions import (
    Action,
    Callback,
    Converse,
    Gather,
    Hangup,
    Redirect,
    Say,
    StreamAudio,
)
from receptionist.call_flows.events import KeyPressed
from receptionist.call_flows.gatekeeper import CallerId
from receptionist.call_flows.loader import ScriptCache
from receptionist.call_flows.schema import Script
from receptionist.calls import service as calls
from receptionist.calls.events import EventKind, Reason
from receptionist.calls.models import CallEvent
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio.helpers import publish_demo

SID = "CA" + "7" * 32
VERIFIED = CallerId("passed", "TN-Validation-Passed-A")


@dataclass
class Desk:
    clock: FixedClock
    limit: int = 30
    speech: bool = False
    scripts: ScriptCache = field(default_factory=ScriptCache)
    languages: dict[str, str] = field(default_factory=dict)
    streams: bool = False  # a local voice: the stream transport can carry calls

    def now(self) -> datetime:
        return self.clock()

    def cached_script(self, tenant_id: int, version: int,
                      yaml_text: Callable[[], str]) -> Script:
        return self.scripts.get(tenant_id, version, yaml_text)

    def local_prompt(self, text: str, voice: str, language: str,
                     personal: bool) -> str | None:
        return None

    def calls_per_minute(self) -> int:
        return self.limit

    def listens(self, language: str) -> bool:
        return self.speech

    def media_stream(self, call_sid: str, now: datetime) -> tuple[str, str]:
        return "wss://example.test/stream", f"token-{call_sid}"

    def conversation(self, call_sid: str, language: str, now: datetime
                     ) -> tuple[str, str] | None:
        return ("wss://example.test/conversation", f"token-{call_sid}") if self.streams else None

    def number_speaks(self, number: str, language: str) -> None:
        self.languages[number] = language


def _incoming(to: str = DEMO_EN, sid: str = SID) -> answering.IncomingCall:
    return answering.IncomingCall(sid, "+15551230000", to, VERIFIED)


def _kinds(session: Session, sid: str = SID) -> list[str]:
    call = calls.get_call(session, call_sid=sid)
    assert call is not None
    return [e.kind for e in session.exec(select(CallEvent).where(
        CallEvent.call_id == call.id).order_by(CallEvent.id))]  # type: ignore[arg-type]


def test_an_incoming_call_starts_the_script_and_listens_when_speech_can(
        session: Session, clock: FixedClock) -> None:
    desk = Desk(clock, speech=True)
    actions = answering.answer(desk, session, _incoming())
    assert actions[0] == StreamAudio("wss://example.test/stream",
                                     (("callSid", SID), ("token", f"token-{SID}")))
    assert isinstance(actions[-1], Gather)
    assert desk.languages == {DEMO_EN: "en-US"}
    kinds = _kinds(session)
    assert kinds[:2] == [EventKind.call_started.value, EventKind.speech.value]


def test_a_stream_script_hands_its_first_actions_to_the_stream(
        session: Session, clock: FixedClock, engine: Engine) -> None:
    publish_demo(engine, DEMO_EN,
                 ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n"))
    twiml_desk = Desk(clock, speech=True)  # no local voice: the call stays on TwiML
    assert isinstance(answering.answer(twiml_desk, session, _incoming())[0], StreamAudio)
    other = "CA" + "9" * 32
    actions = answering.answer(Desk(clock, speech=True, streams=True), session,
                               _incoming(sid=other))
    converse, then = actions
    assert isinstance(converse, Converse) and then == Redirect(Callback.to("resume"))
    assert converse.url == "wss://example.test/conversation"
    assert converse.parameters == (("callSid", other), ("token", f"token-{other}"))
    # What the stream plays first: the script's own start, with no one-way fork.
    assert isinstance(converse.first[-1], Gather)
    assert not any(isinstance(a, StreamAudio) for a in converse.first)
    assert _kinds(session, other)[:2] == [EventKind.call_started.value,
                                          EventKind.speech.value]


def test_after_a_transfer_a_stream_call_goes_back_on_a_stream_for_what_follows(
        session: Session, clock: FixedClock, engine: Engine) -> None:
    publish_demo(engine, DEMO_EN,
                 ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n"))
    desk = Desk(clock, speech=True, streams=True)
    answering.answer(desk, session, _incoming())
    call = calls.get_call(session, call_sid=SID)
    assert call is not None
    call.media_stream_sid = "MZ" + "1" * 32  # the stream that carried it before
    question: list[Action] = [Say("Nobody answered.", "", "en-US"),
                              Gather(Callback.to("menu", step="m"), 5, [])]
    converse, then = resuming.back_on_stream(desk, session, SID, question)
    assert isinstance(converse, Converse) and converse.first == tuple(question)
    assert then == Redirect(Callback.to("resume")) and call.media_stream_sid is None
    # Nothing to hear or record after it (a goodbye), or no stream here: unchanged.
    goodbye: list[Action] = [Say("Goodbye.", "", "en-US"), Hangup()]
    assert resuming.back_on_stream(desk, session, SID, goodbye) == goodbye
    assert resuming.back_on_stream(Desk(clock, speech=True), session, SID,
                                   question) == question


def test_an_unknown_number_is_refused_with_words_and_a_rejected_event(
        session: Session, clock: FixedClock) -> None:
    actions = answering.answer(Desk(clock), session, _incoming(to="+15550009999"))
    assert [type(a) for a in actions] == [Say, Say, Hangup]
    assert _kinds(session) == [EventKind.rejected.value]


def test_over_the_limit_a_new_call_hears_the_lines_are_busy(
        session: Session, clock: FixedClock) -> None:
    desk = Desk(clock, limit=1)
    answering.answer(desk, session, _incoming())
    other = "CA" + "8" * 32
    actions = answering.answer(desk, session, _incoming(sid=other))
    assert [type(a) for a in actions] == [Say, Hangup]
    call = calls.get_call(session, call_sid=other)
    assert call is not None and call.status == "rejected"
    event = session.exec(select(CallEvent).where(CallEvent.call_id == call.id)).one()
    assert event.fields.reason == Reason.rate_limit and event.fields.limit == 1
    # The admitted call's own retry is never turned away.
    assert isinstance(answering.answer(desk, session, _incoming())[-1], Gather)


def test_a_stale_key_brings_the_call_back_to_its_step(
        session: Session, clock: FixedClock) -> None:
    desk = Desk(clock)
    answering.answer(desk, session, _incoming())
    call = calls.get_call(session, call_sid=SID)
    assert call is not None and call.current_step == "main_menu"
    stale = resuming.answered(desk, session, SID, resuming.StepAt("main_menu", 0),
                              KeyPressed("1", 0))
    assert stale == [Redirect(Callback.to("step", step="main_menu"))]
    assert _kinds(session)[-1] == EventKind.stale_callback.value


def test_a_callback_for_an_unknown_call_apologises(session: Session,
                                                   clock: FixedClock) -> None:
    actions = resuming.goto_step(Desk(clock), session, "CA" + "6" * 32,
                                 resuming.StepAt("main_menu", None))
    assert actions == answering.apology()


def test_a_final_status_ends_a_call_known_or_not(session: Session,
                                                 clock: FixedClock) -> None:
    reports.call_status(Desk(clock), session, reports.CallStatus(
        SID, "completed", 12, "+15551230000", DEMO_EN))
    call = calls.get_call(session, call_sid=SID)
    assert call is not None and call.status == "completed" and call.tenant_id is not None
