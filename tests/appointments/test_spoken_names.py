"""Callers' spoken names at booking, transcribed offline from real synthesized audio."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from receptionist.appointments.models import Appointment, NameStatus
from receptionist.appointments.spoken_names import MAX_ATTEMPTS, spoken_name, transcribe_names_due
from receptionist.runtime import Runtime
from receptionist.speech.audio import to_wav
from receptionist.twilio.simulator import LeaveMessage, Press
from tests.conftest import DEMO_EN, FixedClock, Speak
from tests.twilio_sim import FakeTwilioApi, TestTwilioSim


def _booking_with_a_spoken_name(sim: TestTwilioSim, api: FakeTwilioApi, speak: Speak,
                                text: str) -> None:
    call = sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                       LeaveMessage(2)])
    samples, rate = speak(text)
    api.recordings[call.recordings[0][0]] = to_wav(samples, rate)


def _appointment(engine: Engine) -> Appointment:
    with Session(engine) as session:
        return session.exec(select(Appointment).order_by(col(Appointment.id))).one()


def test_the_name_is_transcribed_once_and_kept_playable(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, engine: Engine,
        runtime: Runtime) -> None:
    _booking_with_a_spoken_name(sim, twilio_api, speak, "good morning")
    assert _appointment(engine).name_status == NameStatus.pending
    assert transcribe_names_due(runtime) == 1
    booked = _appointment(engine)
    assert (booked.caller_name, booked.name_status) == ("Good Morning", NameStatus.done)
    assert booked.name_recording_url is not None
    assert transcribe_names_due(runtime) == 0  # done once


def test_a_typed_name_is_never_overwritten(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, engine: Engine,
        runtime: Runtime) -> None:
    _booking_with_a_spoken_name(sim, twilio_api, speak, "good morning")
    with Session(engine) as session:
        booked = session.exec(select(Appointment)).one()
        booked.caller_name = "Ada Lovelace"
        session.add(booked)
        session.commit()
    transcribe_names_due(runtime)
    assert _appointment(engine).caller_name == "Ada Lovelace"


def test_a_recording_that_cannot_be_fetched_is_retried_then_given_up(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, engine: Engine, runtime: Runtime,
        clock: FixedClock) -> None:
    sim.call(DEMO_EN, [Press("1"), Press("1"), Press("1"), Press("1"), Press("1"),
                       LeaveMessage(2)])
    twilio_api.recordings.clear()  # Twilio answers 404
    for _ in range(MAX_ATTEMPTS):
        assert transcribe_names_due(runtime) == 0
        clock.now += timedelta(days=2)
    booked = _appointment(engine)
    assert (booked.name_status, booked.caller_name) == (NameStatus.failed, "")


def test_spoken_name_is_tidy() -> None:
    assert spoken_name("  jane   doe ") == "Jane Doe"
    assert len(spoken_name("a " * 200)) <= 80


def test_erasing_the_caller_removes_the_spoken_name_and_its_audio(
        sim: TestTwilioSim, twilio_api: FakeTwilioApi, speak: Speak, engine: Engine,
        runtime: Runtime, session: Session, clock: FixedClock) -> None:
    from receptionist.privacy.service import request_erasure
    from receptionist.tenants.service import get_tenant
    from receptionist.worker import erasure_job

    _booking_with_a_spoken_name(sim, twilio_api, speak, "good morning")
    transcribe_names_due(runtime)
    booked = _appointment(engine)
    audio = runtime.settings.recordings_dir / str(booked.tenant_id) / f"name-{booked.id}.wav"
    assert audio.exists()
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    request_erasure(session, tenant_id=demo.id, phone=booked.caller_number,
                    requested_by="owner", now=clock())
    session.commit()
    erasure_job(runtime)
    erased = _appointment(engine)
    assert not audio.exists()
    assert (erased.caller_name, erased.name_recording_url, erased.caller_number) == (
        "", None, "")
