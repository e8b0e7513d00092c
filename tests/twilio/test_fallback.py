"""The fallback flow: with the database unreachable, the caller still hears a sensible
sentence and can leave a message; its reference waits on disk and becomes a normal message
(downloaded, summarised to the owner) once the database is back. Nothing lost, nothing
twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from receptionist import main
from receptionist.calls.models import Call
from receptionist.config import Settings
from receptionist.db import Database, make_engine
from receptionist.messages.models import Message
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.notifications.models import NotificationChannel
from receptionist.outbox.models import OutboxItem
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio import spool
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press, StaySilent
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio_sim import TestTwilioSim
from tests.waiting import wait_until

CALLER = "+15551112222"


@pytest.fixture
def database_down(runtime: Runtime, tmp_path: Path) -> Iterator[None]:
    """The app's database is unreachable (a file it cannot open), then comes back."""
    healthy = runtime.database.engine
    broken = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")
    runtime.database.engine = broken
    try:
        yield
    finally:
        runtime.database.engine = healthy
        broken.dispose()


def count(engine: Engine, model: type, *where: object) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[arg-type]


def test_fallback_url_takes_a_message_in_both_languages(sim: TestTwilioSim,
                                                        settings: Settings) -> None:
    """Twilio's "primary handler fails" URL: no database needed, signature still checked."""
    call = sim.call(DEMO_EN, [LeaveMessage(4)], from_=CALLER, voice_path="/twilio/fallback")
    assert "leave your name, number and message" in call.said
    assert "Laissez votre nom" in call.said  # the language is unknown here: both
    assert "your message has been recorded" in call.said
    files = spool.pending(settings.spool_dir)
    assert len(files) == 1
    item = spool.SpooledMessage.load(files[0])
    assert (item.from_number, item.to_number, item.duration_s) == (CALLER, DEMO_EN, 4)
    assert sim.post_raw("/twilio/fallback", {"CallSid": "CA" + "1" * 32, "To": DEMO_EN},
                        signed=False).status_code == 403


def test_a_silent_caller_at_the_fallback_is_told_so(sim: TestTwilioSim,
                                                     settings: Settings) -> None:
    call = sim.call(DEMO_EN, [StaySilent()], from_=CALLER, voice_path="/twilio/fallback")
    assert "We did not hear a message" in call.said
    assert "Nous n'avons pas entendu de message" in call.said
    assert spool.pending(settings.spool_dir) == []
    # The same at the recording callback, with a zero-length recording.
    for lang, words in (("en", "We did not hear"), ("fr", "Nous n'avons pas entendu")):
        answer = sim.post_raw(f"/twilio/fallback/recorded?lang={lang}", {
            "CallSid": "CA" + "2" * 32, "RecordingSid": "RE" + "2" * 32,
            "RecordingUrl": "https://api.twilio.com/r", "RecordingDuration": "0"})
        assert answer.status_code == 200 and words in answer.text
        assert ("Nous" in answer.text) == (lang == "fr")


def test_database_down_mid_call_then_back(
        sim: TestTwilioSim, runtime: Runtime, engine: Engine, settings: Settings,
        clock: FixedClock, database_down: None, request: pytest.FixtureRequest) -> None:
    # A first call while everything works: the app learns the number's language.
    runtime.database.engine = engine
    sim.call(DEMO_FR, [Press("2"), LeaveMessage(3)], from_="+33611111111")
    runtime.database.engine = make_engine("sqlite:////nonexistent/dir/x.db")
    call = sim.call(DEMO_FR, [LeaveMessage(5)], from_=CALLER)
    assert "Laissez votre nom" in call.said and "Sorry" not in call.said
    assert "votre message a bien été enregistré" in call.said
    runtime.database.engine.dispose()
    assert len(spool.pending(settings.spool_dir)) == 1

    runtime.database.engine = engine  # the database is back
    with Session(engine) as session:
        fr = get_tenant(session, slug="demo-fr")
        assert fr.id is not None
        session.add(NotificationChannel(tenant_id=fr.id, channel="webhook",
                                        target="https://owner.example/hook",
                                        events="call_summary", secret="s" * 32))
        session.commit()
    assert spool.import_spool(Database(engine), settings.spool_dir, now=clock()) == 1
    assert spool.pending(settings.spool_dir) == []
    assert count(engine, Message, Message.caller == CALLER) == 1
    assert count(engine, Call, Call.call_sid == call.call_sid) == 1
    assert count(engine, OutboxItem, OutboxItem.kind == "call_summary") == 1
    # the audio, from Twilio:
    assert fetch_due_recordings(settings, Database(engine), now=clock(),
                                source=TwilioRest(settings)) == 1
    # Imported twice (a crash before the file was deleted): still one message.
    spool.spool(settings.spool_dir, spool.SpooledMessage(
        call_sid=call.call_sid, from_number=CALLER, to_number=DEMO_FR,
        recording_sid=call.recordings[0][0], recording_url="https://api.twilio.com/x",
        duration_s=5, received_at=clock().isoformat()))
    assert spool.import_spool(Database(engine), settings.spool_dir, now=clock()) == 1
    assert count(engine, Message, Message.caller == CALLER) == 1
    assert count(engine, OutboxItem, OutboxItem.kind == "call_summary") == 1


def test_a_message_recorded_as_the_database_fails_is_kept(
        sim: TestTwilioSim, runtime: Runtime, engine: Engine, settings: Settings,
        clock: FixedClock) -> None:
    """The database fails exactly when the caller's recording arrives: it is spooled from
    that very request; the caller is thanked, not asked to record again."""
    real = runtime.database.engine
    calls = {"n": 0}

    def flaky_post(path: str) -> None:
        if path.startswith("/twilio/recorded"):
            calls["n"] += 1
            runtime.database.engine = make_engine("sqlite:////nonexistent/dir/x.db")

    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(3)], from_=CALLER,
                    before_post=flaky_post)
    runtime.database.engine = real
    assert calls["n"] == 1
    assert "your message has been recorded" in call.said
    assert spool.import_spool(Database(engine), settings.spool_dir, now=clock()) == 1
    assert count(engine, Message, Message.caller == CALLER) == 1


def test_web_instance_drains_its_spool_when_the_database_is_back(
        runtime: Runtime, engine: Engine, settings: Settings, clock: FixedClock) -> None:
    for digit, number in (("7", DEMO_EN), ("8", "+19999999999")):
        spool.spool(settings.spool_dir, spool.SpooledMessage(
            call_sid="CA" + digit * 32, from_number=CALLER, to_number=number,
            recording_sid="RE" + digit * 32, recording_url="https://api.twilio.com/r",
            duration_s=3, received_at=clock().isoformat()))
    runtime.settings = settings.model_copy(update={"spool_drain_seconds": 0.05})
    with TestClient(main.create_app(settings, runtime=runtime)):
        wait_until(lambda: not spool.pending(settings.spool_dir),
                   "the web instance to drain its spool")
    assert count(engine, Message, Message.caller == CALLER) == 1
    # A number that routes nowhere is set aside for a human, not retried forever or lost.
    assert (settings.spool_dir / "unroutable" / f"RE{'8' * 32}.json").is_file()
