"""Background jobs (APScheduler): fetching message recordings, transcribing them offline,
pruning stored webhook answers.

`receptionist serve` runs these in a background thread beside the web app;
`receptionist worker` runs them alone, for deployments with separate worker processes.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from receptionist.calls.service import prune_replies
from receptionist.db import session_scope
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.messages.transcripts import transcribe_due
from receptionist.runtime import Runtime

log = logging.getLogger(__name__)


def fetch_recordings_job(rt: Runtime) -> None:
    try:
        count = fetch_due_recordings(rt.settings, rt.engine, now=rt.clock())
        if count:
            log.info("stored %d recording(s)", count)
    except Exception:  # a job must never kill the scheduler
        log.exception("recording fetch job failed")


def transcribe_job(rt: Runtime) -> None:
    try:
        count = transcribe_due(rt)
        if count:
            log.info("transcribed %d message(s)", count)
    except Exception:
        log.exception("transcription job failed")


def prune_replies_job(rt: Runtime) -> None:
    try:
        with session_scope(rt.engine) as session:
            count = prune_replies(session, now=rt.clock())
        if count:
            log.info("pruned %d stored webhook answers", count)
    except Exception:
        log.exception("webhook answer pruning failed")


def add_jobs(scheduler: BaseScheduler, rt: Runtime) -> None:
    scheduler.add_job(fetch_recordings_job, "interval", args=[rt], id="fetch_recordings",
                      seconds=rt.settings.worker_poll_seconds, max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(transcribe_job, "interval", args=[rt], id="transcribe_messages",
                      seconds=rt.settings.worker_poll_seconds, max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(prune_replies_job, "interval", args=[rt], id="prune_replies", hours=1,
                      max_instances=1, coalesce=True, replace_existing=True)


def start_background(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, rt)
    scheduler.start()
    return scheduler


def run_forever(rt: Runtime) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    add_jobs(scheduler, rt)
    log.info("worker started: jobs %s", [job.id for job in scheduler.get_jobs()])
    scheduler.start()
