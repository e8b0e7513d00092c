"""The read-only ICS feed of an agenda, for calendars that can only subscribe to a URL.

The URL's token is the only key (like a "secret address" in Google Calendar): long,
random, and compared by lookup; an unknown token is a 404 like any missing page.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Response

from receptionist.appointments import agendas, lookups
from receptionist.appointments.ics import feed
from receptionist.tenants.models import Tenant
from receptionist.web_deps import ClockDep, SessionDep

router = APIRouter(tags=["calendar"])
PAST_DAYS = 30


@router.get("/ics/{token}.ics", summary="Read-only iCalendar feed of one agenda")
def agenda_feed(token: str, session: SessionDep, clock: ClockDep) -> Response:
    if not 20 <= len(token) <= 64:
        raise HTTPException(404, "no such calendar")
    agenda = agendas.agenda_by_feed_token(session, token)
    if agenda is None or agenda.id is None:
        raise HTTPException(404, "no such calendar")
    now = clock()
    rows = lookups.booked_between(session, agenda_id=agenda.id,
                                  start=now - timedelta(days=PAST_DAYS))
    tenant = session.get(Tenant, agenda.tenant_id)
    body = feed(agenda, rows, business=tenant.name if tenant else "", stamp=now)
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
