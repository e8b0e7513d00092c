"""Where a webhook's time goes: calls played in-process against the app (no network,
no uvicorn), each request timed by phase, then a cProfile of the whole run.

Phases (per request, median and p99 over the run):
- parse: reading the form and validating it (twilio/forms.py);
- signature: X-Twilio-Signature (HMAC over URL + form);
- handle: the webhook's own work in its transaction (routing, script, flow, TwiML),
  minus the statements and the commit;
- sql: time spent executing statements (SQLAlchemy `before/after_cursor_execute`),
  and how many statements per request;
- commit: the transaction's commit;
- framework: the rest (ASGI, FastAPI routing, the response; the client is httpx on an
  in-process ASGI transport, no socket).

On SQLite webhook transactions run on the event loop (`Database.inline_writes`), so the
whole request is in one thread and the profile sees all of it.

    python -m bench.profile_webhooks [--calls 300] [--top 25] [--sort tottime]
                                     [--database sqlite|postgresql] [--dump FILE]
                                     [--statements CHARS]

`--dump` also writes the raw profile (pstats' format), to read its callers with
`python -m pstats FILE`.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

from bench.databases import CHOICES, bench_database

PUBLIC_BASE = "https://bench.example.com"
TOKEN = "be4c92bdf1df79c63e2ca2dfcb5f01e8"
ACCOUNT = "AC" + "3" * 32
ACTION = re.compile(r'action="([^"]+)"')


class Phases:
    """Accumulates time per phase for the request in flight."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.statements = 0
        self.texts: list[str] = []  # the statements of the request in flight
        self.last: dict[str, list[str]] = {}  # each route's latest statements
        self.done: list[tuple[str, dict[str, float], int]] = []

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.current[phase] += time.perf_counter() - began

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(phase):
                return function(*args, **kwargs)
        return timed

    def finish(self, route: str, total: float) -> None:
        phases = dict(self.current)
        transaction = phases.pop("transaction", 0.0)
        phases["handle"] = max(transaction - phases.get("sql", 0.0)
                               - phases.get("commit", 0.0), 0.0)
        phases["framework"] = max(total - transaction - phases.get("parse", 0.0)
                                  - phases.get("signature", 0.0), 0.0)
        phases["total"] = total
        self.done.append((route, phases, self.statements))
        self.last[route] = self.texts
        self.current = defaultdict(float)
        self.statements = 0
        self.texts = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative",
                        help="tottime: where the time is spent, not what it is spent under")
    parser.add_argument("--database", choices=CHOICES, default="sqlite",
                        help="postgresql: a server started from Debian's binaries; the "
                             "webhooks' transactions then run on the event loop too, so "
                             "that the profile sees them (they run in threads when served)")
    parser.add_argument("--dump", type=Path, help="also write the raw profile there")
    parser.add_argument("--statements", type=int, default=0, metavar="CHARS",
                        help="also print each route's statements (their first CHARS)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    with bench_database(args.database, tmp, "bench") as url:
        profile(args, tmp, url)


def profile(args: argparse.Namespace, tmp: Path, url: str) -> None:
    os.environ.update({
        "RECEPTIONIST_ENV": "production", "PUBLIC_BASE_URL": PUBLIC_BASE,
        "DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_ACCOUNT_SID": ACCOUNT, "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "RECORDINGS_DIR": str(tmp / "rec"), "CALLS_PER_MINUTE": "1000000",
        "SPEECH_ENGINE": "pocketsphinx", "VOSK_MODEL_DIR": str(tmp / "models")})

    import asyncio
    from datetime import UTC, datetime

    import httpx
    from sqlalchemy import event
    from sqlmodel import Session
    from twilio.request_validator import RequestValidator

    from receptionist import db
    from receptionist.config import get_settings
    from receptionist.demo import seed_demo
    from receptionist.main import create_app
    from receptionist.migrations_runner import upgrade
    from receptionist.runtime import Runtime
    from receptionist.twilio import views, webhooks

    settings = get_settings()
    upgrade(settings.database_url)
    if args.database == "postgresql":
        forced: Any = db.Database
        forced.inline_writes = property(lambda self: True)
    # A Tuesday at 10:00 in New York: the demo is open, its menu answers.
    runtime = Runtime.from_settings(settings, clock=lambda: datetime(2026, 11, 17, 15, 0,
                                                                     tzinfo=UTC))
    with runtime.database.session() as session:
        seed_demo(session)
        session.commit()
    phases = Phases()
    # Webhooks run on the call lane (`Database.call_engine`, a pool of its own): its
    # statements are the ones to time (on in-memory SQLite it is the general engine).
    lane = runtime.database.call_engine

    @event.listens_for(lane, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
                many: bool) -> None:
        conn.info["bench_began"] = time.perf_counter()

    @event.listens_for(lane, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any,
               many: bool) -> None:
        phases.current["sql"] += time.perf_counter() - conn.info.pop("bench_began")
        phases.statements += 1
        phases.texts.append(" ".join(statement.split()))

    @event.listens_for(lane, "commit")
    def _commit_began(conn: Any) -> None:
        conn.info["bench_commit"] = time.perf_counter()

    # Phase probes: wrap the functions each phase runs (module attributes, looked up at
    # each request).
    probe: Any = views
    probe.is_valid = phases.wrap("signature", probe.is_valid)
    probe.parse = phases.wrap("parse", probe.parse)
    probe.read_form = phases.wrap("parse", probe.read_form)
    transactions: Any = webhooks
    transactions.answered_once = phases.wrap("transaction", webhooks.answered_once)
    sessions: Any = Session
    original_commit = Session.commit

    def commit(self: Session) -> None:
        with phases.timing("commit"):
            original_commit(self)
    sessions.commit = commit

    app = create_app(settings, runtime=runtime)
    validator = RequestValidator(TOKEN)
    loop = asyncio.new_event_loop()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                               base_url="http://bench")

    def request(url: str, data: dict[str, str]) -> str:
        headers = {"X-Twilio-Signature": validator.compute_signature(url, data)}
        began = time.perf_counter()
        response = loop.run_until_complete(
            client.post(url.removeprefix(PUBLIC_BASE), data=data, headers=headers))
        total = time.perf_counter() - began
        route = url.removeprefix(PUBLIC_BASE + "/twilio/").split("?")[0]
        # `handle`: what the webhook did besides statements and commit.
        phases.finish(route, total)
        assert response.status_code == 200, response.text
        return response.text

    def one_call(index: int) -> None:
        sid = f"CA{index:032x}"
        form = {"CallSid": sid, "AccountSid": ACCOUNT, "From": f"+1555{index % 10_000:07d}",
                "To": "+15005550006", "CallStatus": "in-progress", "Direction": "inbound",
                "StirVerstat": "TN-Validation-Passed-A"}
        url = PUBLIC_BASE + "/twilio/voice"
        for extra in ({}, {"Digits": "2"},
                      {"RecordingSid": f"RE{index:032x}",
                       "RecordingUrl": "https://api.twilio.com/r/1",
                       "RecordingDuration": "5", "Digits": "#"}):
            body = request(url, {**form, **extra})
            match = ACTION.search(body)
            if match is None:
                return
            url = unescape(match.group(1))

    for index in range(20):  # warm-up: models trained, caches filled
        one_call(10_000_000 + index)
    phases.done.clear()
    for index in range(args.calls):  # timed, without the profiler's overhead
        one_call(index)
    timed = list(phases.done)
    profile = cProfile.Profile()
    profile.enable()
    for index in range(args.calls):
        one_call(args.calls + index)
    profile.disable()

    print(f"\nper request, {args.calls} calls x 3 requests, in-process (ms; sql is the time "
          "in statements)\n")
    names = ["parse", "signature", "handle", "sql", "commit", "framework", "total"]
    print("| route | n | statements | " + " | ".join(f"{n} p50" for n in names)
          + " | total p99 |")
    print("|---|---|---|" + "---|" * (len(names) + 1))
    by_route: dict[str, list[tuple[dict[str, float], int]]] = defaultdict(list)
    for route, measured, statements in timed:
        by_route[route].append((measured, statements))
    for route, rows in by_route.items():
        cells = [statistics.median(m.get(n, 0.0) for m, _ in rows) * 1000 for n in names]
        totals = sorted(m["total"] for m, _ in rows)
        p99 = totals[min(len(totals) - 1, int(len(totals) * 0.99))] * 1000
        per_request = statistics.median(s for _, s in rows)
        print(f"| {route} | {len(rows)} | {per_request:.0f} | "
              + " | ".join(f"{c:.2f}" for c in cells) + f" | {p99:.2f} |")
    if args.statements:
        for route, texts in phases.last.items():
            print(f"\nthe statements of one {route} request, as run:")
            for text in texts:
                print(f"- {text[:args.statements]}")
    if args.dump:
        profile.dump_stats(args.dump)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(f"\ncProfile of another {args.calls} calls, {args.sort}, top", args.top)
    print(out.getvalue())
    loop.run_until_complete(client.aclose())
    loop.close()
    runtime.close()


if __name__ == "__main__":
    main()
