"""The stream transport (`transport: stream`): whole calls carried by one two-way media
stream, played by our local voice, with keys as `dtmf` messages and words heard on the
same stream; messages and names recorded from the stream by this server (nothing at
Twilio); the end of a call handed back to Twilio; a stream that drops resumed from the
database. Judged by what ends up in the database."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Appointment
from receptionist.calls.events import EventKind
from receptionist.config import Settings
from receptionist.demo import demo_script_text
from receptionist.messages.models import FetchStatus
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.runtime import Runtime
from receptionist.speech.audio import read_wav
from receptionist.twilio.simulator import (
    DialOutcome,
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
from tests.twilio_sim import TestConversations, TestTwilioSim

STREAM = ("\nstart: greeting\n", "\ntransport: stream\nstart: greeting\n")
START = {DEMO_EN: STREAM, DEMO_FR: STREAM}


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
                                          settings: Settings, runtime: Runtime) -> None:
    publish_streamed(engine, DEMO_EN)
    # Book, the first time, confirm, say the name after the beep and press #: the name
    # is recorded from the stream by this server, not by Twilio.
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"),
                              LeaveMessage(2, words="Jane Doe")])
    [booked] = appointments(engine)
    assert booked.starts_at == datetime(2026, 11, 17, 16, tzinfo=UTC)
    assert booked.call_sid == call.call_sid and booked.name_recording_url is not None
    assert booked.name_recording_url.startswith(settings.public_base_url)
    assert not any("<Record" in e.body for e in call.exchanges)
    assert "record-3-" in " ".join(conversations.marks[call.call_sid])
    # The worker reads it like Twilio's: a WAV of the caller's words, trimmed.
    samples, rate = read_wav(runtime.telephony.download_recording(booked.name_recording_url))
    assert rate == 8000 and 0.5 < len(samples) / rate < 3.0
    assert path(engine, call.call_sid)[-2:] == ["book", "goodbye"]
    # The times offered to this caller were spoken as they went: no file holds them.
    caller_prompts = settings.prompts_dir / "caller"
    assert not caller_prompts.exists() or not any(caller_prompts.iterdir())


def test_silence_times_out_on_the_stream_clock(sim: TestTwilioSim, engine: Engine,
                                              conversations: TestConversations,
                                              settings: Settings, runtime: Runtime) -> None:
    publish_streamed(engine, DEMO_EN)
    # Silence at the menu and its two retries: the demo takes a message, recorded on the
    # stream; the call never goes back to Twilio before its goodbye.
    call = sim.call(DEMO_EN, [NoInput(), NoInput(), NoInput(), LeaveMessage(3)])
    [message] = messages(engine)
    assert path(engine, call.call_sid)[-2:] == ["message", "goodbye"]
    assert kinds(engine, call.call_sid).count(EventKind.no_input) == 3
    assert message.recording_url.startswith(settings.public_base_url)
    assert 2 <= message.duration_s <= 6
    assert not any("<Record" in e.body for e in call.exchanges)
    # The worker takes it in as it does Twilio's recordings.
    assert fetch_due_recordings(settings, runtime.database, now=runtime.clock(),
                                source=runtime.telephony) == 1
    [fetched] = messages(engine)
    assert fetched.fetch_status == FetchStatus.fetched
    assert Path(fetched.audio_path or "").read_bytes().startswith(b"RIFF")


def test_a_message_ended_by_hanging_up_is_kept(sim: TestTwilioSim, engine: Engine,
                                               conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    # The caller asks for the message option, speaks, and hangs up instead of pressing #.
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(3, hang_up=True)])
    [message] = messages(engine)
    assert message.call_id is not None and message.duration_s >= 2
    assert "message" in path(engine, call.call_sid)


def test_silence_after_the_beep_is_no_message(sim: TestTwilioSim, engine: Engine,
                                              conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    # Nothing but a quiet line after the beep: no recording, as with Twilio (the call
    # goes on with the next verb: "no message was recorded").
    call = sim.call(DEMO_EN, [Press("2"), StaySilent(), HangUp()])
    assert messages(engine) == []
    assert EventKind.message_absent in kinds(engine, call.call_sid)


def test_a_booking_by_voice_over_the_stream(sim: TestTwilioSim, engine: Engine,
                                            conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Speak("I would like to book an appointment"),
                              Speak("I'll take the first one"), Speak("yes please"),
                              StaySilent()])
    [booked] = appointments(engine)
    assert booked.starts_at == datetime(2026, 11, 17, 16, tzinfo=UTC)
    assert booked.call_sid == call.call_sid
    # Heard on the stream itself: no REST redirect for the words; the name (silence
    # here: none) is the stream's too; only the goodbye's hang-up goes back to Twilio.
    assert [url.split("?")[0].rsplit("/", 1)[-1]
            for url in twilio_redirects(conversations, call)] == ["resume"]
    assert not any("<Record" in e.body for e in call.exchanges)
    assert fields(engine, call.call_sid, EventKind.choice)[0].via == "speech"


def test_a_caller_speaking_longer_than_the_timeout_is_heard_out(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations,
        speak: Synthesize) -> None:
    publish_streamed(engine, DEMO_EN)
    words = ("Good morning, I have been a patient of yours for many years now, and I "
             "would like to book an appointment with you, please")
    samples, rate = speak(words)
    assert len(samples) / rate > 6  # longer than the menu's timeout
    call = sim.call(DEMO_EN, [Speak(words), HangUp()])
    # Not cut off by the <Gather>'s 6 seconds: the time runs from the end of speech.
    assert EventKind.no_input not in kinds(engine, call.call_sid)
    assert "book" in path(engine, call.call_sid)


def test_a_key_during_a_prompt_stops_it(sim: TestTwilioSim, engine: Engine,
                                        conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    conversations.barge_in = True  # the caller answers before the prompt was played
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])
    assert "opening_hours" in path(engine, call.call_sid)
    assert conversations.clears[call.call_sid] == 1  # the menu's prompt, cut short


def test_the_callers_voice_over_a_prompt_stops_it_before_the_words_are_recognised(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    conversations.barge_in = True  # the caller talks while the menu's prompt plays
    call = sim.call(DEMO_EN, [Speak("What are your opening hours?"), HangUp()])
    assert "opening_hours" in path(engine, call.call_sid)
    # One `clear`: at the start of their voice (the words' answer then needs none).
    assert conversations.clears[call.call_sid] == 1


def test_a_backchannel_over_a_prompt_pauses_it_and_it_goes_on_from_where_it_was(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations) -> None:
    publish_streamed(engine, DEMO_EN)
    conversations.backchannel = "yeah"  # over the menu's second sentence, as it starts
    call = sim.call(DEMO_EN, [Press("3"), HangUp()])
    assert conversations.clears[call.call_sid] == 1
    # The prompt went on, read as answering nothing once the caller was quiet, not
    # answered: then the caller's key was taken as usual.
    gathers = [m for m in conversations.marks[call.call_sid] if m.startswith("gather-")]
    assert len(gathers) == 3  # the menu's, again after the pause, the hours' menu
    assert path(engine, call.call_sid)[:3] == ["greeting", "main_menu", "opening_hours"]
    # From where it was cut in its second sentence: some of that sentence, not all of
    # it again, then the sentences after it as they were.
    pieces, cut = conversations.pieces[call.call_sid], conversations.cleared_piece[call.call_sid]
    prompt = pieces[:cut]  # the greeting and menu's sentences, then their gather mark (0)
    again = pieces[cut:pieces.index(0, cut) + 1]
    assert len(again) == len(prompt) - 1  # the sentences from the one cut
    assert 0 < again[0] < prompt[1] and again[1:] == prompt[2:]


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


def test_erasing_the_caller_removes_a_name_recorded_on_the_stream(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations,
        runtime: Runtime, session: Session) -> None:
    from receptionist.messages.recordings import stream_recording_path
    from receptionist.privacy.service import request_erasure
    from receptionist.tenants.service import get_tenant
    from receptionist.worker import erasure_job

    publish_streamed(engine, DEMO_EN)
    sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), LeaveMessage(2, words="Jane Doe")])
    [booked] = appointments(engine)
    audio = stream_recording_path(runtime.settings, booked.name_recording_url or "")
    assert audio is not None and audio.exists()
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    request_erasure(session, tenant_id=demo.id, phone=booked.caller_number,
                    requested_by="owner", now=runtime.clock())
    session.commit()
    erasure_job(runtime)
    assert not audio.exists()
    assert appointments(engine)[0].name_recording_url is None


def test_after_an_unanswered_transfer_the_message_is_recorded_on_a_new_stream(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations,
        settings: Settings) -> None:
    publish_streamed(engine, DEMO_EN)
    call = sim.call(DEMO_EN, [Press("0"), DialOutcome("no-answer"), LeaveMessage(3)])
    assert path(engine, call.call_sid)[-3:] == ["transfer_failed", "message", "goodbye"]
    [message] = messages(engine)
    # Twilio carried the <Dial> only: the call came back on a stream of its own, where
    # the message was recorded by this server.
    assert message.recording_url.startswith(settings.public_base_url)
    assert not any("<Record" in e.body for e in call.exchanges)
    dialed = next(e for e in call.exchanges if "/twilio/dialed" in e.url)
    assert "<Connect><Stream" in dialed.body
    assert sum("<Dial" in e.body for e in call.exchanges) == 1


def test_a_message_the_database_could_not_take_is_spooled_not_lost(
        sim: TestTwilioSim, engine: Engine, conversations: TestConversations,
        settings: Settings, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from receptionist.db import Database
    from receptionist.twilio import callbacks, spool

    publish_streamed(engine, DEMO_EN)
    answer = callbacks.in_process

    def failing(rt: Runtime, url: str, form: Mapping[str, str]) -> str | None:
        if "/twilio/recorded" in url:
            raise RuntimeError("the database went away")
        return answer(rt, url, form)

    monkeypatch.setattr(callbacks, "in_process", failing)
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(3), LeaveMessage(3)])
    # The recording was spooled with our own URL, and the call handed back to Twilio.
    [spooled] = spool.pending(settings.spool_dir)
    assert call.call_sid in spooled.read_text() and settings.public_base_url in spooled.read_text()
    assert any("/twilio/resume" in url for url in twilio_redirects(conversations, call))
    monkeypatch.setattr(callbacks, "in_process", answer)
    assert spool.import_spool(Database(engine), settings.spool_dir, now=runtime.clock()) == 1
    stored = [m for m in messages(engine) if m.recording_url.startswith(settings.public_base_url)]
    assert len(stored) == 1
    assert fetch_due_recordings(settings, runtime.database, now=runtime.clock(),
                                source=runtime.telephony) >= 1
