"""The caller's SMS about their appointment (booked, moved, cancelled, a reminder),
queued in the outbox in the caller's transaction, from the business's number."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.appointments.models import Agenda, Appointment
from receptionist.appointments.texts import sms_text
from receptionist.outbox import service as outbox
from receptionist.tenants.models import Tenant, TenantNumber


def _sender(session: Session, tenant_id: int, preferred: str | None) -> str:
    if preferred:
        return preferred
    number = session.execute(select(col(TenantNumber.number)).where(
        col(TenantNumber.tenant_id) == tenant_id).order_by(col(TenantNumber.id))).scalar()
    return number or ""


def queue(session: Session, appointment: Appointment, agenda: Agenda, *, kind: str,
          now: datetime, sender: str | None) -> None:
    """Queue the caller's SMS for this change (when we have a number to text)."""
    if not appointment.caller_number.startswith("+") or appointment.id is None:
        return
    tenant = session.get(Tenant, appointment.tenant_id)
    business = tenant.name if tenant is not None else ""
    local = appointment.starts_at.astimezone(ZoneInfo(agenda.timezone))
    from_number = _sender(session, appointment.tenant_id, sender)
    if not from_number:
        return
    key_time = appointment.starts_at.strftime("%Y%m%dT%H%M%SZ")
    outbox.enqueue(session, tenant_id=appointment.tenant_id,
                   key=f"appointment:{appointment.id}:{kind}:{appointment.sequence}:{key_time}",
                   channel="sms", kind=kind, recipient=appointment.caller_number,
                   sender=from_number, appointment_id=appointment.id, now=now,
                   body=sms_text(kind, appointment.language, business=business, when=local,
                                 phone=from_number))
