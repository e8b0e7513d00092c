"""Admin pages with a big history: 100,000 calls (each with its outcome), 20,000
messages and 20,000 appointments over six agendas, for one business.

Each page is requested through the app itself (httpx's ASGI transport: no network), as a
logged-in owner, on the last day of the history; prints p50 / p95 per page, and the same
pages on an almost empty database in the same run as the baseline. Pages: the inbox, the
call log (each call's outcome and line, from its events), one call, one message, the
dashboard (14 and 30 days of calls: outcomes per day and per request, where callers got
stuck) and the week calendar (every agenda with appointments that week side by side,
this week's free times of a cleaning, one agenda, one day).

    python -m bench.admin [--calls 100000] [--messages 20000] [--appointments 20000]
                          [--repeat 100]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import insert, select
from sqlmodel import Session, col

from receptionist.appointments.agendas import create_agenda, get_agenda
from receptionist.appointments.models import Appointment
from receptionist.calls.events import NO_FIELDS, EventFields
from receptionist.calls.models import Call, CallEvent
from receptionist.config import Settings
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.main import create_app
from receptionist.messages.models import Message
from receptionist.migrations_runner import upgrade
from receptionist.runtime import Runtime
from receptionist.tenants.models import Tenant
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user

PASSWORD = "bench password 123"
START = datetime(2026, 1, 1, tzinfo=UTC)


DAYS = 300
END = START + timedelta(days=DAYS)  # the pages are read on the last day of the history
OUTCOMES = ("booked", "answered", "message", "message", "transferred", "abandoned")
INTENTS = ("book", "location", "message", "hours", "transfer", None)
AGENDAS = ("main", "martin", "okafor", "lee", "dubois", "nguyen")
WEEKDAYS = {d: ["09:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def fill_appointments(session: Session, tenant: Tenant, count: int) -> None:
    """`count` 30-minute appointments, round-robin over the agendas' weekday slots."""
    agendas = [get_agenda(session, tenant_id=tenant.id or 0, slug=slug)  # the demo's own
               or create_agenda(session, tenant=tenant, slug=slug, name=slug,
                                weekly_hours=WEEKDAYS) for slug in AGENDAS]
    tz = ZoneInfo(tenant.timezone)
    slots = [datetime.combine(START.date() + timedelta(days=d), time(9), tz)
             + timedelta(minutes=30 * k)
             for d in range(DAYS) if (START.date() + timedelta(days=d)).weekday() < 5
             for k in range(18)]
    rows = []
    for index in range(min(count, len(slots) * len(agendas))):
        agenda = agendas[index % len(agendas)]
        assert agenda is not None
        start = slots[(index // len(agendas)) % len(slots)]
        end = start + timedelta(minutes=30)
        rows.append({"tenant_id": tenant.id, "agenda_id": agenda.id,
                     "uid": f"bench-{index}@receptionist", "starts_at": start,
                     "ends_at": end, "start_s": int(start.timestamp()),
                     "end_s": int(end.timestamp()), "block_end_s": int(end.timestamp()),
                     "appointment_type": "", "buffer_minutes": 0, "status": "booked",
                     "caller_number": f"+1555{index:07d}", "caller_name": f"Caller {index}",
                     "language": "en-US", "source": "phone", "sequence": 0,
                     "created_at": START, "updated_at": START, "sync_state": "none",
                     "sync_attempts": 0, "sync_error": ""})
    for chunk in range(0, len(rows), 10_000):
        session.execute(insert(Appointment.__table__), rows[chunk:chunk + 10_000])  # type: ignore[attr-defined]


def fill(url: str, calls: int, messages: int, booked: int) -> str:
    """Returns the SID of a call in the middle of the history."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seed_demo(session)
        tenant = get_tenant(session, slug="demo")
        assert tenant.id is not None
        create_user(session, email="owner@bench.test", password=PASSWORD, role="owner",
                    tenants=[tenant])
        step = timedelta(seconds=max(1, DAYS * 24 * 3600 // max(calls, 1)))
        rows = [{"call_sid": f"CA{i:032x}", "tenant_id": tenant.id, "from_number":
                 f"+1555{i % 10_000_000:07d}", "to_number": "+15005550006",
                 "script_version": 1, "started_at": START + i * step,
                 "ended_at": START + i * step + timedelta(minutes=2), "status": "completed",
                 "duration_s": 120, "current_step": "goodbye", "seq": 3, "attempt": 0,
                 "outcome": OUTCOMES[i % len(OUTCOMES)], "first_intent": INTENTS[i % 5],
                 "last_step": "main_menu" if i % 7 else "book"}
                for i in range(calls)]
        for chunk in range(0, len(rows), 10_000):
            session.execute(insert(Call.__table__), rows[chunk:chunk + 10_000])  # type: ignore[attr-defined]
        ids = list(session.execute(select(col(Call.id)).order_by(col(Call.id))).scalars())
        events = [{"call_id": call_id, "at": START, "step": "main_menu", "kind": "enter",
                   "fields": EventFields(step_kind="menu")}
                  for call_id in ids[: min(len(ids), 20_000)]]
        # The stuck signals the dashboard counts, in the recent calls: one in four.
        events += [{"call_id": call_id, "at": START, "step": "main_menu",
                    "kind": ("invalid_key", "no_input", "confirm_refused")[n % 3],
                    "fields": NO_FIELDS} for n, call_id in enumerate(ids[-20_000:])
                   if n % 4 == 0]
        if events:
            session.execute(insert(CallEvent.__table__), events)  # type: ignore[attr-defined]
        every = max(1, calls // max(messages, 1))
        notes = [{"tenant_id": tenant.id, "call_id": ids[i * every],
                  "recording_sid": f"RE{i:032x}", "caller": f"+1555{i:07d}",
                  "created_at": START + i * every * step, "duration_s": 30,
                  "recording_url": "https://api.twilio.com/x", "fetch_status": "fetched",
                  "fetch_attempts": 1, "fetch_error": "", "handled": i % 3 == 0,
                  "transcript": f"message number {i} about an appointment",
                  "transcript_status": "done", "transcript_attempts": 1,
                  "transcript_error": ""} for i in range(messages)]
        for chunk in range(0, len(notes), 10_000):
            session.execute(insert(Message.__table__), notes[chunk:chunk + 10_000])  # type: ignore[attr-defined]
        fill_appointments(session, tenant, booked)
        session.commit()
    engine.dispose()
    return f"CA{calls // 2:032x}" if calls else ""


async def measure(url: str, middle_call: str, repeat: int) -> dict[str, tuple[float, float]]:
    settings = Settings(database_url=url, secret_key="bench-secret-key-0123456789abcdef",
                        twilio_auth_token="be4c92bdf1df79c63e2ca2dfcb5f01e8")
    app = create_app(settings, runtime=Runtime.from_settings(
        settings, clock=lambda: END - timedelta(hours=12)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        form = await client.get("/admin/login")
        match = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert match is not None
        await client.post("/admin/login", data={"email": "owner@bench.test",
                                                "password": PASSWORD, "csrf": match.group(1)})
        week = (END - timedelta(days=60)).date()  # a week the appointments fill
        pages = {"inbox (new)": "/admin/t/demo/inbox",
                 "inbox (all, page 40)": "/admin/t/demo/inbox?status=all&page=40",
                 "inbox search": "/admin/t/demo/inbox?status=all&q=number%201234",
                 "call log": "/admin/t/demo/calls",
                 "call log (page 1000)": "/admin/t/demo/calls?page=1000",
                 "dashboard": "/admin/t/demo/dashboard",
                 "dashboard (30 days)": "/admin/t/demo/dashboard?days=30",
                 "one message": "/admin/t/demo/messages/100",
                 "week calendar (everyone)": f"/admin/t/demo/agenda?week={week}",
                 "week calendar (this week, a cleaning)": "/admin/t/demo/agenda?type=cleaning",
                 "week calendar (one agenda)": f"/admin/t/demo/agenda?agenda=martin&week={week}",
                 "one day": f"/admin/t/demo/agenda?day={week}"}
        if middle_call:
            pages["one call"] = f"/admin/t/demo/calls/{middle_call}"
        results = {}
        for name, path in pages.items():
            timings = []
            for _ in range(repeat):
                began = clock.perf_counter()
                response = await client.get(path)
                timings.append(clock.perf_counter() - began)
                assert response.status_code == 200, (path, response.status_code)
            timings.sort()
            results[name] = (statistics.median(timings) * 1000,
                             timings[min(len(timings) - 1, int(0.95 * len(timings)))] * 1000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--appointments", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-admin-"))
    measured = {}
    for label, calls, messages, booked in (
            ("baseline", 2_000, 400, 400),
            ("big", args.calls, args.messages, args.appointments)):
        url = f"sqlite:///{tmp / label}.db"
        upgrade(url)
        middle = fill(url, calls, messages, booked)
        measured[label] = asyncio.run(measure(url, middle, args.repeat))
    print(f"\nadmin pages, server time through ASGI (SQLite): {args.calls:,} calls, "
          f"{args.messages:,} messages and {args.appointments:,} appointments vs a baseline "
          "of 2,000 / 400 / 400\n")
    print("| page | p50 ms | p95 ms | baseline p95 ms | ratio |")
    print("|---|---|---|---|---|")
    for name, (p50, p95) in measured["big"].items():
        base = measured["baseline"][name][1]
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {base:.1f} | {p95 / base:.2f}x |")


if __name__ == "__main__":
    main()
