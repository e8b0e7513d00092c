from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, func, select

from receptionist.calls.models import WebhookReply
from receptionist.calls.service import REPLY_RETENTION
from receptionist.runtime import Runtime
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.worker import add_jobs, job, prune_replies_job
from tests.conftest import DEMO_EN, FixedClock
from tests.twilio_sim import TestTwilioSim


def reply_count(rt: Runtime) -> int:
    with Session(rt.database.engine) as session:
        return session.exec(select(func.count()).select_from(WebhookReply)).one()


def test_old_webhook_answers_are_pruned_recent_ones_kept(
        sim: TestTwilioSim, runtime: Runtime, clock: FixedClock) -> None:
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(3)])
    stored = reply_count(runtime)
    assert stored >= 4
    prune_replies_job(runtime)
    assert reply_count(runtime) == stored
    clock.now += REPLY_RETENTION + timedelta(seconds=1)
    prune_replies_job(runtime)
    assert reply_count(runtime) == 0


def test_scheduler_has_the_jobs(runtime: Runtime) -> None:
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, runtime)
    assert {job.id for job in scheduler.get_jobs()} == {
        "fetch_recordings", "prune_replies", "transcribe_messages", "transcribe_names",
        "deliver_outbox",
        "reminders", "calendar_push", "calendar_pull", "digest", "stale_calls",
        "erasure", "retention", "scheduler_lease", "sweep_prompts"}
    # An event the owner adds to a linked calendar blocks its time within a minute.
    pull = scheduler.get_job("calendar_pull")
    assert pull is not None and pull.trigger.interval <= timedelta(seconds=30)


def test_a_job_logs_what_it_did_and_survives_errors(caplog: pytest.LogCaptureFixture,
                                                    runtime: Runtime) -> None:
    @job("did %d thing(s)")
    def busy_job(rt: Runtime) -> int:
        return 3

    @job("did %d thing(s)")
    def idle_job(rt: Runtime) -> int:
        return 0

    @job("never")
    def broken_job(rt: Runtime) -> int:
        raise RuntimeError("the database is down")

    with caplog.at_level(logging.INFO, logger="receptionist.worker"):
        busy_job(runtime)
        idle_job(runtime)
        broken_job(runtime)  # logged, not raised: the scheduler goes on
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["did 3 thing(s)", "broken job failed"]
    assert busy_job.__name__ == "busy_job"
