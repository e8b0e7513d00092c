"""Imports every table model so SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.messages.models import Message
from receptionist.tenants.models import ScriptVersion, Tenant, TenantNumber

metadata = SQLModel.metadata

__all__ = ["Call", "CallEvent", "Message", "ScriptVersion", "Tenant", "TenantNumber",
           "WebhookReply", "metadata"]
