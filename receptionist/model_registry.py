"""Imports every table model so SQLModel.metadata is complete (for Alembic and tests)."""

from sqlmodel import SQLModel

from receptionist.appointments.models import Agenda, Appointment, ExternalBusy, SlotClaim
from receptionist.calls.models import Call, CallEvent, WebhookReply
from receptionist.contacts.models import Contact
from receptionist.leases import Lease
from receptionist.messages.models import Message
from receptionist.notifications.models import NotificationChannel, NotificationSettings
from receptionist.outbox.models import OutboxItem
from receptionist.privacy.models import ErasureRequest
from receptionist.tenants.models import ApiToken, ScriptVersion, Tenant, TenantNumber
from receptionist.users.models import LoginFailure, User, UserTenant

metadata = SQLModel.metadata

__all__ = ["Agenda", "ApiToken", "Appointment", "Call", "CallEvent", "Contact", "ErasureRequest",
           "ExternalBusy", "Lease", "LoginFailure", "Message", "NotificationChannel",
           "NotificationSettings", "OutboxItem", "ScriptVersion", "SlotClaim", "Tenant",
           "TenantNumber", "User", "UserTenant", "WebhookReply", "metadata"]
