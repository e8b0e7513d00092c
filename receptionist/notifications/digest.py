"""The daily digest: at the owner's chosen local time, the day's counts (calls, messages,
bookings, missed transfers) and the messages not yet handled.

A worker job looks every minute for businesses whose digest time has passed today (in
their own time zone, so DST changes move nothing) and queues the digest once per day and
channel (idempotency key). A worker that was down at digest time sends it when it is
back; several workers queue it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.calls.events import EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.i18n import format_day, format_when, gettext, ngettext
from receptionist.messages.models import Message
from receptionist.notifications import service as notifications
from receptionist.outbox import service as outbox
from receptionist.tenants.models import Tenant

UNHANDLED_LISTED = 20


@dataclass(frozen=True)
class Digest:
    title: str
    text: str


def build(session: Session, tenant: Tenant, day_start: datetime, day_end: datetime) -> Digest:
    assert tenant.id is not None

    def count(query: Select[int]) -> int:
        return int(session.execute(query).scalar_one())

    calls = count(select(func.count()).select_from(Call).where(
        col(Call.tenant_id) == tenant.id, col(Call.started_at) >= day_start,
        col(Call.started_at) < day_end))
    messages = count(select(func.count()).select_from(Message).where(
        col(Message.tenant_id) == tenant.id, col(Message.created_at) >= day_start,
        col(Message.created_at) < day_end))
    bookings = count(select(func.count()).select_from(Appointment).where(
        col(Appointment.tenant_id) == tenant.id, col(Appointment.created_at) >= day_start,
        col(Appointment.created_at) < day_end,
        col(Appointment.status) == AppointmentStatus.booked))
    missed = count(select(func.count()).select_from(CallEvent)
                   .join(Call, col(Call.id) == CallEvent.call_id).where(
        col(Call.tenant_id) == tenant.id, col(CallEvent.kind) == EventKind.transfer_failed.value,
        col(CallEvent.at) >= day_start, col(CallEvent.at) < day_end))
    waiting = list(session.execute(select(Message).where(
        col(Message.tenant_id) == tenant.id, col(Message.handled).is_(False))
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(UNHANDLED_LISTED)).scalars())
    total_waiting = count(select(func.count()).select_from(Message).where(
        col(Message.tenant_id) == tenant.id, col(Message.handled).is_(False)))
    tz = ZoneInfo(tenant.timezone)
    language = tenant.language
    title = gettext(language, "digest.title", business=tenant.name,
                    date=format_day(language, day_start.astimezone(tz).date()))
    lines = [title, gettext(
        language, "digest.counts",
        calls=ngettext(language, "digest.calls", "digest.calls_plural", calls),
        messages=ngettext(language, "digest.messages", "digest.messages_plural", messages),
        bookings=ngettext(language, "digest.bookings", "digest.bookings_plural", bookings),
        missed=ngettext(language, "digest.missed", "digest.missed_plural", missed))]
    if waiting:
        lines.append(gettext(language, "digest.unhandled", count=total_waiting))
        for message in waiting:
            said = (message.transcript or "").strip()
            when = format_when(language, message.created_at.astimezone(tz))
            lines.append(f"- {when} {message.caller}: {said[:160] or '…'}")
    else:
        lines.append(gettext(language, "digest.none"))
    return Digest(title=title, text="\n".join(lines) + "\n")


def queue_due_digests(session: Session, *, now: datetime) -> int:
    """Queue today's digest for every business whose digest time has passed."""
    queued = 0
    for tenant in session.execute(select(Tenant)).scalars():
        assert tenant.id is not None
        settings = notifications.settings_for(session, tenant_id=tenant.id)
        if not settings.digest_time:
            continue
        channels = notifications.channels_for(session, tenant_id=tenant.id, event="digest")
        if not channels:
            continue
        tz = ZoneInfo(tenant.timezone)
        local = now.astimezone(tz)
        hours, minutes = (int(p) for p in settings.digest_time.split(":"))
        if local.time() < time(hours, minutes):
            continue
        day_start = datetime.combine(local.date(), time(0), tz)
        digest = build(session, tenant, day_start, day_start + timedelta(days=1))
        for channel in channels:
            outbox.enqueue(session, tenant_id=tenant.id,
                           key=f"digest:{tenant.id}:{local.date().isoformat()}:{channel.id}",
                           channel=channel.channel, kind="digest", recipient=channel.target,
                           body=digest.text, now=now, channel_id=channel.id)
            queued += 1
    return queued
