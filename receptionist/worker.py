"""Background jobs (APScheduler): fetching message recordings, transcribing them offline,
delivering the outbox (SMS), queueing appointment reminders, syncing linked calendars,
pruning stored webhook answers, deleting callers' prompt audio once no URL can fetch it.

Jobs keep their state in the database (what is due, claimed, sent), not in the
scheduler: a restarted worker picks up exactly where the last one stopped.

Several workers may run against one database. Jobs that claim their rows (recordings,
transcriptions, outbox) run on every worker and share the work; the periodic sweeps run
only on the worker holding the `scheduler` lease (receptionist.leases), so they run once.

`receptionist serve` runs these in a background thread beside the web app;
`receptionist worker` runs them alone, for deployments with separate worker processes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from receptionist.appointments import caldav_sync, reminders
from receptionist.appointments.spoken_names import transcribe_names_due
from receptionist.calls.service import close_stale_calls, prune_replies
from receptionist.leases import Leader
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.messages.transcripts import transcribe_due
from receptionist.notifications import digest
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.privacy import jobs as privacy
from receptionist.runtime import Runtime
from receptionist.twilio import rest
from receptionist.understanding.urgency import sounds_urgent
from receptionist.users import login_throttle as throttle

log = logging.getLogger(__name__)
Job = Callable[[Runtime], None]
SWEEP_PROMPTS_S = 300.0


def job(what: str) -> Callable[[Callable[[Runtime], int | None]], Job]:
    """A scheduled job: runs, logs what it did ("stored 3 recording(s)") when it did
    something, and never lets an error kill the scheduler (it is logged; the next run
    tries again, since every job keeps its state in the database)."""
    def wrap(work: Callable[[Runtime], int | None]) -> Job:
        @functools.wraps(work)
        def run(rt: Runtime) -> None:
            try:
                count = work(rt)
            except Exception:
                log.exception("%s job failed", work.__name__.removesuffix("_job"))
                return
            if count:
                log.info(what, count)
        return run
    return wrap


@job("stored %d recording(s)")
def fetch_recordings_job(rt: Runtime) -> int:
    return fetch_due_recordings(rt.settings, rt.database, now=rt.clock(),
                                source=rt.telephony)


@job("transcribed %d message(s)")
def transcribe_job(rt: Runtime) -> int:
    return transcribe_due(rt, urgency=sounds_urgent)


@job("transcribed %d caller name(s)")
def transcribe_names_job(rt: Runtime) -> int:
    return transcribe_names_due(rt)


@job("delivered %d notification(s)")
def deliver_outbox_job(rt: Runtime) -> int:
    return deliver_due(rt)


@job("queued %d appointment reminder(s)")
def reminders_job(rt: Runtime) -> int:
    with rt.database.write_transaction() as session:
        return reminders.queue_due_reminders(session, now=rt.clock())


@job("queued %d daily digest(s)")
def digest_job(rt: Runtime) -> int:
    with rt.database.write_transaction() as session:
        return digest.queue_due_digests(session, now=rt.clock())


@job("closed %d call(s) that had no final status")
def stale_calls_job(rt: Runtime) -> int:
    now = rt.clock()
    with rt.database.write_transaction() as session:
        stale = close_stale_calls(session, now=now)
        for call in stale:
            notifications.call_ended(session, call=call, now=now)
    return len(stale)


@job("wrote %d appointment change(s) to linked calendars")
def calendar_push_job(rt: Runtime) -> int:
    return caldav_sync.push_due(rt)


@job("read the busy times of %d linked calendar(s)")
def calendar_pull_job(rt: Runtime) -> int:
    caldav_sync.pull_busy(rt)
    return 0  # every 30 seconds: not worth a log line


@job("pruned %d stored webhook answers")
def prune_replies_job(rt: Runtime) -> int:
    with rt.database.write_transaction() as session:
        count = prune_replies(session, now=rt.clock())
        throttle.prune(session, rt.clock())
    return count


@job("deleted %d personal prompt(s) no URL can fetch any more")
def sweep_prompts_job(rt: Runtime) -> int:
    return rt.prompts.sweep()


@job("")  # retention logs what it removed itself
def retention_job(rt: Runtime) -> None:
    privacy.retain_all(rt.database, rt.settings, now=rt.clock())


@job("carried out %d erasure request(s)")
def erasure_job(rt: Runtime) -> int:
    return privacy.carry_out_erasures(rt.database, rt.settings, now=rt.clock())


def _on_leader(leader: Leader, job: Callable[[Runtime], None]) -> Callable[[Runtime], None]:
    def run_if_leader(rt: Runtime) -> None:
        if leader.held():
            job(rt)
    run_if_leader.__name__ = job.__name__
    return run_if_leader


def add_jobs(scheduler: BaseScheduler, rt: Runtime, leader: Leader | None = None) -> Leader:
    """Schedule every job; the sweeps run only while `leader` holds the scheduler lease."""
    leader = leader or Leader(
        rt.database, ttl=timedelta(seconds=rt.settings.scheduler_lease_seconds))
    leader.renew()
    scheduler.add_job(leader.renew, "interval", id="scheduler_lease",
                      seconds=leader.ttl.total_seconds() / 3, max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(fetch_recordings_job, "interval", args=[rt], id="fetch_recordings",
                      seconds=rt.settings.worker_poll_seconds, max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(transcribe_job, "interval", args=[rt], id="transcribe_messages",
                      seconds=rt.settings.worker_poll_seconds, max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(transcribe_names_job, "interval", args=[rt], id="transcribe_names",
                      seconds=rt.settings.worker_poll_seconds, max_instances=1,
                      coalesce=True, replace_existing=True)
    every = rt.settings.worker_poll_seconds
    scheduler.add_job(deliver_outbox_job, "interval", args=[rt], id="deliver_outbox",
                      seconds=min(every, 5.0), max_instances=1, coalesce=True,
                      replace_existing=True)
    # The prompt cache is a folder of this host (or a volume some hosts share): every
    # worker sweeps it, so callers' audio outlives its URLs by minutes at most.
    scheduler.add_job(sweep_prompts_job, "interval", args=[rt], id="sweep_prompts",
                      seconds=SWEEP_PROMPTS_S, max_instances=1, coalesce=True,
                      replace_existing=True)
    pull = float(caldav_sync.PULL_SECONDS)
    for job, seconds in ((reminders_job, 60.0), (digest_job, 60.0), (stale_calls_job, 300.0),
                         (calendar_push_job, every), (calendar_pull_job, pull),
                         (erasure_job, min(every, 60.0)), (retention_job, 3600.0),
                         (prune_replies_job, 3600.0)):
        scheduler.add_job(_on_leader(leader, job), "interval", args=[rt],
                          id=job.__name__.removesuffix("_job"), seconds=seconds,
                          max_instances=1, coalesce=True, replace_existing=True)
    return leader


def start_background(rt: Runtime) -> BackgroundScheduler:
    rest.plug(rt)
    scheduler = BackgroundScheduler(timezone="UTC")
    add_jobs(scheduler, rt)
    scheduler.start()
    return scheduler


def run_forever(rt: Runtime) -> None:
    rest.plug(rt)
    scheduler = BlockingScheduler(timezone="UTC")
    leader = add_jobs(scheduler, rt)
    log.info("worker started: jobs %s; %s", [job.id for job in scheduler.get_jobs()],
             "holding the scheduler lease" if leader.held()
             else "another worker holds the scheduler lease (standing by)")
    try:
        scheduler.start()
    finally:
        leader.release()
