"""The worker's outbox job: claim due rows, send them, record the outcome.

Call summaries are written here, when sent: if a message of the call still waits for its
transcript (and the call ended less than TRANSCRIPT_WAIT ago) the summary waits for it;
outside urgent cases, the business's quiet hours hold it until they end.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.calls.models import Call
from receptionist.notifications import service as outbox
from receptionist.notifications import summaries
from receptionist.notifications.email import EmailError, send_email
from receptionist.notifications.models import NotificationChannel, OutboxItem
from receptionist.notifications.sms import SmsError, send_sms
from receptionist.notifications.webhook import WebhookError, post_event
from receptionist.runtime import Runtime
from receptionist.secret_box import SecretError, unseal
from receptionist.tenants.models import Tenant, TenantNumber

log = logging.getLogger(__name__)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
TRANSCRIPT_WAIT = timedelta(minutes=3)
RECHECK = timedelta(seconds=20)


class Postponed(Exception):
    def __init__(self, until: datetime, reason: str) -> None:
        super().__init__(reason)
        self.until = until


def deliver_due(rt: Runtime, *, worker: str = WORKER_ID, limit: int = 50) -> int:
    """Deliver what is due now; returns how many were sent."""
    sent = 0
    with Session(rt.engine, expire_on_commit=False) as session:
        with rt.writing():
            items = outbox.claim_due(session, worker=worker, now=rt.clock(), limit=limit)
        for item in items:
            try:
                provider_id = _send(rt, session, item)
            except Postponed as later:
                with rt.writing():
                    outbox.postpone(session, item, worker=worker, until=later.until,
                                    reason=str(later))
                continue
            except (SmsError, EmailError, WebhookError) as exc:
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


def _send(rt: Runtime, session: Session, item: OutboxItem) -> str | None:
    payload: dict[str, object] = {"event": item.kind, "text": item.body}
    subject, text, html = "", item.body, ""
    if item.kind == "call_summary" and item.call_id is not None:
        subject, text, html, payload = _summary(rt, session, item)
    elif item.kind == "digest":
        subject = item.body.splitlines()[0] if item.body else "digest"
    if item.channel == "sms":
        return send_sms(rt.settings, rt.twilio_http, to=item.recipient,
                        sender=item.sender or _business_number(session, item), body=text[:1500])
    if item.channel == "email":
        return send_email(rt.settings, to=item.recipient, subject=subject or item.kind,
                          text=text, html=html or f"<pre>{text}</pre>",
                          idempotency_key=item.idempotency_key)
    if item.channel == "webhook":
        channel = session.get(NotificationChannel, item.channel_id) if item.channel_id else None
        try:
            secret = unseal(rt.settings.secret_key, channel.secret or "") if channel else ""
        except SecretError as exc:
            raise WebhookError(str(exc), permanent=True) from None
        if not secret:
            raise WebhookError("the webhook channel has no secret", permanent=True)
        status = post_event(rt.web_http, url=item.recipient, secret=secret,
                            payload=payload, idempotency_key=item.idempotency_key,
                            timestamp=int(rt.clock().timestamp()))
        return f"HTTP {status}"
    raise SmsError(f"unknown channel {item.channel!r}", permanent=True)


def _summary(rt: Runtime, session: Session, item: OutboxItem
             ) -> tuple[str, str, str, dict[str, object]]:
    assert item.call_id is not None
    now = rt.clock()
    call = session.get(Call, item.call_id)
    summary = summaries.build(session, item.call_id)
    if call is None or summary is None:
        raise WebhookError("the call of this summary is gone", permanent=True)
    ended = call.ended_at or call.started_at
    if summaries.transcripts_pending(session, item.call_id) and now - ended < TRANSCRIPT_WAIT:
        raise Postponed(now + RECHECK, "waiting for the message transcript")
    if not summary.urgent:
        tenant = session.get(Tenant, item.tenant_id)
        settings = outbox.settings_for(session, tenant_id=item.tenant_id)
        until = outbox.quiet_until(settings, timezone=tenant.timezone if tenant else "UTC",
                                   now=now)
        if until is not None:
            raise Postponed(until, "held for the quiet hours")
    text = summary.sms() if item.channel == "sms" else summary.text()
    return summary.subject(), text, summary.html(), summary.as_json()


def _business_number(session: Session, item: OutboxItem) -> str:
    call = session.get(Call, item.call_id) if item.call_id else None
    if call is not None:
        return call.to_number
    number = session.execute(select(col(TenantNumber.number)).where(
        col(TenantNumber.tenant_id) == item.tenant_id)).scalar()
    return str(number or "")
