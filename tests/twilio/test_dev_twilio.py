"""The dev stand-in for Twilio's REST API: only in dev mode, only the simulator's
recordings by their SID, only with the account's credentials; and a call simulated with
words at the message prompt ends, through the worker's real path (the recording fetched
over HTTP from the stand-in, transcribed, judged), with a transcribed message."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.config import DEV_ACCOUNT_SID, DEV_AUTH_TOKEN, Settings
from receptionist.main import create_app
from receptionist.messages.models import FetchStatus, Message, TranscriptStatus
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.messages.transcripts import transcribe_due
from receptionist.runtime import Runtime
from receptionist.twilio import rest, simulated_recordings
from receptionist.twilio.simulator import (
    LeaveMessage,
    Press,
    Recording,
    ScriptedCaller,
    SimulatedCall,
    TwilioSim,
)
from receptionist.understanding.urgency import sounds_urgent
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock

SID = "RE" + "a" * 32
AUTH = (DEV_ACCOUNT_SID, DEV_AUTH_TOKEN)
RECORDING = f"/2010-04-01/Accounts/{DEV_ACCOUNT_SID}/Recordings/{SID}.wav"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _dev_settings(settings: Settings, port: int = 8000) -> Settings:
    """The test settings as `make run` has them: dev mode, no Twilio account, no
    TWILIO_API_BASE (so the app stands in for Twilio's REST API)."""
    return Settings(receptionist_env="dev", database_url=settings.database_url,
                    public_base_url=f"http://127.0.0.1:{port}",
                    recordings_dir=settings.recordings_dir, prompts_dir=settings.prompts_dir,
                    spool_dir=settings.spool_dir, vosk_model_dir=settings.vosk_model_dir,
                    speech_max_behind_s=0, secret_key="test-secret-key-0123456789abcdef")


@contextmanager
def _app(settings: Settings, engine: Engine, clock: FixedClock) -> Iterator[Runtime]:
    rt = rest.plug(Runtime(settings=settings, engine=engine, clock=clock))
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture
def dev(settings: Settings) -> Settings:
    return _dev_settings(settings)


@pytest.fixture
def dev_client(dev: Settings, engine: Engine, clock: FixedClock) -> Iterator[TestClient]:
    with _app(dev, engine, clock) as rt:
        yield TestClient(create_app(dev, runtime=rt))


def _paths(client: TestClient) -> list[str]:
    """Every route's path, also inside included routers."""
    def flat(routes: list[Any]) -> list[str]:
        found: list[str] = []
        for route in routes:
            included = getattr(route, "original_router", None)
            found.extend(flat(included.routes) if included is not None
                         else [getattr(route, "path", "")])
        return found
    return flat(client.app.routes)  # type: ignore[attr-defined]


def test_the_stand_in_exists_only_in_dev_mode(client: TestClient, dev_client: TestClient,
                                              dev: Settings) -> None:
    simulated_recordings.keep(simulated_recordings.folder(dev), SID,
                              simulated_recordings.quiet(1))
    # Production (the `client` fixture): no such paths, whatever the credentials.
    assert client.get(RECORDING, auth=AUTH).status_code == 404
    assert client.post(RECORDING.replace(f"Recordings/{SID}.wav", "Messages.json"),
                       data={"To": "+15551230001", "From": DEMO_EN, "Body": "hi"},
                       auth=AUTH).status_code in (404, 405)
    assert not [p for p in _paths(client) if p.startswith("/2010-04-01/")]
    assert {"/2010-04-01/Accounts/{account_sid}/Recordings/{recording_sid}.wav",
            "/2010-04-01/Accounts/{account_sid}/Messages.json"} <= set(_paths(dev_client))
    served = dev_client.get(RECORDING, auth=AUTH)
    assert served.status_code == 200 and served.content.startswith(b"RIFF")
    assert served.headers["content-type"] == "audio/x-wav"


def test_the_stand_in_wants_the_account_and_its_credentials(dev_client: TestClient,
                                                            dev: Settings) -> None:
    simulated_recordings.keep(simulated_recordings.folder(dev), SID,
                              simulated_recordings.quiet(1))
    assert dev_client.get(RECORDING).status_code == 401
    assert dev_client.get(RECORDING, auth=(DEV_ACCOUNT_SID, "wrong")).status_code == 401
    assert dev_client.get(RECORDING, headers={"Authorization": "Basic !!!"}
                          ).status_code == 401
    other = RECORDING.replace(DEV_ACCOUNT_SID, "AC" + "9" * 32)
    assert dev_client.get(other, auth=AUTH).status_code == 404


def test_only_the_simulators_recordings_by_their_sid(dev_client: TestClient, dev: Settings,
                                                     tmp_path: Path) -> None:
    folder = simulated_recordings.folder(dev)
    simulated_recordings.keep(folder, SID, simulated_recordings.quiet(1))
    secret = tmp_path / "secret.wav"
    secret.write_bytes(b"RIFF....WAVEnot yours")
    linked = "RE" + "b" * 32
    (folder / f"{linked}.wav").symlink_to(secret)
    base = f"/2010-04-01/Accounts/{DEV_ACCOUNT_SID}/Recordings/"
    for name in (linked, "RE" + "c" * 32, "..%2F..%2Fsecret", "%2E%2E%2Fsecret", "secret",
                 "RE" + "A" * 32, SID + "%00", "RE" + "a" * 31):
        answer = dev_client.get(base + name + ".wav", auth=AUTH)
        assert answer.status_code in (400, 404), name
        assert b"not yours" not in answer.content
    assert dev_client.get(f"/2010-04-01/Accounts/{DEV_ACCOUNT_SID}/../../../etc/passwd",
                          auth=AUTH).status_code == 404
    with pytest.raises(simulated_recordings.NotARecordingSid):
        simulated_recordings.keep(folder, "../escape", b"x")


def test_text_messages_are_accepted_and_not_sent(dev_client: TestClient) -> None:
    path = f"/2010-04-01/Accounts/{DEV_ACCOUNT_SID}/Messages.json"
    form = {"To": "+15551230001", "From": DEMO_EN, "Body": "See you Tuesday"}
    assert dev_client.post(path, data=form).status_code == 401
    answer = dev_client.post(path, data=form, auth=AUTH)
    assert answer.status_code == 201 and answer.json()["sid"].startswith("SM")


def test_the_rest_client_sends_text_to_the_stand_in(dev: Settings, dev_client: TestClient
                                                    ) -> None:
    client = rest.TwilioRest(dev)
    client._http = dev_client  # type: ignore[assignment]  # the app in-process
    dev_client.auth = AUTH
    assert client.send_sms(to="+15551230001", sender=DEMO_EN, body="hello").startswith("SM")


def test_spoken_words_are_a_phone_recording_in_the_callers_language() -> None:
    for language in ("en-US", "fr-FR"):
        wav = simulated_recordings.spoken("Bonjour, je voudrais un rendez-vous", language)
        samples, rate = simulated_recordings.phone_samples(wav)
        assert rate == 8000 and samples.size > rate  # more than a second of speech
        assert 2 <= simulated_recordings.seconds_of(wav) <= 6


@contextmanager
def _serving(app: Any, port: int) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving")
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize(("number", "words", "expected"), [
    (DEMO_EN, "Hello, this is Maria Lopez. Please call me back about my appointment.",
     "maria"),
])
def test_words_said_at_the_message_prompt_end_as_a_transcribed_message(
        settings: Settings, engine: Engine, clock: FixedClock, number: str, words: str,
        expected: str) -> None:
    port = _free_port()
    dev = _dev_settings(settings, port)
    assert dev.twilio_api_base == dev.public_base_url  # nothing set: the app stands in
    with _app(dev, engine, clock) as rt, _serving(create_app(dev, runtime=rt), port), \
            httpx.Client(base_url=dev.public_base_url, timeout=60) as http:
        sim = TwilioSim(http=http, public_base=dev.public_base_url,
                        auth_token=dev.twilio_auth_token, account_sid=dev.twilio_account_sid,
                        recordings_base=dev.twilio_api_base,
                        recordings=simulated_recordings.folder(dev))
        call = SimulatedCall(sim, ScriptedCaller([Press("2"), LeaveMessage(words=words)]),
                             to=number, from_="+15551230001",
                             language="fr-FR" if number == DEMO_FR else "en-US").run()
        assert len(call.recordings) == 1
        # The worker's path: fetched over HTTP from the stand-in, then transcribed.
        assert fetch_due_recordings(dev, rt.database, now=clock(), source=rt.telephony) == 1
        assert transcribe_due(rt, urgency=sounds_urgent) == 1
    with Session(engine) as session:
        message = session.exec(select(Message)).one()
    assert message.fetch_status == FetchStatus.fetched
    assert message.transcript_status == TranscriptStatus.done
    assert expected in (message.transcript or "").lower()
    assert message.duration_s == call.recordings[0][1] >= 3
    assert os.path.isfile(message.audio_path or "")


def test_simulate_takes_words_at_the_beep(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    from receptionist.cli import terminal_call

    answers = iter(["say: this is Tom, please call me", "7", "h", ""])
    monkeypatch.setattr(typer, "prompt", lambda *a, **k: next(answers))
    caller = terminal_call.TerminalCaller()
    said = caller.record([])
    assert said is not None and said.words == "this is Tom, please call me"
    assert caller.record([]) == Recording(7)
    assert caller.record([]) is None
