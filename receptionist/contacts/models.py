"""The people a business knows by number: a name (from the owner, or given when
booking), and whether the number is blocked or always let in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from receptionist.clock import utcnow

# A phone number as Twilio writes it: +, country code, number (E.164).
E164 = r"^\+[1-9][0-9]{6,14}$"


class Listed(StrEnum):
    none = "none"
    blocked = "blocked"  # refused before the script (the caller hears a busy tone)
    allowed = "allowed"  # never challenged, even without a verified caller ID


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("tenant_id", "number", name="uq_contact_tenant_number"),)

    id: int | None = Field(default=None, primary_key=True)
    tenant_id: int = Field(foreign_key="tenants.id", index=True)
    number: str = Field(max_length=64)  # as Twilio sends `From` (E.164)
    name: str = Field(default="", max_length=100)
    listed: str = Field(default=Listed.none.value, max_length=16)  # a Listed value
    note: str = Field(default="", max_length=500)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=200)
