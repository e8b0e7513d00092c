"""Recordings are fetched with the account's credentials, retried, and never lose the row."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.messages.models import FetchStatus
from receptionist.messages.recordings import fetch_due_recordings, retry_delay
from receptionist.runtime import Runtime
from receptionist.twilio.recording_urls import media_url
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.worker import fetch_recordings_job
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio.helpers import messages
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim


def leave_message(sim: TestTwilioSim) -> None:
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(4)])
    assert len(call.recordings) == 1


def test_fetch_stores_the_wav_under_the_recordings_dir(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    [message] = messages(engine)
    assert message.fetch_status == FetchStatus.pending
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 1
    [stored] = messages(engine)
    assert stored.fetch_status == FetchStatus.fetched
    assert stored.audio_path is not None
    audio = Path(stored.audio_path)
    assert audio.parent.parent == settings.recordings_dir
    assert audio.read_bytes()[:4] == b"RIFF"
    assert twilio_api.fetched() == [urlsplit(media_url(stored.recording_url)).path]
    # Nothing left to do.
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 0


def test_failed_fetch_is_retried_with_backoff(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    twilio_api.fail_next(2, status=503)
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 0
    [message] = messages(engine)
    assert (message.fetch_status, message.fetch_attempts) == (FetchStatus.pending, 1)
    assert "HTTP 503" in message.fetch_error
    assert message.next_fetch_at == clock.now + retry_delay(1)
    # Not due yet: nothing happens.
    assert fetch_due_recordings(settings, Database(engine), now=clock.now + timedelta(seconds=5),
                                source=TwilioRest(settings)) == 0
    clock.now += retry_delay(1)
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 0
    clock.now += retry_delay(2)
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 1
    [message] = messages(engine)
    assert (message.fetch_status, message.fetch_attempts) == (FetchStatus.fetched, 3)


def test_giving_up_keeps_the_message(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    twilio_api.fail_next(100)
    for _ in range(settings.recording_fetch_max_attempts):
        fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
        clock.now += timedelta(hours=2)
    [message] = messages(engine)
    assert message.fetch_status == FetchStatus.failed
    assert message.fetch_attempts == settings.recording_fetch_max_attempts
    assert message.recording_url.startswith(twilio_api.base_url)
    assert message.caller and message.duration_s == 4


def test_wrong_credentials_and_non_wav_answers_are_errors(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    wrong = settings.model_copy(update={"twilio_auth_token": "not-the-token"})
    fetch_due_recordings(wrong, Database(engine), now=clock.now, source=TwilioRest(wrong))
    [message] = messages(engine)
    assert "HTTP 401" in message.fetch_error
    sid = message.recording_sid
    twilio_api.recordings[sid] = b"<html>not audio</html>"
    clock.now += timedelta(hours=1)
    fetch_due_recordings(settings, Database(engine), now=clock.now, source=TwilioRest(settings))
    [message] = messages(engine)
    assert message.fetch_error == "the answer is not a WAV file"
    assert message.fetch_status == FetchStatus.pending


def test_unreachable_server_is_retried(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock) -> None:
    leave_message(sim)
    down = settings.model_copy(update={"twilio_api_base": "http://127.0.0.1:9"})
    assert fetch_due_recordings(down, Database(engine), now=clock.now, source=TwilioRest(down)) == 0
    [message] = messages(engine)
    assert message.fetch_status == FetchStatus.pending and message.fetch_error


def test_a_claimed_message_is_not_fetched_twice(
        sim: TestTwilioSim, settings: Settings, engine: Engine, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    from receptionist.messages.recordings import _claim

    database = Database(engine)
    [message] = messages(engine)
    with database.write_transaction() as session:
        assert _claim(session, message, clock.now)
    with database.write_transaction() as session:
        assert not _claim(session, message, clock.now)  # a second worker loses
    # leased:
    assert fetch_due_recordings(settings, Database(engine), now=clock.now,
                                source=TwilioRest(settings)) == 0
    assert twilio_api.fetched() == []


def test_worker_job_fetches_and_survives_errors(
        sim: TestTwilioSim, runtime: Runtime, twilio_api: FakeTwilioApi) -> None:
    leave_message(sim)
    fetch_recordings_job(runtime)
    [message] = messages(runtime.database.engine)
    assert message.fetch_status == FetchStatus.fetched
    with runtime.database.engine.connect() as conn:
        conn.exec_driver_sql("DROP TABLE messages")
        conn.commit()
    fetch_recordings_job(runtime)  # logs the database error, does not raise
