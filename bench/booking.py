"""Booking performance: availability with thousands of appointments, and 50 concurrent
clients booking through the HTTP API.

1. Availability for an agenda open 24/7 in 15-minute slots over a 60-day horizon, with
   1,250 / 2,500 / 5,000 existing appointments: the whole horizon (what a calendar view
   asks), the phone offer (first free day) and one day (the API). Ratios are against the
   1,250-appointment run: linear growth would be 2x and 4x.
2. 50 concurrent clients against one uvicorn process (SQLite): each asks a day's
   availability and books a random free slot of it, until full. First one day (288
   five-minute slots: every client races for the same few slots at the end, the
   no-double-booking test), then one week (2,016 slots: the steady rate). Prints
   bookings and requests per second, request latency median / p95, the CPU the server
   and the load generator used, and double bookings (must be 0, checked in the database
   afterwards).

   The API part runs `--runs` times on the same server (fresh agendas each time) and
   prints the median bookings/s with the range.

    python -m bench.booking [--clients 50] [--repeat 200] [--runs 5]
                            [--database sqlite|postgresql]
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import httpx
from sqlalchemy import insert, text
from sqlmodel import Session

from bench.databases import CHOICES, bench_database
from bench.process_cpu import own_seconds
from bench.timing import ms, timed
from receptionist.appointments import agendas, free_times
from receptionist.appointments.models import Agenda, Appointment, SlotClaim
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.migrations_runner import upgrade
from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import create_token

NOW = datetime(2026, 11, 17, 0, 0, tzinfo=UTC)
ALWAYS = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def fill(session: Session, agenda: Agenda, count: int, rng: random.Random) -> None:
    """`count` appointments on random free 15-minute slots of the 60-day horizon."""
    assert agenda.id is not None
    starts = [NOW + timedelta(minutes=15 * i) for i in range(4, 60 * 96)]
    chosen = sorted(rng.sample(starts, count))
    rows = [{"tenant_id": agenda.tenant_id, "agenda_id": agenda.id,
             "uid": f"{uuid.uuid4()}@receptionist", "starts_at": s,
             "ends_at": s + timedelta(minutes=15), "start_s": int(s.timestamp()),
             "end_s": int(s.timestamp()) + 900, "block_end_s": int(s.timestamp()) + 900,
             "appointment_type": "", "buffer_minutes": 0, "status": "booked", "caller_number": "",
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
        "whole horizon": lambda: free_times.available(
            session, agenda, now=NOW, start=NOW, end=NOW + timedelta(days=60)),
        "phone offer": lambda: free_times.first_day_with_slots(session, agenda, now=NOW),
        "one day": lambda: free_times.available(
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
            agenda = agendas.create_agenda(
                session, tenant=tenant, slug=f"bench{count}", name="Bench", weekly_hours=ALWAYS,
                timezone="America/New_York", slot_minutes=15, min_notice_minutes=0,
                horizon_days=60)
            session.commit()
            fill(session, agenda, count, random.Random(count))
            cases = computations(session, agenda)
            for name, run in cases.items():
                p50, p95, found = timed(run, repeat)
                base.setdefault(name, p50)
                rows.append(f"| {name} | {count} | {found} | {p50:.2f} | {p95:.2f} | "
                            f"{p50 / base[name]:.2f}x |")
        engine.dispose()
    return rows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client_loop(http: aiohttp.ClientSession, base: str, token: str, agenda: str,
                      days: list[str], rng: random.Random, run: RaceRun) -> None:
    """One client: a day's availability (a random day still open to it), then a random
    free slot of it; a day with nothing free is dropped; until every day is full."""
    headers = {"Authorization": f"Bearer {token}"}
    days = list(days)
    while days:
        day = rng.choice(days)
        began = time.perf_counter()
        async with http.get(f"{base}/api/v1/tenants/demo/availability",
                            params={"date": day, "agenda": agenda}, headers=headers) as got:
            slots = (await got.json())["slots"]
        run.latencies.append(time.perf_counter() - began)
        if not slots:
            days.remove(day)
            continue
        began = time.perf_counter()
        async with http.post(f"{base}/api/v1/tenants/demo/appointments", headers=headers,
                             json={"starts_at": rng.choice(slots), "agenda": agenda}) as booked:
            await booked.read()
        run.latencies.append(time.perf_counter() - began)
        run.outcomes[booked.status] = run.outcomes.get(booked.status, 0) + 1


@dataclass
class RaceRun:
    latencies: list[float] = field(default_factory=list)
    outcomes: dict[int, int] = field(default_factory=dict)


SCENARIOS = (("one day", "day", 1), ("one week", "week", 7))


def seed_agendas(url: str, slugs: list[str]) -> str:
    """Migrate and seed the demo, with one always-open agenda of five-minute slots per
    slug for the demo business; returns an API token of that business."""
    upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seed_demo(session)
        tenant = get_tenant(session, slug="demo")
        for slug in slugs:
            agendas.create_agenda(session, tenant=tenant, slug=slug, name=slug,
                                  weekly_hours=ALWAYS, timezone="UTC", slot_minutes=5,
                                  min_notice_minutes=0, horizon_days=60)
        token = create_token(session, tenant=tenant, name="bench", now=NOW)
        session.commit()
    engine.dispose()
    return token


def double_bookings(url: str) -> int:
    """Booked appointments of one agenda that overlap another (must be 0)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        overlaps = conn.execute(text(
            "SELECT count(*) FROM appointments a JOIN appointments b ON a.id < b.id "
            "AND a.agenda_id = b.agenda_id AND a.status = 'booked' AND b.status = 'booked' "
            "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at")).scalar_one()
    engine.dispose()
    return int(overlaps)


def booking_rows(url: str, clients: int, runs: int) -> tuple[list[str], list[str], int]:
    """Each run books fresh agendas of its own (`day-2`, `week-2`...) on the same server;
    the summary is the median of the runs' bookings/s (and their range) per scenario."""
    slugs = [f"{slug}-{index}" for index in range(1, runs + 1) for _, slug, _ in SCENARIOS]
    token = seed_agendas(url, [*slugs, "warm"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": url, "RECEPTIONIST_ENV": "production",
           "SECRET_KEY": "bench-secret-key-0123456789abcdef",
           "TWILIO_AUTH_TOKEN": "be4c92bdf1df79c63e2ca2dfcb5f01e8",
           "PUBLIC_BASE_URL": "http://bench.example.com"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                               "receptionist.main:create_app", "--port", str(port),
                               "--log-level", "warning"], env=env)
    rows: list[str] = []
    rates: dict[str, list[float]] = {name: [] for name, _, _ in SCENARIOS}
    per_request: dict[str, list[float]] = {name: [] for name, _, _ in SCENARIOS}
    first = datetime.now(UTC).date() + timedelta(days=2)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        with httpx.Client(base_url=base) as warm:
            # First requests pay for lazy imports and caches: not what is measured.
            for _ in range(20):
                warm.get("/api/v1/tenants/demo/availability",
                         params={"date": first.isoformat(), "agenda": "warm"},
                         headers={"Authorization": f"Bearer {token}"}).raise_for_status()
        for index, (name, slug, count) in (
                (index, scenario) for index in range(1, runs + 1) for scenario in SCENARIOS):
            slug = f"{slug}-{index}"
            days = [(first + timedelta(days=d)).isoformat() for d in range(count)]
            run = RaceRun()

            async def race(slug: str = slug, days: list[str] = days, run: RaceRun = run
                           ) -> float:
                # aiohttp, as in bench.webhooks: httpx's pool costs the load generator
                # more CPU than the server spends on a request at 50 connections.
                connector = aiohttp.TCPConnector(limit=clients)
                async with aiohttp.ClientSession(connector=connector) as http:
                    began = time.perf_counter()
                    await asyncio.gather(*(client_loop(http, base, token, slug, days,
                                                       random.Random(i), run)
                                           for i in range(clients)))
                    return time.perf_counter() - began

            server_cpu, own_cpu = own_seconds(server.pid), time.process_time()
            elapsed = asyncio.run(race())
            server_cpu = own_seconds(server.pid) - server_cpu
            own_cpu = time.process_time() - own_cpu
            booked = run.outcomes.get(201, 0)
            requests = len(run.latencies)
            p50, p95 = ms(run.latencies)
            rows.append(
                f"| {name} | {clients} | {booked} | {run.outcomes.get(409, 0)} | "
                f"{sum(v for k, v in run.outcomes.items() if k not in (201, 409))} | "
                f"{booked / elapsed:.0f} | {requests / elapsed:.0f} | {p50:.1f} | {p95:.1f} | "
                f"{server_cpu / elapsed:.0%} | {own_cpu / elapsed:.0%} | "
                f"{server_cpu / requests * 1000:.2f} |")
            rates[name].append(booked / elapsed)
            per_request[name].append(server_cpu / requests * 1000)
    finally:
        server.terminate()
        server.wait()
    overlaps = double_bookings(url)
    summary = [f"| {name} | {runs} | {statistics.median(rates[name]):.0f} | "
               f"{min(rates[name]):.0f}–{max(rates[name]):.0f} | "
               f"{statistics.median(per_request[name]):.2f} |" for name, _, _ in SCENARIOS]
    return rows, summary, overlaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5,
                        help="API runs on one server (fresh agendas each): the median counts")
    parser.add_argument("--database", choices=CHOICES, default="sqlite",
                        help="for the HTTP API part; postgresql: a server started from "
                             "Debian's binaries")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-booking-"))
    rows = availability_rows(tmp, args.repeat)
    print("\navailability (one process, SQLite, 15-minute slots, 60-day horizon)\n")
    print("| computation | appointments | free slots found | p50 ms | p95 ms | p50 vs 1,250 |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    with bench_database(args.database, tmp, "race") as url:
        race, summary, overlaps = booking_rows(url, args.clients, args.runs)
    print(f"\nbooking through the HTTP API until full: one day (288 five-minute slots, "
          f"every client racing for the same ones), then one week (2,016), 1 uvicorn "
          f"process, {args.database}, {os.cpu_count()} cores. CPU: the server's and the load "
          f"generator's (this process), as a share of one core over the run\n")
    print("| run | clients | booked (201) | 409 | other | bookings/s | requests/s | "
          "request p50 ms | request p95 ms | server CPU | load generator CPU | "
          "server CPU ms per request |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(race))
    print(f"\nmedian of the {args.runs} runs\n")
    print("| run | runs | bookings/s, median | range | server CPU ms per request, median |")
    print("|---|---|---|---|---|")
    print("\n".join(summary))
    print(f"\ndouble bookings (checked in the database afterwards): {overlaps}")
    if overlaps:
        sys.exit(f"{overlaps} double bookings")
    print(json.dumps({"double_bookings": overlaps}))


if __name__ == "__main__":
    main()
