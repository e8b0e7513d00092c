"""The owner's dashboard: calls per day over two weeks, what callers chose, messages
waiting, upcoming bookings, calls blocked and callers challenged as possible robocalls.
One grouped query each."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from receptionist.admin.deps import CurrentUser, OwnedTenant, render
from receptionist.appointments import service as appointments
from receptionist.calls import service as calls
from receptionist.messages import service as messages
from receptionist.runtime import runtime_of
from receptionist.web_deps import SessionDep

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
    assert tenant.id is not None
    starts = calls.start_times(db, tenant_id=tenant.id, since=since)
    per_day = Counter(moment.astimezone(tz).date() for moment in starts)
    days = [(first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0))
            for i in range(DAYS)]
    details = calls.choice_details(db, tenant_id=tenant.id, since=since)
    intents = Counter(m.group(1) for d in details if (m := _INTENT.search(d)))
    waiting = messages.count_unhandled(db, tenant_id=tenant.id)
    upcoming = appointments.count_upcoming(db, tenant_id=tenant.id, now=now)
    peak = max((count for _, count in days), default=0) or 1
    screened = calls.screening_counts(db, tenant_id=tenant.id, since=since)
    challenged = sum(screened.get(k, 0) for k in ("spam", "passed", "challenged"))
    return render(request, "dashboard.html", data, user, tenant=tenant, section="dashboard",
                 days=days, peak=peak, intents=intents.most_common(), waiting=waiting,
                 upcoming=upcoming, total=sum(per_day.values()),
                 blocked=screened.get("blocked", 0) + screened.get("anonymous", 0),
                 challenged=challenged, spam=screened.get("spam", 0))
