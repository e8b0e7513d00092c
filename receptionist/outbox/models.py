"""The outbox: every message we send (SMS, email, webhook) is first a row,
written in the same transaction as the event that causes it, then delivered by the worker
with retries. A crash between the two loses nothing; the idempotency key means the same
event never queues two messages, and a delivered row is never sent again."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class OutboxStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after the configured attempts; visible, never silent
    void = "void"  # no longer wanted (e.g. the reminder of a cancelled appointment)


class OutboxItem(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    idempotency_key: str = Field(unique=True, max_length=200)
    channel: str = Field(max_length=16)  # sms | email | webhook
    kind: str = Field(max_length=40)  # booking_confirmed, booking_moved, reminder, ...
    recipient: str = Field(max_length=300)
    sender: str = Field(default="", max_length=300)
    body: str = Field(sa_type=Text)
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id",
                                       index=True)
    # A call summary is written when it is sent, from the call as it is then (the
    # message's transcript arrives after the call ends).
    call_id: int | None = Field(default=None, foreign_key="calls.id", index=True)
    channel_id: int | None = Field(default=None, foreign_key="notification_channels.id")
    status: OutboxStatus = Field(default=OutboxStatus.pending, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    # A worker that takes a row holds it until claimed_until; if it dies, the row comes back.
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None
    last_error: str = Field(default="", max_length=1000)
    provider_id: str | None = Field(default=None, max_length=100)  # e.g. Twilio's SM...
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
