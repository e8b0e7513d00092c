"""The stream transport (`transport: stream`): whole calls carried by one two-way media
stream, played by our local voice, with keys as `dtmf` messages and words heard on the
same stream; `<Record>` and the end of a call handed back to Twilio; a stream that drops
resumed from the database. Judged by what ends up in the database."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Appointment
from receptionist.calls.events import EventKind
from receptionist.config import Settings
from receptionist.demo import demo_script_text
from receptionist.twilio.simulator import (
    HangUp,
    LeaveMessage,
    NoInput,
    Press,
    ScriptedCaller,
    SimulatedCall,
    Speak,
    StaySilent,
)
from tests.conftest import DEMO_EN, DEMO_FR
from tests.conftest import Speak as Synthesize
from tests.twilio.helpers import fields, kinds, messages, path, publish_demo
from tests.twilio.practice import booking_section
from tests.twilio_sim import FakeTwilioApi, TestConversations, TestTwilioSim

STREAM = ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n")
START = {DEMO_EN: STREAM, DEMO_FR: STREAM}


@pytest.fixture
def conversations(client: TestClient, sim: TestTwilioSim, twilio_api: FakeTwilioApi,
                  speak: Synthesize) -> TestConversations:
    player = TestConversations(client, twilio_api, sim.sign, speak)
    sim.conversations = player
    return player


def publish_streamed(engine: Engine, number: str, practice: bool = False) -> None:
    """The demo at `number` carried by the stream transport (without its practice unless
    `practice`: `book` then offers agenda `main`'s times at once)."""
    text = demo_script_text("demo.yaml" if number == DEMO_EN else "demo-fr.yaml")
    changes = [STREAM] if practice else [STREAM, (booking_section(text), "\n")]
    publish_demo(engine, number, *changes)


def twilio_redirects(conversations: TestConversations, call: SimulatedCall) -> list[str]:
    return conversations.api.redirects.get(call.call_sid, [])


def appointments(engine: Engine) -> list[Appointment]:
    with Session(engine) as session:
        return list(session.execute(select(Appointment).order_by(col(Appointment.id))).scalars())


def test_the_call_is_carried_by_a_two_way_stream(sim: TestTwilioSim, engine: Engine,
                                                 conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])  # our hours, then hang up
    first = call.exchanges[0].body
    assert "<Connect><Stream" in first and 'url="wss://' in first
    assert "/twilio/conversation" in first and 'name="token"' in first
    assert re.search(r"<Redirect[^>]*>[^<]*/twilio/resume</Redirect>", first)
    # Nothing else came from Twilio's side: the menu and the hours were carried out on
    # the stream, in our own voice (μ-law audio), each followed by a mark.
    assert [e.url.rsplit("/", 1)[-1] for e in call.exchanges] == ["voice", "status"]
    assert len(conversations.audio[call.call_sid]) > 8000  # over a second of our voice
    assert [m.split("-")[0] for m in conversations.marks[call.call_sid]].count("gather") == 2
    assert path(engine, call.call_sid)[:2] == ["greeting", "main_menu"]
    assert "opening_hours" in path(engine, call.call_sid)
    assert EventKind.speech in kinds(engine, call.call_sid)


def test_a_keypad_booking_over_the_stream(sim: TestTwilioSim, engine: Engine,
                                          conversations: TestConversations,
                                          settings: Settings) -> None:
    publish_streamed(engine, DEMO_EN)
    # Book, the first time, confirm; the name is a <Record>: Twilio's, so the call is
    # handed back (REST) to /twilio/resume, which carries out the rest as TwiML.
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), LeaveMessage(2)])
    [booked] = appointments(engine)
    assert booked.starts_at == datetime(2026, 11, 17, 16, tzinfo=UTC)
    assert booked.call_sid == call.call_sid and booked.name_recording_url is not None
    urls = [e.url for e in call.exchanges]
    assert any("/twilio/resume?skip=" in url for url in urls)
    resumed = next(e for e in call.exchanges if "/twilio/resume" in e.url)
    assert "<Record" in resumed.body and "<Say" not in resumed.body.split("<Record")[0]
    assert path(engine, call.call_sid)[-2:] == ["book", "goodbye"]
    # The times offered to this caller were spoken as they went: no file holds them.
    caller_prompts = settings.prompts_dir / "caller"
    assert not caller_prompts.exists() or not any(caller_prompts.iterdir())


def test_silence_times_out_on_the_stream_clock(sim: TestTwilioSim, engine: Engine,
                                              conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    # Silence at the menu and its two retries: the demo takes a message (a <Record>,
    # Twilio's).
    call = sim.call(DEMO_EN, [NoInput(), NoInput(), NoInput(), LeaveMessage(3)])
    assert len(messages(engine)) == 1
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]
    assert kinds(engine, call.call_sid).count(EventKind.no_input) == 3


def test_a_booking_by_voice_over_the_stream(sim: TestTwilioSim, engine: Engine,
                                            conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Speak("I would like to book an appointment"),
                              Speak("I'll take the first one"), Speak("yes please"),
                              StaySilent()])
    [booked] = appointments(engine)
    assert booked.starts_at == datetime(2026, 11, 17, 16, tzinfo=UTC)
    assert booked.call_sid == call.call_sid
    # Heard on the stream itself: no REST redirect for the words, only the hand-back of
    # the name's <Record> to Twilio.
    assert [url.split("?")[0].rsplit("/", 1)[-1]
            for url in twilio_redirects(conversations, call)] == ["resume"]
    assert fields(engine, call.call_sid, EventKind.choice)[0].via == "speech"


def test_a_key_during_a_prompt_stops_it(sim: TestTwilioSim, engine: Engine,
                                        conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    conversations.barge_in = True  # the caller answers before the prompt was played
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])
    assert "opening_hours" in path(engine, call.call_sid)
    assert conversations.clears[call.call_sid] == 1  # the menu's prompt, cut short


def test_french_over_the_stream(sim: TestTwilioSim, engine: Engine,
                                conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_FR)
    call = sim.call(DEMO_FR, [Press("3"), HangUp()], from_="+33612345678")
    assert "opening_hours" in path(engine, call.call_sid)
    assert len(conversations.audio[call.call_sid]) > 8000


def test_a_dropped_stream_resumes_from_the_database(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    call = SimulatedCall(sim, ScriptedCaller([]), to=DEMO_EN, from_="+15550003333")
    first = call.request(sim.public_url("/twilio/voice"))
    # The stream never opens (or its instance died): Twilio goes on after <Connect>.
    resumed = call.request(sim.public_url("/twilio/resume"))
    assert "<Gather" in resumed and "<Connect" not in resumed
    # The call is heard again on a one-way fork, with a token of its own.
    assert "<Start><Stream" in resumed and "/twilio/media" in resumed
    assert "<Connect" in first


def test_typed_calls_without_a_stream_player_go_on_over_twiml(
        sim: TestTwilioSim, engine: Engine) -> None:
    publish_streamed(engine, DEMO_EN)
    # `receptionist simulate` has no stream player: the call resumes over TwiML, typed.
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])
    assert [e.url.split("?")[0].rsplit("/", 1)[-1] for e in call.exchanges][:2] == [
        "voice", "resume"]
    assert "opening_hours" in path(engine, call.call_sid)
