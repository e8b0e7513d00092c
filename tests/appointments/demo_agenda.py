"""The demo agenda the appointment tests book on (New York, Mon-Fri 09:00-18:00, 30-minute
slots, one hour's notice); the tests' clock is Tuesday 2026-11-17 10:00 in New York."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from receptionist.appointments import agendas, free_times
from receptionist.appointments.models import Agenda
from receptionist.tenants.service import get_tenant

NOON = datetime(2026, 11, 17, 17, 0, tzinfo=UTC)  # 12:00 in New York
CHECKUP = free_times.Kind("checkup", 30)
CLEANING = free_times.Kind("cleaning", 60, buffer_minutes=10)


def main_agenda(session: Session, slug: str = "demo") -> Agenda:
    tenant = get_tenant(session, slug=slug)
    assert tenant.id is not None
    agenda = agendas.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None
    return agenda
