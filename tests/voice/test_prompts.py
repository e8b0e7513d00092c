"""Local-voice prompts: rendered offline by espeak-ng, cached, served for <Play>."""

from __future__ import annotations

import struct
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.call_flows.publishing import create_tenant
from receptionist.demo import demo_script_text
from receptionist.runtime import Runtime
from receptionist.speech.audio import ulaw_decode
from receptionist.speech.engines import whisper_models
from receptionist.speech.engines.whisper_engine import WhisperRecognizer
from receptionist.speech.recognizer import recognize
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.voice.prompts import PromptCache, ulaw_wav
from tests.twilio_sim import TestTwilioSim

SECRET = "test-secret-key-0123456789abcdef"


def parse_ulaw_wav(data: bytes) -> bytes:
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[20:36])
    assert (tag, channels, rate, bits) == (7, 1, 8000, 8)
    size = struct.unpack("<I", data[data.index(b"data") + 4:data.index(b"data") + 8])[0]
    start = data.index(b"data") + 8
    return data[start:start + size]


def test_ulaw_wav_layout() -> None:
    assert parse_ulaw_wav(ulaw_wav(b"\xff\x7f\x00")) == b"\xff\x7f\x00"


def test_rendered_prompt_is_real_speech(tmp_path: Path) -> None:
    cache = PromptCache(tmp_path, secret_key=SECRET)
    text = "Please hold while I connect you"
    path = cache.render(text, "local", "en-US")
    assert path == cache.path(cache.key(text, "local", "en-US"))
    audio = ulaw_decode(parse_ulaw_wav(path.read_bytes()))
    tiny = whisper_models.found(tmp_path)["whisper-tiny-en"]
    heard = recognize(WhisperRecognizer({"whisper-tiny-en": tiny}), audio, 8000,
                      language="en-US", phrases=None)
    assert heard.transcript.endswith("while I connect you")


def test_prompts_are_rendered_once_in_the_background(tmp_path: Path) -> None:
    cache = PromptCache(tmp_path, secret_key=SECRET)
    assert cache.ready("Bonjour", "local", "fr-FR") is None  # queued, not rendered yet
    cache.wait_idle()
    name = cache.ready("Bonjour", "local", "fr-FR")
    key = cache.key("Bonjour", "local", "fr-FR")
    assert name is not None and name.startswith(key + "_")
    mtime = cache.path(key).stat().st_mtime_ns
    assert cache.ready("Bonjour", "local", "fr-FR") == name
    cache.wait_idle()
    assert cache.path(key).stat().st_mtime_ns == mtime
    assert cache.key("Bonjour", "local:fr-fr+f3", "fr-FR") != key  # voice is in the key


def test_a_local_voice_tenant_plays_rendered_prompts(
        sim: TestTwilioSim, engine: Engine, runtime: Runtime, client: TestClient) -> None:
    script = demo_script_text("demo-fr.yaml").replace("language: fr-FR",
                                                      "language: fr-FR\nvoice: local")
    with Session(engine) as session:
        create_tenant(session, slug="local", numbers=["+33100000055"], yaml_text=script)
        session.commit()
    first = sim.call("+33100000055", [Press("2"), LeaveMessage(3)])
    assert {h.verb for h in first.heard} == {"Say"}  # not rendered yet: Twilio's voice
    runtime.prompts.wait_idle()
    second = sim.call("+33100000055", [Press("2"), LeaveMessage(3)])
    assert {h.verb for h in second.heard} == {"Play"}
    for heard in second.heard:
        assert heard.text.startswith("https://receptionist.example.com/twilio/prompts/")
        response = client.get(heard.text.removeprefix("https://receptionist.example.com"))
        assert response.status_code == 200
        assert response.headers["content-type"] == "audio/wav"
        assert len(parse_ulaw_wav(response.content)) > 800
    assert client.get("/twilio/prompts/" + "0" * 32 + ".wav").status_code == 404
    assert client.get("/twilio/prompts/../../etc/passwd.wav").status_code == 404
