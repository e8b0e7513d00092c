"""The read-only ICS feed of an agenda, for calendars that can only subscribe to a URL.

The URL's token is the only key (like a "secret address" in Google Calendar): long,
random, and compared by lookup; an unknown token is a 404 like any missing page.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import select
from sqlmodel import col

from receptionist.appointments.ics import feed
from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus
from receptionist.db import SessionDep
from receptionist.runtime import Runtime
from receptionist.tenants.models import Tenant

router = APIRouter(tags=["calendar"])
PAST_DAYS = 30


@router.get("/ics/{token}.ics", summary="Read-only iCalendar feed of one agenda")
def agenda_feed(token: str, request: Request, session: SessionDep) -> Response:
    if not 20 <= len(token) <= 64:
        raise HTTPException(404, "no such calendar")
    agenda = session.execute(select(Agenda).where(col(Agenda.feed_token) == token)).scalar()
    if agenda is None:
        raise HTTPException(404, "no such calendar")
    rt: Runtime = request.app.state.runtime
    now = rt.clock()
    rows = session.execute(select(Appointment).where(
        col(Appointment.agenda_id) == agenda.id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) >= now - timedelta(days=PAST_DAYS))
        .order_by(col(Appointment.starts_at))).scalars()
    tenant = session.get(Tenant, agenda.tenant_id)
    body = feed(agenda, rows, business=tenant.name if tenant else "", stamp=now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
