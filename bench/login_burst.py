"""Incoming calls while the login page is hammered: the call path against admin work.

`receptionist serve` (production settings, no in-process jobs) on SQLite or PostgreSQL.
Incoming calls (`POST /twilio/voice`, signed) and health checks arrive at a steady pace,
first alone (the baseline), then while rounds of 40 simultaneous wrong logins hit
`/admin/login`, each from its own client address (X-Forwarded-For from the trusted local
proxy address) for an email of its own, so that every login is admitted and a password
hashed. The table gives
the webhook's and `/healthz`'s latency in both phases, as a ratio to the baseline measured
in the same run, and what the logins were answered (no 500 expected).

    python -m bench.login_burst [--database sqlite|postgresql] [--calls 150] [--rounds 6]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from bench.databases import CHOICES, bench_database
from bench.webhooks import free_port, serve, settle

PUBLIC_BASE = "https://bench.example.com"
TOKEN = secrets.token_hex(16)
ACCOUNT = "AC" + secrets.token_hex(16)
BURST = 40
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _calls(base: str, count: int, pace: float, voice: list[float], health: list[float],
           errors: Counter[str]) -> None:
    """`count` incoming calls (and a health check after each), one every `pace` seconds."""
    validator = RequestValidator(TOKEN)
    url = PUBLIC_BASE + "/twilio/voice"
    with httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(count):
            form = {"CallSid": "CA" + secrets.token_hex(16), "AccountSid": ACCOUNT,
                    "From": "+15551230001", "To": "+15005550006", "CallStatus": "ringing",
                    "Direction": "inbound", "ApiVersion": "2010-04-01",
                    "StirVerstat": "TN-Validation-Passed-A"}
            began = time.perf_counter()
            answer = http.post("/twilio/voice", data=form, headers={
                "X-Twilio-Signature": validator.compute_signature(url, form)})
            voice.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 200 or "step=" not in answer.text:
                errors["call not answered by the script"] += 1
            began = time.perf_counter()
            if http.get("/healthz").status_code != 200:
                errors["health check failed"] += 1
            health.append((time.perf_counter() - began) * 1000)
            time.sleep(pace)


def _burst(base: str, addresses: itertools.count[int], statuses: Counter[int],
           took: list[float]) -> None:
    """40 wrong logins at once, each with its own CSRF token and client address."""
    browsers = []
    for _ in range(BURST):
        number = next(addresses)
        browser = httpx.Client(base_url=base, timeout=300, headers={
            "X-Forwarded-For": f"198.18.{number // 250}.{number % 250 + 1}"})
        match = _CSRF.search(browser.get("/admin/login").text)
        assert match, "no CSRF token on the login page"
        browsers.append((browser, match.group(1), f"guess{number}@bench.test"))
    start = threading.Barrier(BURST)

    def log_in(browser: httpx.Client, csrf: str, email: str) -> None:
        start.wait()
        began = time.perf_counter()
        status = browser.post("/admin/login", data={
            "email": email, "password": "a wrong guess", "csrf": csrf}).status_code
        took.append(time.perf_counter() - began)
        statuses[status] += 1
        browser.close()

    threads = [threading.Thread(target=log_in, args=pair) for pair in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(url: str, folder: Path, calls: int, rounds: int) -> None:
    env = {**os.environ, "RECEPTIONIST_ENV": "production", "PUBLIC_BASE_URL": PUBLIC_BASE,
           "DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": ACCOUNT,
           "SECRET_KEY": secrets.token_hex(32), "RECORDINGS_DIR": str(folder / "rec"),
           "PROMPTS_DIR": str(folder / "prompts"), "SPOOL_DIR": str(folder / "spool"),
           "CALLS_PER_MINUTE": "1000000", "LOG_LEVEL": "WARNING"}
    for command in (["migrate"], ["seed-demo"],
                    ["user", "add", "--email", "owner@bench.test", "--role", "owner",
                     "--tenant", "demo", "--password", secrets.token_urlsafe(16)]):
        subprocess.run([sys.executable, "-m", "receptionist.cli", *command], env=env,
                       check=True, capture_output=True)
    port = free_port()
    server = serve(False, env, port)
    base = f"http://127.0.0.1:{port}"
    phases: dict[str, tuple[list[float], list[float]]] = {}
    errors: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    took: list[float] = []
    try:
        settle(server.pid)
        _calls(base, 10, 0.05, [], [], Counter())  # warm-up
        phases["calls alone"] = ([], [])
        _calls(base, calls, 0.1, *phases["calls alone"], errors)
        phases["calls during login bursts"] = ([], [])
        addresses = itertools.count()
        caller = threading.Thread(target=_calls, args=(
            base, calls, 0.1, *phases["calls during login bursts"], errors))
        caller.start()
        for _ in range(rounds):
            if not caller.is_alive():
                break
            _burst(base, addresses, statuses, took)
        caller.join()
    finally:
        server.terminate()
        server.wait()
    database = url.split(":", 1)[0].split("+")[0]
    alone_voice, alone_health = phases["calls alone"]
    print(f"\n{calls} incoming calls at ~10/s, {database}, `serve --no-jobs`; bursts of "
          f"{BURST} wrong logins at once ({sum(statuses.values())} logins in all)\n")
    print("| phase | /twilio/voice p50 ms | p95 ms | max ms | p95 vs alone "
          "| /healthz p95 ms | vs alone |")
    print("|---|---|---|---|---|---|---|")
    for name, (voice, health) in phases.items():
        print(f"| {name} | {_pct(voice, 0.5):.1f} | {_pct(voice, 0.95):.1f} | "
              f"{max(voice):.1f} | {_pct(voice, 0.95) / _pct(alone_voice, 0.95):.2f}x | "
              f"{_pct(health, 0.95):.1f} | "
              f"{_pct(health, 0.95) / _pct(alone_health, 0.95):.2f}x |")
    print(f"\nlogins answered: {dict(sorted(statuses.items()))} (401 wrong password, "
          f"429 slowed down; 500: {statuses.get(500, 0)}); a login's answer took "
          f"{_pct(took, 0.5):.1f} s p50, {max(took):.1f} s at most (password checks wait "
          "their turn: at most half the cores hash at once)")
    print(f"calls not answered by the script, failed health checks: {dict(errors) or 0}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=CHOICES, default="sqlite")
    parser.add_argument("--calls", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-login-") as tmp:
        folder = Path(tmp)
        with bench_database(args.database, folder, "burst") as url:
            measure(url, folder, args.calls, args.rounds)


if __name__ == "__main__":
    main()
