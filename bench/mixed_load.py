"""Callers during an API burst: webhook latency with and without 50 API clients booking.

One uvicorn process (PostgreSQL by default: there the call path has database threads of
its own, `Database.run(work, urgent=True)`). Paced calls (`--calls` at a time, each
caller pausing `--think` s between its three signed webhooks, as in `bench.webhooks`)
run alone, then again while `--clients` API clients each ask a day's availability and
book a free slot of it, without pause, until the calls are done. Runs alternate
(alone, during) `--runs` times; printed: webhook p50 / p99 of each run, their medians,
the ratio during / alone, and the bookings made meanwhile (0 double bookings checked in
the database).

    python -m bench.mixed_load [--runs 3] [--calls 20] [--think 0.3] [--clients 50]
                               [--database postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import httpx

from bench.booking import double_bookings, seed_agendas
from bench.databases import CHOICES, bench_database
from bench.webhooks import ACCOUNT, PUBLIC_BASE, TOKEN, Stats, drive, free_port, pct, wait_for


async def book_until(stop: asyncio.Event, http: aiohttp.ClientSession, base: str,
                     token: str, agenda: str, days: list[str], rng: random.Random) -> int:
    """One API client: a day's availability, then a random free slot of it, until
    `stop`; returns its bookings."""
    headers = {"Authorization": f"Bearer {token}"}
    booked = 0
    while not stop.is_set() and days:
        day = rng.choice(days)
        async with http.get(f"{base}/api/v1/tenants/demo/availability",
                            params={"date": day, "agenda": agenda}, headers=headers) as got:
            slots = (await got.json())["slots"]
        if not slots:
            days.remove(day)
            continue
        async with http.post(f"{base}/api/v1/tenants/demo/appointments", headers=headers,
                             json={"starts_at": rng.choice(slots), "agenda": agenda}) as made:
            await made.read()
            booked += made.status == 201
    return booked


async def during_burst(base: str, token: str, agenda: str, days: list[str],
                       args: argparse.Namespace) -> tuple[Stats, int]:
    stop = asyncio.Event()
    connector = aiohttp.TCPConnector(limit=args.clients)
    async with aiohttp.ClientSession(connector=connector) as http:
        clients = [asyncio.create_task(book_until(stop, http, base, token, agenda,
                                                  list(days), random.Random(i)))
                   for i in range(args.clients)]
        await asyncio.sleep(0.5)  # the burst under way before the first call
        stats = await drive(base, args.calls * 3, args.calls, args.think)
        stop.set()
        booked = sum(await asyncio.gather(*clients))
    return stats, booked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--calls", type=int, default=20, help="calls in progress at once")
    parser.add_argument("--think", type=float, default=0.3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--database", choices=CHOICES, default="postgresql")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    with bench_database(args.database, tmp, "mixed") as url:
        token = seed_agendas(url, [f"burst-{index}" for index in range(1, args.runs + 1)])
        env = {**os.environ, "RECEPTIONIST_ENV": "production", "PUBLIC_BASE_URL": PUBLIC_BASE,
               "DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT,
               "SECRET_KEY": "bench-secret-key-0123456789abcdef",
               "RECORDINGS_DIR": str(tmp / "rec"), "CALLS_PER_MINUTE": "1000000"}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = wait_for([sys.executable, "-m", "uvicorn", "--factory",
                           "receptionist.main:create_app", "--port", str(port),
                           "--no-access-log", "--log-level", "warning"], env, port)
        first = datetime.now(UTC).date() + timedelta(days=2)
        days = [(first + timedelta(days=d)).isoformat() for d in range(7)]
        rows: list[tuple[str, Stats, int]] = []
        try:
            with httpx.Client(base_url=base) as warm:  # lazy imports and caches
                for _ in range(20):
                    warm.get("/api/v1/tenants/demo/availability",
                             params={"date": days[0], "agenda": "burst-1"},
                             headers={"Authorization": f"Bearer {token}"}).raise_for_status()
            asyncio.run(drive(base, 30, 10))
            for index in range(1, args.runs + 1):
                rows.append(("alone", asyncio.run(drive(base, args.calls * 3, args.calls,
                                                        args.think)), 0))
                stats, booked = asyncio.run(during_burst(base, token, f"burst-{index}", days,
                                                         args))
                rows.append((f"during {args.clients} API clients", stats, booked))
        finally:
            server.terminate()
            server.wait()
        overlaps = double_bookings(url)
    print(f"\n{args.calls} calls at a time, {args.calls * 3} calls a run, callers pausing "
          f"~{args.think} s; 1 uvicorn process, {args.database}, {os.cpu_count()} cores\n")
    print("| run | webhooks | errors | p50 ms | p99 ms | bookings meanwhile |")
    print("|---|---|---|---|---|---|")
    for name, stats, booked in rows:
        print(f"| {name} | {len(stats.all)} | {stats.errors} | {pct(stats.all, 50):.1f} | "
              f"{pct(stats.all, 99):.1f} | {booked} |")
    alone = [stats for name, stats, _ in rows if name == "alone"]
    during = [stats for name, stats, _ in rows if name != "alone"]
    print("\n| webhooks | p50 ms, median | p99 ms, median | p99 range |")
    print("|---|---|---|---|")
    medians = {}
    for name, group in (("alone", alone), ("during the API burst", during)):
        p50 = statistics.median(pct(s.all, 50) for s in group)
        p99s = [pct(s.all, 99) for s in group]
        medians[name] = (p50, statistics.median(p99s))
        print(f"| {name} | {p50:.1f} | {statistics.median(p99s):.1f} | "
              f"{min(p99s):.1f}–{max(p99s):.1f} |")
    (a50, a99), (d50, d99) = medians["alone"], medians["during the API burst"]
    print(f"\nduring / alone: p50 {d50 / a50:.1f}x, p99 {d99 / a99:.1f}x; "
          f"double bookings: {overlaps}")


if __name__ == "__main__":
    main()
