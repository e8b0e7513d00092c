"""The owner's dashboard: calls per day over two weeks, what callers chose, messages
waiting, upcoming bookings. One grouped query each."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlmodel import col

from receptionist.admin.deps import (
    CurrentUser,
    OwnedTenant,
    render,
    runtime_of,
)
from receptionist.appointments.models import Appointment, AppointmentStatus
from receptionist.calls.models import Call, CallEvent
from receptionist.db import SessionDep
from receptionist.messages.models import Message

router = APIRouter(prefix="/admin", include_in_schema=False)
DAYS = 14
_INTENT = re.compile(r"intent=(\w+)")


@router.get("/t/{slug}/dashboard")
def dashboard(request: Request, db: SessionDep,
              signed: CurrentUser, tenant: OwnedTenant, slug: str) -> Response:
    user, data = signed
    tz = ZoneInfo(tenant.timezone)
    now = runtime_of(request).clock()
    today = now.astimezone(tz).date()
    first = today - timedelta(days=DAYS - 1)
    since = datetime.combine(first, time(0), tz)
    starts = db.execute(select(col(Call.started_at)).where(
        col(Call.tenant_id) == tenant.id, col(Call.started_at) >= since)).scalars()
    per_day = Counter(moment.astimezone(tz).date() for moment in starts)
    days = [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
            for i in range(DAYS)]
    details = db.execute(select(col(CallEvent.detail)).join(
        Call, col(Call.id) == CallEvent.call_id).where(
        col(Call.tenant_id) == tenant.id, col(Call.started_at) >= since,
        col(CallEvent.kind) == "choice")).scalars()
    intents = Counter(m.group(1) for d in details if (m := _INTENT.search(d)))
    waiting = db.execute(select(func.count()).select_from(Message).where(
        col(Message.tenant_id) == tenant.id, col(Message.handled).is_(False))).scalar_one()
    upcoming = db.execute(select(func.count()).select_from(Appointment).where(
        col(Appointment.tenant_id) == tenant.id,
        col(Appointment.status) == AppointmentStatus.booked,
        col(Appointment.starts_at) >= now)).scalar_one()
    peak = max((count for _, count in days), default=0) or 1
    return render(request, "dashboard.html", data, user, tenant=tenant, section="dashboard",
                 days=days, peak=peak, intents=intents.most_common(), waiting=waiting,
                 upcoming=upcoming, total=sum(per_day.values()))
