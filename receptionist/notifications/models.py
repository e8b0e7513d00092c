"""Owners' notification channels and settings (the messages themselves are outbox rows)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow


class NotificationChannel(SQLModel, table=True):
    """Where a business's owner is told about calls: an email address, a mobile number or
    a webhook URL, and which events go there."""

    __tablename__ = "notification_channels"

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    channel: str = Field(max_length=16)  # email | sms | webhook
    target: str = Field(max_length=1000)
    secret: str | None = Field(default=None, max_length=2000)  # webhook HMAC key, sealed
    events: str = Field(default="call_summary,digest", max_length=200)  # comma-separated
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class NotificationSettings(SQLModel, table=True):
    """A business's quiet hours and daily digest time (local to the business)."""

    __tablename__ = "notification_settings"

    tenant_id: int = Field(foreign_key="tenants.id", primary_key=True)
    quiet_start: str | None = Field(default=None, max_length=5)  # "20:00"
    quiet_end: str | None = Field(default=None, max_length=5)  # "08:00"
    digest_time: str | None = Field(default="19:00", max_length=5)
