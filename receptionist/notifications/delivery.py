"""The worker's outbox job: claim due rows, send them, record the outcome."""

from __future__ import annotations

import logging
import os
import socket

from sqlmodel import Session

from receptionist.notifications import service as outbox
from receptionist.notifications.sms import SmsError, send_sms
from receptionist.runtime import Runtime

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def deliver_due(rt: Runtime, *, worker: str = WORKER_ID, limit: int = 50) -> int:
    """Deliver what is due now; returns how many were sent."""
    sent = 0
    with Session(rt.engine, expire_on_commit=False) as session:
        with rt.writing():
            items = outbox.claim_due(session, worker=worker, now=rt.clock(), limit=limit)
        for item in items:
            try:
                if item.channel != "sms":
                    raise SmsError(f"unknown channel {item.channel!r}", permanent=True)
                provider_id = send_sms(rt.settings, rt.twilio_http, to=item.recipient,
                                       sender=item.sender, body=item.body)
            except SmsError as exc:
                log.warning("outbox %s (%s to %s): %s", item.id, item.kind, item.recipient, exc)
                with rt.writing():
                    outbox.mark_failed(session, item, worker=worker, now=rt.clock(),
                                       error=str(exc), permanent=exc.permanent)
                continue
            with rt.writing():
                if outbox.mark_sent(session, item, worker=worker, now=rt.clock(),
                                    provider_id=provider_id):
                    sent += 1
    return sent
