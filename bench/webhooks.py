"""Webhook latency and throughput: our app vs a bare FastAPI endpoint, in the same run.

Each runs in one uvicorn process on loopback, same flags, SQLite (or PostgreSQL) for ours
(the floor below is on SQLite). Each simulated call makes three signed requests (incoming
call, menu key, recorded message), as Twilio would. Two measurements:

- saturation: N calls at a time with no pause between requests (closed loop): requests/s
  and our share of the bare endpoint's throughput, and of the "durable floor"
  (bench/floor_app.py: what any webhook that stores its state must do, with no call
  flow: form, signature, a five-statement SQLite transaction). A shared machine's speed
  drifts by a third within minutes, and one measurement of each endpoint per level
  moved a share by ten points from run to run: each level is measured in `--rounds`
  rounds (even: each endpoint first as often as last), the endpoints one after the other
  in alternating order (ours, floor, bare, then bare, floor, ours), and a share is the
  median of the rounds' shares, with their range. The databases grow from round to
  round, as within a one-round run;
- paced: 50 concurrent calls whose caller pauses `--think` seconds between requests (real
  prompts last 5-15 s, so 1 s is already ~10x a real load): webhook latency p50/p99.
  A run's p99 is its few slowest requests, which vary a lot from run to run on a shared
  machine: the paced runs are repeated (`--paced-runs`) and the median p99 is reported
  with the range.

    python -m bench.webhooks [--calls 600] [--concurrency 1,10,50] [--rounds 4]
                             [--think 1.0] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import aiohttp
from twilio.request_validator import RequestValidator

from bench.databases import CHOICES, bench_database
from bench.process_cpu import tree_seconds

PUBLIC_BASE = "https://bench.example.com"
TOKEN = "be4c92bdf1df79c63e2ca2dfcb5f01e8"
ACCOUNT = "AC" + "3" * 32
ACTION = re.compile(r'action="([^"]+)"')


@dataclass
class Stats:
    voice: list[float] = field(default_factory=list)
    all: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return wait_for([sys.executable, "-m", "uvicorn", *args, "--port", str(port),
                     "--no-access-log", "--log-level", "warning"], env, port)


def serve(jobs: bool, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`receptionist serve` as deployed, with or without the in-process jobs."""
    return wait_for([sys.executable, "-m", "receptionist.cli", "serve", "--port", str(port),
                     "--jobs" if jobs else "--no-jobs"], env, port, quiet=True)


def settle(pid: int, limit: float = 90.0) -> None:
    """Wait until a server and its children are idle: `serve` loads speech models in its
    recognition processes and the intent models in a thread after the port opens."""
    deadline = time.monotonic() + limit
    before = tree_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = tree_seconds(pid)
        if now - before < 0.05:
            return
        before = now


def wait_for(command: list[str], env: dict[str, str], port: int,
             quiet: bool = False) -> subprocess.Popen[bytes]:
    output = subprocess.DEVNULL if quiet else None
    proc = subprocess.Popen(command, env=env, stdout=output, stderr=output)
    deadline = time.monotonic() + 120  # serve loads the speech models first
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"server {command} did not start")


async def one_call(session: aiohttp.ClientSession, base: str, validator: RequestValidator,
                   stats: Stats, think: float) -> None:
    sid = "CA" + secrets.token_hex(16)
    form = {"CallSid": sid, "AccountSid": ACCOUNT, "From": "+15551230001",
            "To": "+15005550006", "CallStatus": "in-progress", "Direction": "inbound",
            "StirVerstat": "TN-Validation-Passed-A"}  # a signed caller ID: no challenge
    url = PUBLIC_BASE + "/twilio/voice"
    steps = [{}, {"Digits": "2"}, {"RecordingSid": "RE" + secrets.token_hex(16),
                                   "RecordingUrl": "https://api.twilio.com/r/1",
                                   "RecordingDuration": "5", "Digits": "#"}]
    for index, extra in enumerate(steps):
        if index and think:
            # Callers are not synchronised: pauses vary around `think`.
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)
        data = {**form, **extra}
        headers = {"X-Twilio-Signature": validator.compute_signature(url, data)}
        began = time.perf_counter()
        async with session.post(base + url.removeprefix(PUBLIC_BASE), data=data,
                                headers=headers) as response:
            body = await response.text()
        took = (time.perf_counter() - began) * 1000
        stats.all.append(took)
        if index == 0:
            stats.voice.append(took)
        if response.status != 200 or "lines are busy" in body:
            stats.errors += 1
            return
        match = ACTION.search(body)
        if match is None:
            return
        url = unescape(match.group(1))


async def drive(base: str, calls: int, concurrency: int, think: float = 0.0) -> Stats:
    stats = Stats()
    validator = RequestValidator(TOKEN)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(calls):
        queue.put_nowait(i)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            if think:
                await asyncio.sleep(random.uniform(0, think))  # staggered arrivals
            while not queue.empty():
                queue.get_nowait()
                await one_call(session, base, validator, stats, think)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        stats.elapsed = time.perf_counter() - began
    return stats


# Paced rows: name -> in-process jobs (None: the bare endpoint, run beside each).
PACED: dict[str, bool | None] = {"receptionist serve --no-jobs": False,
                                 "receptionist serve --jobs": True, "bare FastAPI": None}


# bench/floor_app.py: form, signature and a five-statement SQLite transaction, nothing else.
FLOOR = "durable floor"


def throughput(stats: Stats) -> float:
    return len(stats.all) / stats.elapsed


def share(part: list[float], whole: list[float]) -> str:
    """The median of the rounds' shares `part[i] / whole[i]` (each pair measured one
    after the other), with their range when there are several."""
    shares = [p / w for p, w in zip(part, whole, strict=True)]
    median = f"{statistics.median(shares):.0%}"
    if len(shares) == 1:
        return median
    return f"{median} [{min(shares) * 100:.0f}–{max(shares) * 100:.0f}]"


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--rounds", type=int, default=4,
                        help="saturation rounds per level (median share reported)")
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--paced-calls", type=int, default=250)
    parser.add_argument("--paced-runs", type=int, default=5)
    parser.add_argument("--database", choices=CHOICES, default="sqlite",
                        help="postgresql: a server started from Debian's binaries")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    with bench_database(args.database, tmp, "bench") as url:
        measure(args, tmp, url)


def measure(args: argparse.Namespace, tmp: Path, url: str) -> None:
    levels = [int(c) for c in args.concurrency.split(",")]
    database = url.split(":", 1)[0].split("+")[0]
    env = {**os.environ, "RECEPTIONIST_ENV": "production", "PUBLIC_BASE_URL": PUBLIC_BASE,
           "DATABASE_URL": url, "TWILIO_AUTH_TOKEN": TOKEN,
           "TWILIO_ACCOUNT_SID": ACCOUNT, "SECRET_KEY": "bench-secret-key-0123456789abcdef",
           "RECORDINGS_DIR": str(tmp / "rec"),
           # The per-business limit of new calls a minute would turn most of the benchmark's
           # calls into cheap "all lines busy" answers: what is timed is the call flow.
           "CALLS_PER_MINUTE": "1000000"}
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "receptionist.cli", *command], env=env,
                       check=True, capture_output=True)
    ours_port, floor_port, bare_port = free_port(), free_port(), free_port()
    ours = start(["--factory", "receptionist.main:create_app"], env, ours_port)
    floor = start(["--factory", "bench.floor_app:create_app"],
                  {**env, "FLOOR_DATABASE": str(tmp / "floor.db")}, floor_port)
    bare = start(["bench.bare_app:app"], env, bare_port)
    saturated = (("receptionist", ours_port), (FLOOR, floor_port), ("bare FastAPI", bare_port))
    rows = []
    try:
        for _, port in saturated:
            asyncio.run(drive(f"http://127.0.0.1:{port}", 60, 10))  # warm-up
        for level in levels:
            rounds: list[dict[str, Stats]] = []
            for index in range(max(1, args.rounds)):
                order = saturated if index % 2 == 0 else saturated[::-1]
                rounds.append({name: asyncio.run(drive(f"http://127.0.0.1:{port}",
                                                       args.calls, level))
                               for name, port in order})
            rows.append((level, rounds))
        for proc in (ours, floor):
            proc.terminate()
            proc.wait()
        # Paced: `receptionist serve` as deployed, without and with the in-process jobs
        # (outbox, recording fetches, calendar sync, reminders...), so a stall they cause
        # shows as the difference. One at a time on the database; runs interleaved with
        # the bare endpoint's, so each sees the same machine.
        paced: dict[str, list[Stats]] = {name: [] for name in PACED}
        for name, jobs in ((n, j) for n, j in PACED.items() if j is not None):
            server_port = free_port()
            server = serve(jobs, env, server_port)
            try:
                settle(server.pid)
                asyncio.run(drive(f"http://127.0.0.1:{server_port}", 60, 10))  # warm-up
                for _ in range(args.paced_runs):
                    for runner, port in ((name, server_port), ("bare FastAPI", bare_port)):
                        paced[runner].append(asyncio.run(drive(
                            f"http://127.0.0.1:{port}", args.paced_calls, 50, args.think)))
            finally:
                server.terminate()
                server.wait()
    finally:
        for proc in (ours, floor, bare):
            proc.terminate()
            proc.wait()
    print(f"\nsaturation: {args.calls} calls x 3 signed requests per level and round "
          f"(incoming, menu key, recording), 1 uvicorn process each, {database}, "
          f"{os.cpu_count()} cores; {max(1, args.rounds)} round(s) per level "
          "(req/s: the rounds' median; latencies: all rounds' requests pooled; shares: "
          "the median of the rounds' shares, their range in brackets)\n")
    print("| concurrency | endpoint | req/s | /voice p50 ms | /voice p99 ms | all p99 ms "
          "| errors |")
    print("|---|---|---|---|---|---|---|")
    for level, rounds in rows:
        for name, _ in saturated:
            runs = [result[name] for result in rounds]
            voice = [ms for stats in runs for ms in stats.voice]
            every = [ms for stats in runs for ms in stats.all]
            print(f"| {level} | {name} | {statistics.median(map(throughput, runs)):.0f} "
                  f"| {pct(voice, 50):.2f} | {pct(voice, 99):.2f} | {pct(every, 99):.2f} "
                  f"| {sum(stats.errors for stats in runs)} |")
        ours_rps, floor_rps, bare_rps = ([throughput(result[name]) for result in rounds]
                                         for name, _ in saturated)
        print(f"| {level} | **ratio** | **{share(ours_rps, bare_rps)}** of bare, "
              f"{share(ours_rps, floor_rps)} of the durable floor (itself "
              f"{share(floor_rps, bare_rps)} of bare) | | | | |")
    print(f"\npaced: {args.paced_calls} calls, 50 at a time, {args.think:g} s between a "
          f"caller's requests; median of {args.paced_runs} runs (p99 range in brackets; the bare "
          "endpoint ran beside each of ours)\n")
    print("| endpoint | req/s | /voice p50 ms | /voice p99 ms | all p50 ms | all p99 ms "
          "| errors |")
    print("|---|---|---|---|---|---|---|")
    for name, runs in paced.items():
        def median(measure: Callable[[Stats], float], runs: list[Stats] = runs) -> float:
            return statistics.median(measure(stats) for stats in runs)

        def spread(measure: Callable[[Stats], float], runs: list[Stats] = runs) -> str:
            values = [measure(stats) for stats in runs]
            # One decimal: a run at 19.6 ms and one at 20.4 ms sit either side of a goal.
            return f"{statistics.median(values):.2f} [{min(values):.1f}–{max(values):.1f}]"

        print(f"| {name} | {median(lambda st: len(st.all) / st.elapsed):.0f} "
              f"| {median(lambda st: pct(st.voice, 50)):.2f} "
              f"| {spread(lambda st: pct(st.voice, 99))} "
              f"| {median(lambda st: pct(st.all, 50)):.2f} "
              f"| {spread(lambda st: pct(st.all, 99))} "
              f"| {sum(st.errors for st in runs)} |")


if __name__ == "__main__":
    main()
