"""Booking performance: availability with thousands of appointments, and 50 concurrent
clients booking the same day through the HTTP API.

1. Availability for an agenda open 24/7 in 15-minute slots over a 60-day horizon, with
   1,250 / 2,500 / 5,000 existing appointments: the whole horizon (what a calendar view
   asks), the phone offer (first free day) and one day (the API). Ratios are against the
   1,250-appointment run: linear growth would be 2x and 4x.
2. 50 concurrent clients against one uvicorn process (SQLite), all booking on one day:
   each asks the day's availability and books a random free slot, until the day is full.
   Prints request latency median / p95, bookings per second and double bookings (must
   be 0, checked in the database afterwards).

    python -m bench.booking [--clients 50] [--repeat 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, text
from sqlmodel import Session

from receptionist.appointments import service as appointments
from receptionist.appointments.models import Agenda, Appointment, SlotClaim
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.migrations_runner import upgrade
from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import create_token

NOW = datetime(2026, 11, 17, 0, 0, tzinfo=UTC)
ALWAYS = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return (statistics.median(ordered) * 1000,
            ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000)


def fill(session: Session, agenda: Agenda, count: int, rng: random.Random) -> None:
    """`count` appointments on random free 15-minute slots of the 60-day horizon."""
    assert agenda.id is not None
    starts = [NOW + timedelta(minutes=15 * i) for i in range(4, 60 * 96)]
    chosen = sorted(rng.sample(starts, count))
    rows = [{"tenant_id": agenda.tenant_id, "agenda_id": agenda.id,
             "uid": f"{uuid.uuid4()}@receptionist", "starts_at": s,
             "ends_at": s + timedelta(minutes=15), "start_s": int(s.timestamp()),
             "end_s": int(s.timestamp()) + 900, "status": "booked", "caller_number": "",
             "caller_name": "", "language": "en-US", "source": "api", "sequence": 0,
             "created_at": NOW, "updated_at": NOW, "sync_state": "none", "sync_attempts": 0,
             "sync_error": ""} for s in chosen]
    session.execute(insert(Appointment.__table__), rows)  # type: ignore[attr-defined]
    ids = session.execute(text("SELECT id FROM appointments WHERE agenda_id = :a ORDER BY "
                               "starts_at"), {"a": agenda.id}).scalars().all()
    claims = [{"agenda_id": agenda.id, "appointment_id": appointment_id,
               "unit_start": start + timedelta(minutes=5 * k)}
              for appointment_id, start in zip(ids, chosen, strict=True) for k in range(3)]
    session.execute(insert(SlotClaim.__table__), claims)  # type: ignore[attr-defined]
    session.commit()


def computations(session: Session, agenda: Agenda) -> dict[str, Callable[[], list[datetime]]]:
    return {
        "whole horizon": lambda: appointments.available(
            session, agenda, now=NOW, start=NOW, end=NOW + timedelta(days=60)),
        "phone offer": lambda: appointments.first_day_with_slots(session, agenda, now=NOW),
        "one day": lambda: appointments.available(
            session, agenda, now=NOW, start=NOW + timedelta(days=30),
            end=NOW + timedelta(days=31)),
    }


def availability_rows(tmp: Path, repeat: int) -> list[str]:
    rows = []
    base: dict[str, float] = {}
    for count in (1250, 2500, 5000):
        url = f"sqlite:///{tmp / f'avail-{count}.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            seed_demo(session)
            tenant = get_tenant(session, slug="demo")
            agenda = appointments.create_agenda(
                session, tenant=tenant, slug=f"bench{count}", name="Bench", weekly_hours=ALWAYS,
                timezone="America/New_York", slot_minutes=15, min_notice_minutes=0,
                horizon_days=60)
            session.commit()
            fill(session, agenda, count, random.Random(count))
            cases = computations(session, agenda)
            for name, run in cases.items():
                run()  # warm
                timings = []
                for _ in range(repeat):
                    began = time.perf_counter()
                    found = run()
                    timings.append(time.perf_counter() - began)
                p50, p95 = ms(timings)
                base.setdefault(name, p50)
                rows.append(f"| {name} | {count} | {len(found)} | {p50:.2f} | {p95:.2f} | "
                            f"{p50 / base[name]:.2f}x |")
        engine.dispose()
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client_loop(http: httpx.AsyncClient, token: str, day: str, rng: random.Random,
                      latencies: list[float], outcomes: dict[int, int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        began = time.perf_counter()
        response = await http.get(f"/api/v1/tenants/demo/availability?date={day}&agenda=busy",
                                  headers=headers)
        latencies.append(time.perf_counter() - began)
        slots = response.json()["slots"]
        if not slots:
            return
        began = time.perf_counter()
        booked = await http.post("/api/v1/tenants/demo/appointments", headers=headers,
                                 json={"starts_at": rng.choice(slots), "agenda": "busy"})
        latencies.append(time.perf_counter() - began)
        outcomes[booked.status_code] = outcomes.get(booked.status_code, 0) + 1


def booking_rows(tmp: Path, clients: int) -> tuple[list[str], int]:
    url = f"sqlite:///{tmp / 'race.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seed_demo(session)
        tenant = get_tenant(session, slug="demo")
        appointments.create_agenda(session, tenant=tenant, slug="busy", name="Busy",
                                   weekly_hours=ALWAYS, timezone="UTC", slot_minutes=5,
                                   min_notice_minutes=0, horizon_days=60)
        token = create_token(session, tenant=tenant, name="bench", now=NOW)
        session.commit()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "RECEPTIONIST_ENV": "production",
           "SECRET_KEY": "bench-secret-key-0123456789abcdef",
           "TWILIO_AUTH_TOKEN": "be4c0123456789abcdef0123456789ab",
           "PUBLIC_BASE_URL": "http://bench.example.com"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                               "receptionist.main:create_app", "--port", str(port),
                               "--log-level", "warning"], env=env)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
        latencies: list[float] = []
        outcomes: dict[int, int] = {}

        async def run() -> float:
            limits = httpx.Limits(max_connections=clients)
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits,
                                         timeout=30) as http:
                began = time.perf_counter()
                await asyncio.gather(*(client_loop(http, token, day, random.Random(i),
                                                   latencies, outcomes)
                                       for i in range(clients)))
                return time.perf_counter() - began

        elapsed = asyncio.run(run())
    finally:
        server.terminate()
        server.wait()
    with engine.connect() as conn:
        overlaps = conn.execute(text(
            "SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id "
            "AND a.agenda_id = b.agenda_id AND a.status = 'booked' AND b.status = 'booked' "
            "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at")).scalar_one()
        booked = conn.execute(text("SELECT count(*) FROM appointments WHERE status='booked'")
                              ).scalar_one()
    p50, p95 = ms(latencies)
    row = (f"| {clients} | {booked} | {outcomes.get(201, 0)} | {outcomes.get(409, 0)} | "
           f"{sum(v for k, v in outcomes.items() if k not in (201, 409))} | "
           f"{booked / elapsed:.0f} | {p50:.1f} | {p95:.1f} | {overlaps} |")
    return [row], int(overlaps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-booking-"))
    rows = availability_rows(tmp, args.repeat)
    print("\navailability (one process, SQLite, 15-minute slots, 60-day horizon)\n")
    print("| computation | appointments | free slots found | p50 ms | p95 ms | p50 vs 1,250 |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    race, overlaps = booking_rows(tmp, args.clients)
    print(f"\nbooking one day (288 five-minute slots) through the HTTP API, 1 uvicorn "
          f"process, SQLite, {os.cpu_count()} cores\n")
    print("| clients | booked | 201 | 409 | other | bookings/s | request p50 ms | "
          "request p95 ms | double bookings |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(race))
    if overlaps:
        sys.exit(f"{overlaps} double bookings")
    print(json.dumps({"double_bookings": overlaps}))


if __name__ == "__main__":
    main()
