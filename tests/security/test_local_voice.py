"""Finding 1: the local voice must never let a prompt's text reach espeak-ng as options.

The attack: an operator sets `voice: local` and a spoken text of `-f /some/file`; with the
text on espeak-ng's command line, the file was read aloud and served without login at
/twilio/prompts/<hash>.wav. Every spoken field of every step kind gets option-looking
texts here; each prompt must be the literal words (seconds of speech, not the file)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.call_flows.publishing import create_tenant
from receptionist.runtime import Runtime
from receptionist.speech.audio import ulaw_decode
from receptionist.twilio.simulator import DialOutcome, LeaveMessage, Press
from receptionist.voice.prompts import PromptCache
from tests.twilio_sim import TestTwilioSim
from tests.voice.test_prompts import parse_ulaw_wav

NUMBER = "+15550000101"
# Read aloud, this would last minutes: a literal rendering of a short text lasts seconds.
SECRET = "TWILIO_AUTH_TOKEN=" + " ".join(["confidential"] * 300) + "\n"


def _seconds(wav: bytes) -> float:
    return len(ulaw_decode(parse_ulaw_wav(wav))) / 8000


def _attacks(secret: Path, written: Path) -> list[str]:
    return [f"-f {secret}", f"-f{secret}", f"-w {written}", "--stdout", "-m", f"-- -f {secret}",
            f"--path={secret.parent} -f {secret.name}"]


def _no_subprocess(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a prompt was rendered by running {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)


def test_option_looking_texts_are_spoken_as_words(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    secret, written = tmp_path / "secret.env", tmp_path / "written.wav"
    secret.write_text(SECRET)
    cache = PromptCache(tmp_path / "prompts", secret_key="test-secret-key-0123456789abcdef")
    _no_subprocess(monkeypatch)
    for text in _attacks(secret, written):
        for voice, language in (("local", "en-US"), ("local:fr-fr+f3", "fr-FR"),
                                ("local:pico:fr-FR", "fr-FR")):
            seconds = _seconds(cache.render(text, voice, language).read_bytes())
            assert 0.3 < seconds < 15, (text, voice, seconds)
    assert not written.exists()
    monkeypatch.undo()
    whole_file = _seconds(cache.render(SECRET, "local:pico:en-US", "en-US").read_bytes())
    assert whole_file > 60  # what reading the file would have sounded like


def _script(texts: list[str]) -> str:
    say, prompt, reprompt, transfer, message, thanks, bye = (repr(t) for t in texts)
    return f"""
business: Voice test
timezone: America/New_York
language: en-US
voice: local
hours: {{mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"],
         thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"],
         sun: ["00:00-24:00"]}}
start: greeting
steps:
  greeting: {{kind: say, text: {say}, next: menu}}
  menu:
    kind: menu
    prompt: {prompt}
    reprompt: {reprompt}
    no_match: bye
    choices:
      - {{intent: transfer, digit: "1", goto: person}}
      - {{intent: message, digit: "2", goto: message}}
  person: {{kind: transfer, number: "+15550009999", prompt: {transfer}, fallback: message}}
  message: {{kind: message, prompt: {message}, thanks: {thanks}, next: bye}}
  bye: {{kind: hangup, text: {bye}}}
"""


def test_every_spoken_field_of_a_call_is_literal(
        tmp_path: Path, sim: TestTwilioSim, engine: Engine, runtime: Runtime,
        client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    secret, written = tmp_path / "secret.env", tmp_path / "written.wav"
    secret.write_text(SECRET)
    texts = _attacks(secret, written)
    with Session(engine) as session:
        create_tenant(session, slug="voice", numbers=[NUMBER], yaml_text=_script(texts))
        session.commit()
    _no_subprocess(monkeypatch)
    for _ in range(2):  # the first call queues the renderings, the second plays them
        sim.call(NUMBER, [Press("7"), Press("1"), DialOutcome("no-answer"), LeaveMessage(3)])
        runtime.prompts.wait_idle()
    assert not written.exists()
    for text in texts:
        name = runtime.prompts.ready(text, "local", "en-US")
        response = client.get(f"/twilio/prompts/{name}.wav")
        assert response.status_code == 200, text
        assert 0.3 < _seconds(response.content) < 15, text
