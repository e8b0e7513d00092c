"""Retention and erasure remove exactly what they should: the caller's recordings, messages,
calls and notifications; their upcoming appointments are cancelled and anonymised; other
callers' and other businesses' data stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from receptionist.appointments import booking as appointments
from receptionist.appointments.models import Appointment, AppointmentStatus, SlotClaim
from receptionist.calls.models import Call, CallEvent
from receptionist.cli import app
from receptionist.config import Settings
from receptionist.db import Database
from receptionist.messages.models import Message
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.outbox.models import OutboxItem
from receptionist.privacy.models import ErasureRequest
from receptionist.privacy.service import request_erasure
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.worker import erasure_job, retention_job
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.test_cli import cli_env, runner  # noqa: F401 - the fixture
from tests.twilio_sim import TestTwilioSim

ADA, BOB = "+15551112222", "+15553334444"


def count(session: Session, model: type, *where: object) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model).where(*where)).one()  # type: ignore[arg-type]


def leave_message(sim: TestTwilioSim, to: str, caller: str) -> None:
    sim.call(to, [Press("2"), LeaveMessage(3)], from_=caller)


def audio_files(settings: Settings) -> set[Path]:
    return set(settings.recordings_dir.rglob("*.wav"))


def test_erasure_of_one_caller(sim: TestTwilioSim, runtime: Runtime, session: Session,
                               settings: Settings, engine: Engine, clock: FixedClock) -> None:
    for caller in (ADA, BOB):
        leave_message(sim, DEMO_EN, caller)
    leave_message(sim, DEMO_FR, ADA)  # the same person, another business: not erased here
    assert fetch_due_recordings(settings, Database(engine), now=clock(),
                                source=TwilioRest(settings)) == 3
    past = appointments.book(session, agenda=main_agenda(session), starts_at=NOON,
                             now=clock(), caller_number=ADA, caller_name="Ada")
    ada_booking = appointments.book(session, agenda=main_agenda(session),
                                    starts_at=NOON + timedelta(hours=2), now=clock(),
                                    caller_number=ADA, caller_name="Ada")
    bob_booking = appointments.book(session, agenda=main_agenda(session),
                                    starts_at=NOON + timedelta(hours=1), now=clock(),
                                    caller_number=BOB, caller_name="Bob")
    session.commit()
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    files_before = audio_files(settings)
    assert len(files_before) == 3
    assert count(session, OutboxItem, OutboxItem.recipient == ADA) >= 2  # booking SMS

    request = request_erasure(session, tenant_id=demo.id, phone=ADA, requested_by="owner",
                              now=clock())
    session.commit()
    clock.now = past.ends_at + timedelta(minutes=1)  # the first one is now in the past
    erasure_job(runtime)

    assert count(session, Message, Message.caller == ADA, Message.tenant_id == demo.id) == 0
    assert count(session, Call, Call.from_number == ADA, Call.tenant_id == demo.id) == 0
    assert count(session, Message, Message.caller == BOB) == 1
    assert count(session, Message, Message.caller == ADA) == 1  # at demo-fr
    assert len(audio_files(settings)) == 2 and audio_files(settings) < files_before
    assert count(session, OutboxItem, OutboxItem.recipient == ADA) == 0
    assert count(session, Appointment, Appointment.caller_number == ADA) == 0
    assert count(session, Appointment, col(Appointment.caller_name) == "Ada") == 0
    session.expire_all()
    ours = session.get(Appointment, ada_booking.id)
    assert ours is not None and ours.status == AppointmentStatus.cancelled
    was = session.get(Appointment, past.id)  # history: kept, without who it was
    assert was is not None and was.status == "booked" and was.caller_name == ""
    kept = session.get(Appointment, bob_booking.id)
    assert kept is not None and kept.caller_number == BOB and kept.status == "booked"
    assert count(session, SlotClaim, SlotClaim.appointment_id == ada_booking.id) == 0
    done = session.get(ErasureRequest, request.id)
    assert done is not None and done.done_at is not None
    assert ADA not in done.phone and done.phone.endswith("22")
    assert done.result.startswith("1 message(s), 1 call(s), 1 appointment(s) cancelled, "
                                  "2 anonymised")
    erasure_job(runtime)  # nothing pending: nothing more happens
    assert count(session, Message) == 2


def test_retention_deletes_old_messages_and_calls(
        sim: TestTwilioSim, runtime: Runtime, session: Session, settings: Settings,
        engine: Engine, clock: FixedClock) -> None:
    leave_message(sim, DEMO_EN, ADA)
    leave_message(sim, DEMO_FR, ADA)
    assert fetch_due_recordings(settings, Database(engine), now=clock(),
                                source=TwilioRest(settings)) == 2
    clock.now += timedelta(days=20)
    leave_message(sim, DEMO_EN, BOB)
    assert fetch_due_recordings(settings, Database(engine), now=clock(),
                                source=TwilioRest(settings)) == 1
    demo = get_tenant(session, slug="demo")
    retention_job(runtime)  # no retention set: nothing goes
    assert count(session, Message) == 3
    demo.retention_days = 30
    session.add(demo)
    session.commit()
    clock.now += timedelta(days=15)  # Ada's call is 35 days old, Bob's 15
    retention_job(runtime)
    assert count(session, Message, Message.tenant_id == demo.id) == 1
    assert count(session, Message, Message.caller == BOB) == 1
    assert count(session, Call, Call.tenant_id == demo.id) == 1
    assert count(session, CallEvent, col(CallEvent.call_id).not_in(
        select(Call.id))) == 0  # no orphaned timelines
    assert count(session, Message, Message.caller == ADA) == 1  # demo-fr keeps forever
    assert len(audio_files(settings)) == 2


@pytest.mark.usefixtures("cli_env")
def test_cli_sets_retention_and_erases(sim: TestTwilioSim, session: Session) -> None:
    leave_message(sim, DEMO_EN, ADA)
    shown = runner.invoke(app, ["privacy", "retention", "--tenant", "demo"])
    assert shown.exit_code == 0 and "kept until deleted" in shown.output
    assert "kept 90 days" in runner.invoke(
        app, ["privacy", "retention", "--tenant", "demo", "--days", "90"]).output
    assert get_tenant(session, slug="demo").retention_days == 90
    bad = runner.invoke(app, ["privacy", "erase", "--tenant", "demo", "--phone", "555-1234"])
    assert bad.exit_code == 2 and "international form" in bad.output
    done = runner.invoke(app, ["privacy", "erase", "--tenant", "demo", "--phone",
                               "+1 (555) 111-2222", "--now"])
    assert done.exit_code == 0 and "erased: 1 message(s), 1 call(s)" in done.output
    assert count(session, Message, Message.caller == ADA) == 0
