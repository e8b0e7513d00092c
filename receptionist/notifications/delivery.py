"""The worker's outbox job: claim due rows, send them, record the outcome.

Call summaries are written here, when sent: if a message of the call still waits for its
transcript (and the call ended less than TRANSCRIPT_WAIT ago) the summary waits for it;
outside urgent cases, the business's quiet hours hold it until they end.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlmodel import Session

from receptionist.calls.models import Call
from receptionist.db import JobDeps
from receptionist.notifications import channels, summaries
from receptionist.notifications import service as notifications
from receptionist.notifications.channel import Channel, ChannelDeps, ChannelError, Letter, Send
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
TRANSCRIPT_WAIT = timedelta(minutes=3)
RECHECK = timedelta(seconds=20)
# Deliveries in flight at once per worker, and rows per batch: measured best on 2 cores
# with bench/outbox.py (more threads only fight over the GIL).
SENDERS = 8
BATCH = 500


class DeliveryDeps(JobDeps, ChannelDeps, Protocol):
    """What delivery needs (the runtime provides it): the database, and what the channels
    send with."""


class Postponed(Exception):
    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until


class Unexpected(RuntimeError):
    """An error no sender expected (a bug, a library's surprise): the failure of its row
    alone, retried with back-off like a temporary one, then given up (outbox.MAX_ATTEMPTS)."""

    permanent = False

    def __init__(self, exc: Exception) -> None:
        super().__init__(f"{type(exc).__name__}: {exc}")
        self.__cause__ = exc


Failure = ChannelError | Unexpected
LATE = object()


def deliver_due(rt: DeliveryDeps, *, worker: str = WORKER_ID, limit: int = BATCH,
                senders: int = SENDERS) -> int:
    """Deliver what is due now; returns how many were sent.

    Rows are claimed in a batch (one transaction, committed before anything is sent) and
    prepared here (summaries written, secrets read once per channel, reads only); the
    network part runs on a few threads at once (the time goes to waiting on SMTP and HTTP
    servers), with no transaction open. Each row is settled on its own, whatever happens
    to the others: its failure, whatever it is, is recorded on it (back-off, or given up
    when permanent) while the batch goes on, and it is marked sent as soon as its send
    returns (with the others that returned meanwhile, in one transaction), so that a
    worker dying later re-sends nothing it recorded."""
    with rt.database.write_transaction() as session:
        items = outbox.claim_due(session, worker=worker, now=rt.clock(), limit=limit)
    if not items:
        return 0
    secrets: dict[int, str] = {}
    ready: list[tuple[OutboxItem, Send]] = []
    with rt.database.session() as session:
        for item in items:
            try:
                ready.append((item, _prepare(rt, session, item, secrets)))
            except Postponed as later:
                _record(rt, worker, postponed=[(item, later.until, str(later))])
            except ChannelError as exc:  # an unknown channel too: given up at once
                _record(rt, worker, failed=[(item, exc)])
            except Exception as exc:
                session.rollback()  # reads only so far: a failed statement ends nothing
                _record(rt, worker, failed=[(item, Unexpected(exc))])
    # Sending must end well within the claim's lease, or another worker could take
    # the rows still waiting here: past the deadline they are handed back unsent.
    deadline = time.monotonic() + outbox.LEASE.total_seconds() / 2
    sent = 0
    pool = ThreadPoolExecutor(max_workers=max(1, min(senders, len(ready))))
    try:
        running = {pool.submit(_run, send, deadline): item for item, send in ready}
        waiting = set(running)
        while waiting:
            done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            sent += _settle(rt, [(running[f], f) for f in done], worker)
    finally:
        # Interrupted (the process stopping): rows not started stay unsent and come
        # back after the lease; only those in flight may go out unrecorded.
        pool.shutdown(wait=True, cancel_futures=True)
    return sent


def _settle(rt: DeliveryDeps, done: list[tuple[OutboxItem, Future[Any]]],
            worker: str) -> int:
    """Record what these finished sends did, in one transaction; returns how many rows
    were marked sent. A send that stopped the process (SystemExit, KeyboardInterrupt) is
    raised again once the others are recorded."""
    delivered: list[tuple[OutboxItem, str | None]] = []
    failed: list[tuple[OutboxItem, Failure]] = []
    postponed: list[tuple[OutboxItem, datetime, str]] = []
    stopping: BaseException | None = None
    for item, future in done:
        try:
            outcome = future.result()
        except BaseException as exc:  # _run returns every Exception: only a stop is left
            stopping = exc
            continue
        if outcome is LATE:
            postponed.append((item, rt.clock(), "not reached in its batch; next round"))
        elif isinstance(outcome, Failure):
            failed.append((item, outcome))
        else:
            delivered.append((item, outcome if isinstance(outcome, str) else None))
    marked = _record(rt, worker, delivered=delivered, failed=failed, postponed=postponed)
    if stopping is not None:
        raise stopping
    return marked


def _run(send: Send, deadline: float) -> str | Failure | object | None:
    if time.monotonic() > deadline:
        return LATE
    try:
        return send()
    except ChannelError as failure:
        return failure
    except Exception as exc:  # any other: this row's failure, never the batch's
        return Unexpected(exc)


def _record(rt: DeliveryDeps, worker: str, *,
            delivered: list[tuple[OutboxItem, str | None]] | None = None,
            failed: list[tuple[OutboxItem, Failure]] | None = None,
            postponed: list[tuple[OutboxItem, datetime, str]] | None = None) -> int:
    """Store outcomes (sent, failed, postponed) in one transaction; returns how many rows
    were marked sent (a row whose lease another worker took over meanwhile is not)."""
    for item, exc in failed or []:
        if isinstance(exc, Unexpected):
            log.error("outbox %s (%s to %r): %s", item.id, item.kind, item.recipient, exc,
                      exc_info=exc.__cause__)
        else:
            log.warning("outbox %s (%s to %r): %s", item.id, item.kind, item.recipient, exc)
    if not (delivered or failed or postponed):
        return 0
    marked = 0
    with rt.database.write_transaction() as session:
        for item, until, reason in postponed or []:
            outbox.postpone(session, item, worker=worker, until=until, reason=reason)
        for item, exc in failed or []:
            outbox.mark_failed(session, item, worker=worker, now=rt.clock(), error=str(exc),
                               permanent=exc.permanent)
        if delivered:
            marked = outbox.mark_all_sent(session, delivered, worker=worker, now=rt.clock())
    return marked


def _prepare(rt: DeliveryDeps, session: Session, item: OutboxItem,
             secrets: dict[int, str]) -> Send:
    """Everything but the network: what to send, where, signed with what (the row's
    channel prepares its send)."""
    channel = channels.channel_named(item.channel)
    payload: dict[str, object] = {"event": item.kind, "text": item.body}
    subject, text, html = "", item.body, ""
    if item.kind == "call_summary" and item.call_id is not None:
        subject, text, html, payload = _summary(rt, session, item, channel)
    elif item.kind == "digest":
        subject = item.body.splitlines()[0] if item.body else "digest"
    return channel.prepare_send(rt, session, item, Letter(subject, text, html, payload),
                                secrets)


def _summary(rt: DeliveryDeps, session: Session, item: OutboxItem, channel: Channel
             ) -> tuple[str, str, str, dict[str, object]]:
    assert item.call_id is not None
    now = rt.clock()
    call = session.get(Call, item.call_id)
    summary = summaries.build(session, item.call_id,
                              public_base=rt.settings.public_base_url)
    if call is None or summary is None:
        raise ChannelError("the call of this summary is gone", permanent=True)
    ended = call.ended_at or call.started_at
    if summaries.transcripts_pending(session, item.call_id) and now - ended < TRANSCRIPT_WAIT:
        raise Postponed(now + RECHECK, "waiting for the message transcript")
    if not summary.urgent:
        tenant = session.get(Tenant, item.tenant_id)
        settings = notifications.settings_for(session, tenant_id=item.tenant_id)
        until = notifications.quiet_until(settings, timezone=tenant.timezone if tenant else "UTC",
                                   now=now)
        if until is not None:
            raise Postponed(until, "held for the quiet hours")
    text = summary.sms() if channel.short_text else summary.text()
    return summary.subject(), text, summary.html(), summary.as_json()

