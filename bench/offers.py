"""What a phone offer costs in a practice: 5 practitioners, 3 appointment types (30, 45 and
60 + 10 minutes), and 5,000 appointments: per practitioner, 500 of mixed types at random
free times of the 60-day horizon (about two thirds of their time: offers must skip what
is taken) and 500 in the months before (history, in the same table and index). Agendas
are open Mon-Sat 08:00-20:00 on a 15-minute grid.

Timed (the database work and the sweep, in one process):
- "first available" (every practitioner who offers the type: what "anyone" asks),
- "one practitioner" (the type with one named practitioner),
- "one week of a wish" ("next week, in the morning": the free times of a week, all
  practitioners),
each for every type, and the baseline of the same run: one agenda's plain offer (the
`book` step without types, what the demo does). Calendar reads are not part of an offer
(they run in the worker, every 30 s): reading and expanding a published busy-time feed of
500 events (100 of them weekly recurring), from a loopback HTTP server, is timed apart.

    python -m bench.offers [--repeat 200] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import insert, text
from sqlmodel import Session

from bench.databases import CHOICES, bench_database
from bench.timing import timed
from receptionist.appointments import busy_feed, free_times
from receptionist.appointments.agendas import create_agenda
from receptionist.appointments.availability import working_intervals
from receptionist.appointments.free_times import Kind
from receptionist.appointments.models import Agenda, Appointment
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.migrations_runner import upgrade
from receptionist.outbound import Policy
from receptionist.tenants.service import get_tenant

NOW = datetime(2026, 11, 17, 13, 0, tzinfo=UTC)  # a Tuesday, 08:00 in New York
WORKDAYS = {d: ["08:00-20:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
PRACTITIONERS = ("martin", "okafor", "lee", "dubois", "nguyen")
TYPES = {"checkup": Kind("checkup", 30), "consultation": Kind("consultation", 45),
         "cleaning": Kind("cleaning", 60, buffer_minutes=10)}
# Who offers what: a real practice's spread (the hygienist only cleans).
OFFERED = {"checkup": PRACTITIONERS[:2] + PRACTITIONERS[3:], "consultation": PRACTITIONERS[:2],
           "cleaning": PRACTITIONERS[1:]}
IN_HORIZON = 500  # per practitioner
IN_HISTORY = 500
FEED_EVENTS = 500


def _row(agenda: Agenda, kind: Kind, start: datetime) -> dict[str, object]:
    end = start + timedelta(minutes=kind.minutes)
    return {"tenant_id": agenda.tenant_id, "agenda_id": agenda.id,
            "uid": f"{uuid.uuid4()}@receptionist", "starts_at": start, "ends_at": end,
            "start_s": int(start.timestamp()), "end_s": int(end.timestamp()),
            "block_end_s": int(end.timestamp()) + 60 * kind.buffer_minutes,
            "appointment_type": kind.type_id, "buffer_minutes": kind.buffer_minutes,
            "status": "booked", "caller_number": "", "caller_name": "", "language": "en-US",
            "source": "api", "sequence": 0, "created_at": NOW, "updated_at": NOW,
            "sync_state": "none", "sync_attempts": 0, "sync_error": ""}


def fill(session: Session, agenda: Agenda, rng: random.Random) -> tuple[int, int]:
    """IN_HORIZON appointments of random types at random free grid times, and
    IN_HISTORY before NOW (ten a day, back to back). Returns both counts."""
    assert agenda.id is not None
    rules = free_times.rules_of(agenda)
    free = [t for t in free_times.available(session, agenda, now=NOW, start=NOW,
                                            end=NOW + timedelta(days=60))]
    taken_until: dict[datetime, datetime] = {}
    rows: list[dict[str, object]] = []
    kinds = list(TYPES.values())
    for start in rng.sample(free, len(free)):
        if len(rows) >= IN_HORIZON:
            break
        kind = rng.choice(kinds)
        end = start + timedelta(minutes=kind.minutes)
        block_end = end + timedelta(minutes=kind.buffer_minutes)
        if any(s < block_end and e > start for s, e in taken_until.items()):
            continue
        if start.astimezone(rules.tz).hour * 60 + kind.minutes > 20 * 60:
            continue
        taken_until[start] = block_end
        rows.append(_row(agenda, kind, start))
    in_horizon = len(rows)
    checkup = TYPES["checkup"]
    for index in range(IN_HISTORY):
        day = NOW - timedelta(days=1 + index // 10)
        rows.append(_row(agenda, checkup, day + timedelta(minutes=30 * (index % 10))))
    session.execute(insert(Appointment.__table__), rows)  # type: ignore[attr-defined]
    session.commit()
    return in_horizon, len(rows) - in_horizon


def fill_full(session: Session, agenda: Agenda) -> int:
    """Check-ups back to back over every working hour of the horizon."""
    rules = free_times.rules_of(agenda)
    first, last = NOW.date(), (NOW + timedelta(days=61)).date()
    rows = [_row(agenda, TYPES["checkup"], datetime.fromtimestamp(t, UTC))
            for opens, closes in working_intervals(rules, first, last)
            for t in range(opens, closes, 30 * 60)]
    session.execute(insert(Appointment.__table__), rows)  # type: ignore[attr-defined]
    session.commit()
    return len(rows)


def offer_cases(session: Session, people: list[Agenda], kind: Kind
                ) -> dict[str, Callable[[], list[object]]]:
    week = NOW + timedelta(days=7)

    def anyone() -> list[object]:
        return list(free_times.first_day_among(session, people, now=NOW, kind=kind))

    def one() -> list[object]:
        return list(free_times.first_day_among(session, people[:1], now=NOW, kind=kind))

    def wish() -> list[object]:
        return list(free_times.available_among(session, people, now=NOW, start=week,
                                               end=week + timedelta(days=7), kind=kind))

    return {f"first available ({len(people)} practitioners)": anyone,
            "one practitioner": one, "one week of a wish": wish}


def offer_rows(url: str, repeat: int) -> list[str]:
    upgrade(url)
    engine = make_engine(url)
    rows = []
    with Session(engine, expire_on_commit=False) as session:
        seed_demo(session)
        tenant = get_tenant(session, slug="demo")
        agendas = {slug: create_agenda(
            session, tenant=tenant, slug=slug, name=slug, weekly_hours=WORKDAYS,
            timezone="America/New_York", slot_minutes=15, min_notice_minutes=60,
            horizon_days=60) for slug in PRACTITIONERS}
        session.commit()
        rng = random.Random(5000)
        counts = [fill(session, agenda, rng) for agenda in agendas.values()]
        ahead, before = sum(c[0] for c in counts), sum(c[1] for c in counts)
        plain = agendas["martin"]
        base_p50, base_p95, base_found = timed(
            lambda: list(free_times.first_day_with_slots(session, plain, now=NOW)), repeat)
        rows.append(f"| baseline: one agenda's plain offer | - | {base_found} | "
                    f"{base_p50:.2f} | {base_p95:.2f} | 1.00x |")
        full = create_agenda(
            session, tenant=tenant, slug="full", name="full", weekly_hours=WORKDAYS,
            timezone="America/New_York", slot_minutes=15, min_notice_minutes=60,
            horizon_days=60)
        session.commit()
        packed = fill_full(session, full)
        # Planner statistics, as a live database has them (autovacuum would run ANALYZE
        # after such a load; without it PostgreSQL plans for empty tables).
        session.execute(text("ANALYZE"))
        session.commit()
        p50, p95, found = timed(lambda: list(free_times.first_day_among(
            session, [full], now=NOW, kind=TYPES["cleaning"])), repeat)
        rows.append(f"| worst case: nothing free in the horizon (a 6th agenda, {packed:,} "
                    f"more appointments) | cleaning | {found} | {p50:.2f} | {p95:.2f} | "
                    f"{p50 / base_p50:.2f}x |")
        for type_id, kind in TYPES.items():
            people = [agendas[slug] for slug in OFFERED[type_id]]
            cases = offer_cases(session, people, kind)
            for name, run in cases.items():
                p50, p95, found = timed(run, repeat)
                rows.append(f"| {name} | {type_id} | {found} | {p50:.2f} | {p95:.2f} | "
                            f"{p50 / base_p50:.2f}x |")
    engine.dispose()
    rows.insert(0, f"{ahead + before:,} appointments: {ahead:,} in the 60-day horizon, "
                   f"{before:,} before it")
    return rows


def _feed_text(rng: random.Random) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for index in range(FEED_EVENTS):
        start = NOW + timedelta(days=rng.randrange(60), minutes=15 * rng.randrange(48))
        lines += ["BEGIN:VEVENT", f"UID:bench-{index}@example.com",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + timedelta(minutes=45):%Y%m%dT%H%M%SZ}",
                  f"SUMMARY:event {index}"]
        if index % 5 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=12")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


@contextmanager
def feed_server(body: bytes) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/busy.ics"
    finally:
        server.shutdown()
        server.server_close()


def calendar_rows(repeat: int) -> list[str]:
    text = _feed_text(random.Random(500))
    policy = Policy(allowed=(ipaddress.ip_network("127.0.0.0/8"),))
    rows = []
    with feed_server(text.encode()) as url:
        fetch = timed(lambda: [busy_feed.fetch(url, policy=policy)], repeat)
        expand = timed(lambda: list(busy_feed.busy_in(text, timezone="America/New_York",
                                                      now=NOW, horizon_days=60)), repeat)
    rows.append(f"| fetch (loopback HTTP, {len(text) // 1024} KB) | {fetch[0]:.2f} | "
                f"{fetch[1]:.2f} | - |")
    rows.append(f"| parse and expand recurrences | {expand[0]:.2f} | {expand[1]:.2f} | "
                f"{expand[2]} busy times |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database", choices=CHOICES, default="sqlite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, \
            bench_database(args.database, Path(tmp), "offers") as url:
        rows = offer_rows(url, args.repeat)
    filled = rows.pop(0)
    print(f"\nphone offers ({args.database}, {len(PRACTITIONERS)} practitioners, "
          f"{len(TYPES)} types, {filled}; {args.repeat} runs each)\n")
    print("| offer | type | slots found | p50 ms | p95 ms | p50 vs baseline |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\ncalendar reads, apart (the worker's, every 30 s; {FEED_EVENTS} events, "
          f"{args.repeat // 10} runs)\n")
    print("| step | p50 ms | p95 ms | result |")
    print("|---|---|---|---|")
    print("\n".join(calendar_rows(max(10, args.repeat // 10))))
    print(f"\n(started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
