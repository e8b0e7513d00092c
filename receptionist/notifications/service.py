"""Owners' channels and what they get queued (call summaries). No HTTP here: each channel
lives beside (email.py, sms.py, webhook.py, gathered in channels.py) and delivery.py runs
them; the rows are the outbox's."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.calls import service as calls
from receptionist.calls.models import Call
from receptionist.catalog_text import Refused
from receptionist.contacts.service import SCREENED_OUT
from receptionist.i18n import N_
from receptionist.notifications.channels import CHANNELS
from receptionist.notifications.models import NotificationChannel, NotificationSettings
from receptionist.outbound import Policy
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.outbox.service import enqueue
from receptionist.tenants.models import Tenant

log = logging.getLogger(__name__)

EVENTS = ("call_summary", "digest")


def add_channel(session: Session, *, tenant_id: int, channel: str, target: str,
                events: tuple[str, ...] = EVENTS, secret: str | None = None,
                outbound: Policy | None = None) -> NotificationChannel:
    """A new channel. A webhook's URL must pass `outbound` (default: public addresses only)."""
    kind = CHANNELS.get(channel)
    if kind is None:
        raise Refused(N_("refusal.channel.kind"), kinds=", ".join(CHANNELS))
    unknown = set(events) - set(EVENTS)
    if unknown or not events:
        raise Refused(N_("refusal.channel.events"), events=", ".join(EVENTS))
    target = kind.check_target(target, secret, outbound)  # stored as checked (normalised)
    row = NotificationChannel(tenant_id=tenant_id, channel=channel, target=target,
                              secret=secret, events=",".join(events))
    session.add(row)
    session.flush()
    return row


def channels_for(session: Session, *, tenant_id: int, event: str) -> list[NotificationChannel]:
    rows = session.execute(select(NotificationChannel).where(
        col(NotificationChannel.tenant_id) == tenant_id,
        col(NotificationChannel.active).is_(True))).scalars()
    return [r for r in rows if event in r.events.split(",")]


def settings_for(session: Session, *, tenant_id: int) -> NotificationSettings:
    return session.get(NotificationSettings, tenant_id) or NotificationSettings(
        tenant_id=tenant_id)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time(hours, minutes)


def quiet_until(settings: NotificationSettings, *, timezone: str, now: datetime
                ) -> datetime | None:
    """When the business's quiet hours end, if `now` is inside them (else None)."""
    if not settings.quiet_start or not settings.quiet_end:
        return None
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    start, end = _clock(settings.quiet_start), _clock(settings.quiet_end)
    moment = local.time()
    inside = (start <= moment < end) if start < end else (moment >= start or moment < end)
    if not inside:
        return None
    day = local.date() if moment < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tz)


def queue_call_summary(session: Session, *, tenant_id: int, call_id: int, now: datetime
                       ) -> int:
    """At the end of a call: one outbox row per channel that wants call summaries. The
    text is written when the row is sent (delivery.py), with the transcript if ready."""
    queued = 0
    for channel in channels_for(session, tenant_id=tenant_id, event="call_summary"):
        enqueue(session, tenant_id=tenant_id, key=f"summary:{call_id}:{channel.id}",
                channel=channel.channel, kind="call_summary", recipient=channel.target,
                body="", now=now, call_id=call_id, channel_id=channel.id)
        queued += 1
    return queued


def call_ended(session: Session, *, call: Call, now: datetime) -> int:
    """The one place where the end of a call queues the owner's summary (Twilio's final
    status, or the sweep closing a call whose status never came), in the transaction that
    ends it, so that the summary cannot be lost between the two."""
    if call.tenant_id is None or call.id is None:
        return 0
    _log_call(session, call)
    if call.screening in SCREENED_OUT:
        return 0  # blocked, refused or failed the robocall challenge: no summary noise
    return queue_call_summary(session, tenant_id=call.tenant_id, call_id=call.id, now=now)


def _log_call(session: Session, call: Call) -> None:
    """Keep how the call ended on its row, and log its one INFO line: business, caller,
    outcome, duration (and the same as fields, for LOG_FORMAT=json)."""
    timeline = calls.record_outcome(session, call=call,
                                    screened=call.screening in SCREENED_OUT)
    tenant = session.get(Tenant, call.tenant_id)
    fields = {"call_sid": call.call_sid, "tenant": tenant.slug if tenant else None,
              "caller": call.from_number, "outcome": timeline.outcome,
              "intent": timeline.intent, "duration_s": call.duration_s, "status": call.status}
    log.info("call %s %s from %s: %s (%s s, %s)", call.call_sid, fields["tenant"],
             call.from_number or "?", timeline.outcome, call.duration_s or 0, call.status,
             extra=fields)


def queue_late_summary(session: Session, *, tenant_id: int, call_id: int, now: datetime
                       ) -> int:
    """A message of the call arrived after its end (imported from the fallback spool): a
    summary not sent yet will include it; one already sent gets a follow-up."""
    queued = 0
    for channel in channels_for(session, tenant_id=tenant_id, event="call_summary"):
        key = f"summary:{call_id}:{channel.id}"
        sent = session.execute(select(col(OutboxItem.id)).where(
            col(OutboxItem.idempotency_key) == key,
            col(OutboxItem.status) != OutboxStatus.pending)).first()
        enqueue(session, tenant_id=tenant_id, key=key + (":late" if sent else ""),
                channel=channel.channel, kind="call_summary", recipient=channel.target,
                body="", now=now, call_id=call_id, channel_id=channel.id)
        queued += 1
    return queued


def channels_of(session: Session, *, tenant_id: int) -> list[NotificationChannel]:
    """The business's active channels."""
    return list(session.execute(select(NotificationChannel).where(
        col(NotificationChannel.tenant_id) == tenant_id,
        col(NotificationChannel.active).is_(True))).scalars())
