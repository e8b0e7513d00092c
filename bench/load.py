"""Load: many simultaneous simulated calls against several web instances on PostgreSQL.

Each call follows our TwiML as Twilio would (signed webhooks, spread round-robin over the
instances as a proxy would), with a caller who pauses between answers as real prompts last
seconds. The mix: messages by keypad, messages by voice (a media stream of synthesized
speech, recognised live; the decision is the REST redirect), bookings (everyone wants the
first slot offered: races are the point) and transfers (answered or not; unanswered ones
end at voicemail).

Printed per configuration: calls completed, webhook latency p50 / p99, errors (non-200
answers or calls that failed), the voice callers and how many utterances the recognition
processes were too far behind to decode (SPEECH_MAX_BEHIND_S: those callers were asked
for the keypad, which the load's voice callers then press, so their calls end as they
should), messages left vs stored, bookings, double bookings. The
baseline is the same load on one instance, in the same run. Then where the cores went
during the calls: the load generator (simulated Twilio and callers, espeak-ng), the web
instances, their recognition processes, PostgreSQL, and what was left idle, so that the
latencies can be read against what the machine had to spare.

The instances get calls once `/readyz` says 200, as compose's proxy sends them. Each
configuration runs `--runs` times, interleaved, and the webhook p99 is their median.

    python -m bench.load [--calls 200] [--instances 2] [--think 1.0] [--ramp 1] [--runs 3]
    python -m bench.load --after-start 50 --instances 1 [--batches 3] [--runs 3]
                         [--wait-for both|readyz|healthz]

`--after-start N` measures readiness instead: N calls arriving as soon as the instances
say ready (`/readyz` 200), then the same N calls again (new numbers) once those ended,
`--batches` times, after each of `--runs` starts: each start's p99 per batch, then all
starts' webhooks pooled per batch (p50 / p95 / p99 against the later batches'), and the
same after `/healthz` alone. The later batches show how much a p99 moves between two
batches of a warm process.

The load generator does not collect garbage while calls run (`place_calls`): its full
collections stopped every simulated caller for 130-160 ms, counted as webhook latency.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from bench.process_cpu import children_seconds, own_seconds, tree_seconds
from receptionist.call_flows.hearing import SATURATED
from receptionist.call_flows.publishing import create_tenant
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.migrations_runner import upgrade
from receptionist.speech.audio import Samples, read_wav, ulaw_decode
from receptionist.twilio.frames import stream_frames
from receptionist.twilio.simulator import Heard, Recording, SimulatedCall, Spoken
from tests.instances import Instance, RoundRobin, always_open, twilio_through
from tests.postgres_server import PostgresServer
from tests.twilio_sim import FakeTwilioApi, TestMediaStreams

PUBLIC = "https://load.example.com"
TOKEN = "10ad0788be65db9a24ee2d2b3ab91c55"
ACCOUNT = "AC" + "5" * 32
NUMBER = "+15550007777"
VOICE_CALLER_SAYS = "I'd like to leave a message please"
KINDS = ["message"] * 8 + ["voice"] * 4 + ["booking"] * 5 + ["transfer"] * 3


class Timed:
    """Wraps the round-robin poster: the latency of every webhook."""

    def __init__(self, inner: RoundRobin) -> None:
        self.inner = inner
        self.latencies: list[float] = []
        self.slowest: list[tuple[float, float, str]] = []  # (seconds, at, url)
        self._lock = threading.Lock()

    def post(self, url: str, *, data: dict[str, str], headers: dict[str, str]) -> Any:
        began = time.perf_counter()
        response = self.inner.post(url, data=data, headers=headers)
        took = time.perf_counter() - began
        with self._lock:
            self.latencies.append(took)
            self.slowest = sorted([*self.slowest, (took, began, url.split("?")[0])])[-5:]
        return response

    def websocket_connect(self, path: str, headers: dict[str, str]) -> Any:
        return self.inner.websocket_connect(path, headers)


@dataclass
class LoadCaller:
    """A caller of one kind. At booking offers, picks one of the times offered at random
    and confirms it; if someone else just took it, picks again among the next ones or
    asks for another day."""

    kind: str
    rng: random.Random
    answers: int = 0
    dial_seconds: int = 40
    left_message: bool = False

    def press(self, prompt: list[Heard]) -> str | Spoken | None:
        self.answers += 1
        if self.answers > 30:
            return None  # a loop would be a bug: hang up (counted as an error)
        if self.answers == 1:
            first: dict[str, str | Spoken] = {
                "message": "2", "voice": Spoken(VOICE_CALLER_SAYS),
                "booking": "1", "transfer": "0"}
            return first[self.kind]
        if self.kind == "voice":
            return "2"  # not understood: the caller presses the key instead
        said = " ".join(heard.text for heard in prompt)
        if "confirm, press 1" in said or "press 1" not in said:
            return "1"
        offered = [key for key in "123" if f"press {key}." in said]
        if "just taken" in said and "press 9" in said and self.rng.random() < 0.5:
            return "9"  # lost a race: half the callers try another day instead
        return self.rng.choice(offered or ["1"])

    def record(self, prompt: list[Heard]) -> Recording | None:
        self.left_message = True
        return Recording(self.rng.randint(3, 20))

    def dial_result(self, number: str) -> str:
        return "completed" if self.rng.random() < 0.5 else "no-answer"

    def screen(self, number: str, announcement: list[Heard]) -> str:
        """The person rung takes the call, or lets it go to voicemail (no key)."""
        return "1" if self.rng.random() < 0.8 else ""


@dataclass
class Outcome:
    in_progress: int = 0
    most_in_progress: int = 0
    completed: int = 0
    failed: list[str] = field(default_factory=list)
    messages_left: int = 0
    bookings_said: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


def synthesizer(folder: Path) -> Any:
    cache: dict[tuple[str, str], tuple[Samples, int]] = {}
    lock = threading.Lock()

    def synthesize(words: str, voice: str = "en-us", speed: int = 140) -> tuple[Samples, int]:
        with lock:
            return synthesize_once(words, voice, speed)

    def synthesize_once(words: str, voice: str, speed: int) -> tuple[Samples, int]:
        if (words, voice) not in cache:
            path = folder / f"{abs(hash((words, voice)))}.wav"
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path),
                            "--stdin"], input=words.encode(), check=True, capture_output=True)
            samples, rate = read_wav(path)
            cache[(words, voice)] = (ulaw_decode(b"".join(stream_frames(samples, rate))), 8000)
        return cache[(words, voice)]

    return synthesize


CPU_PARTS = ("load generator", "web instances", "recognition", "PostgreSQL")


def cpu_use(web: list[Instance], server: PostgresServer) -> dict[str, float]:
    """CPU seconds used so far by each part: the load generator (this process: the
    simulated Twilio and callers, and the espeak-ng runs that make callers' voices), the
    web instances (their own processes), their recognition processes, PostgreSQL (the
    postmaster and its backends)."""
    times = os.times()
    pids = [instance.process.pid for instance in web if instance.process is not None]
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    return {"load generator": times.user + times.system + times.children_user
            + times.children_system,
            "web instances": sum(own_seconds(pid) for pid in pids),
            "recognition": sum(children_seconds(pid) for pid in pids),
            "PostgreSQL": tree_seconds(postmaster)}


Sample = tuple[float, dict[str, float]]  # (when, CPU seconds used so far by each part)
BUSIEST_S = 5


def busiest(samples: list[Sample]) -> tuple[Sample, Sample]:
    """The two samples about BUSIEST_S apart between which the most CPU was used (the
    calls' arrival, when latency peaks)."""
    pairs = [(first, last) for i, first in enumerate(samples) for last in samples[i + 1:]
             if abs(last[0] - first[0] - BUSIEST_S) <= 0.5] or [(samples[0], samples[-1])]
    return max(pairs, key=lambda pair: (sum(pair[1][1].values()) - sum(pair[0][1].values()))
               / (pair[1][0] - pair[0][0]))


def cpu_row(label: str, first: Sample, last: Sample) -> str:
    """Each part's share of all the cores' time between two samples, and what was idle."""
    seconds = (last[0] - first[0]) * (os.cpu_count() or 1)
    shares = [(last[1][part] - first[1][part]) / seconds for part in CPU_PARTS]
    return (f"| {label} | " + " | ".join(f"{share:.0%}" for share in shares)
            + f" | {max(0.0, 1 - sum(shares)):.0%} |")


def prepare(name: str, calls: int, server: PostgresServer, tmp: Path
            ) -> tuple[str, dict[str, str], FakeTwilioApi]:
    """A database `name` with the demo and an always-open business, the fake Twilio API,
    and the web instances' environment."""
    server.execute(f"CREATE DATABASE {name}")
    url = server.url(name)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session)
        create_tenant(session, slug="always", numbers=[NUMBER], yaml_text=always_open(),
                      author="bench")
        session.commit()
    engine.dispose()
    api = FakeTwilioApi(account_sid=ACCOUNT, auth_token=TOKEN).__enter__()
    env = {**os.environ, "RECEPTIONIST_ENV": "production", "DATABASE_URL": url,
           "PUBLIC_BASE_URL": PUBLIC, "TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": TOKEN,
           "SECRET_KEY": "load-secret-key-0123456789abcdef", "TWILIO_API_BASE": api.base_url,
           "SPOOL_DIR": str(tmp / f"spool-{name}"), "SPEECH_PROCESSES": "1",
           "CALLS_PER_MINUTE": str(calls * 10), "DB_POOL_SIZE": "20",
           "DB_MAX_OVERFLOW": "40"}
    return url, env, api


def simulated_twilio(timed: Timed, api: FakeTwilioApi, tmp: Path) -> Any:
    sim = twilio_through(timed, api, public_base=PUBLIC, auth_token=TOKEN,
                         account_sid=ACCOUNT)
    sim.media = TestMediaStreams(timed, api, sim.sign, synthesizer(tmp), wait_s=30.0)
    return sim


def place_calls(sim: Any, calls: int, think: float, ramp: float, numbers_from: int = 0
                ) -> Outcome:
    """`calls` calls of the mix (callers 0 to `calls` - 1, each with its kind, arrival
    time, pauses and choices), arriving within `ramp` seconds, dialled from the numbers
    `numbers_from`, `numbers_from + 1`…; returns once they have all ended."""
    outcome = Outcome()
    lock = threading.Lock()
    start = threading.Barrier(calls)

    def one(index: int) -> None:
        rng = random.Random(index)
        kind = KINDS[index % len(KINDS)]
        caller = LoadCaller(kind, rng)

        def pause(path: str) -> None:  # the prompt the caller is listening to
            if not path.startswith(("/twilio/voice", "/twilio/status",
                                    "/twilio/recording-status")):
                time.sleep(rng.uniform(0.5, 1.5) * think)

        start.wait()
        time.sleep(rng.uniform(0, ramp))  # arrivals spread over `ramp` seconds
        with lock:
            outcome.in_progress += 1
            outcome.most_in_progress = max(outcome.most_in_progress, outcome.in_progress)
        try:
            call: SimulatedCall = sim.call(NUMBER, caller=caller,
                                           from_=f"+1555{numbers_from + index:07d}",
                                           before_post=pause)
        except Exception as exc:
            with lock:
                outcome.failed.append(f"{kind}: {exc}"[:400])
            return
        finally:
            with lock:
                outcome.in_progress -= 1
        with lock:
            outcome.completed += 1
            outcome.kinds[kind] += 1
            outcome.messages_left += sum(
                1 for exchange in call.exchanges if "/twilio/recorded" in exchange.url
                and int(exchange.form.get("RecordingDuration", "0")) > 0)
            outcome.bookings_said += "is booked for" in call.said
            if caller.answers > 30:
                outcome.failed.append(f"{kind}: looped: ...{call.said[-300:]}")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(calls)]
    # No collection in this process while the calls run: a full one stopped every caller
    # thread for 130-160 ms, and the webhooks in flight then counted it as the server's
    # latency (it fell in the first batch after a start more often than in later ones).
    gc.collect()
    gc.disable()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        gc.enable()
    return outcome


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def run(calls: int, instances: int, think: float, ramp: float, server: PostgresServer,
        tmp: Path, attempt: int = 1) -> tuple[str, list[str], list[str], float]:
    name = f"load_{instances}_{attempt}"
    url, env, api = prepare(name, calls, server, tmp)
    engine = make_engine(url)
    web = [Instance(env, tmp, f"{name}-web{i}") for i in range(instances)]
    for instance in web:
        instance.start()
    for instance in web:
        # As deployed: compose's proxy sends calls to an instance once /readyz says 200
        # (`--after-start` measures what the first calls meet before and after that).
        instance.wait_ready()
    proxy = RoundRobin(web, timeout=60)
    timed = Timed(proxy)
    sim = simulated_twilio(timed, api, tmp)

    samples = [(time.perf_counter(), cpu_use(web, server))]
    sampling = threading.Event()

    def sample() -> None:  # CPU use every second, for the busiest window
        while not sampling.wait(1.0):
            samples.append((time.perf_counter(), cpu_use(web, server)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    began = time.perf_counter()
    outcome = place_calls(sim, calls, think, ramp)
    elapsed = time.perf_counter() - began
    sampling.set()
    sampler.join()
    samples.append((time.perf_counter(), cpu_use(web, server)))
    for instance in web:
        instance.stop()
    proxy.close()
    api.__exit__(None, None, None)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM messages")).scalar_one()
        booked = conn.execute(text(
            "SELECT count(*) FROM appointments WHERE status = 'booked'")).scalar_one()
        overlaps = conn.execute(text(
            "SELECT count(*) FROM appointments a JOIN appointments b ON a.agenda_id = "
            "b.agenda_id AND a.id < b.id AND a.status = 'booked' AND b.status = 'booked' "
            "AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at")).scalar_one()
    engine.dispose()
    logs = [instance.log() for instance in web]
    tracebacks = sum(log.count("Traceback") for log in logs)
    # Utterances the recognition processes were too far behind to decode (their callers
    # were asked for the keypad): the voice callers press the key then, so the call ends
    # as it should, but they were not heard.
    unheard = sum(log.count(SATURATED) for log in logs)
    lat = sorted(timed.latencies)
    p50 = statistics.median(lat) * 1000
    p99 = percentile(lat, 0.99) * 1000
    errors = len(outcome.failed) + sum(n for status, n in proxy.statuses.items()
                                       if status != 200) + tracebacks
    row = (f"| {instances} | {calls} | {outcome.most_in_progress} | {outcome.completed} | "
           f"{len(lat)} | {p50:.0f} | "
           f"{p99:.0f} | {errors} | {outcome.kinds['voice']} | {unheard} | "
           f"{outcome.messages_left} | {stored} | "
           f"{outcome.bookings_said} | {booked} | {overlaps} | {elapsed:.0f} |")
    cpu_rows = [cpu_row(f"{instances}, whole run", samples[0], samples[-1]),
                cpu_row(f"{instances}, busiest {BUSIEST_S} s", *busiest(samples))]
    if os.environ.get("LOAD_DEBUG"):
        print("slowest webhooks:", [(round(t, 2), round(at - began, 1), u)
                                    for t, at, u in timed.slowest])
    return row, cpu_rows, outcome.failed[:2], p99


@dataclass
class Batch:
    """One batch of calls after a start: its webhooks' latencies (sorted) and CPU use."""

    start: str  # which start ("readyz 1", "healthz 2"...)
    position: int  # 0: the first calls after the start
    latencies: list[float]
    before: Sample
    after: Sample
    failed: int


def after_start(calls: int, batches: int, instances: int, think: float, ramp: float,
                server: PostgresServer, tmp: Path, *, ready: bool, attempt: int
                ) -> tuple[list[Batch], int]:
    """Start the web instances, wait for /readyz (or, `ready` False, only for /healthz, as
    a proxy that checks liveness would), then `calls` calls at once, and again once those
    ended, `batches` times in all: the webhooks' latency of each batch, the CPU use
    during it, and the non-200 answers and tracebacks.

    Every batch is the same calls (the same kinds, arrival times, pauses and choices:
    callers 0 to `calls` - 1), dialled from numbers not seen before: a batch differs from
    the next only by what the process had done before it."""
    label = "readyz" if ready else "healthz"
    name = f"start_{label}_{instances}_{attempt}"
    _, env, api = prepare(name, calls, server, tmp)
    web = [Instance(env, tmp, f"{name}-web{i}") for i in range(instances)]
    for instance in web:
        instance.start()  # /healthz answers
        if ready:
            instance.wait_ready()
    proxy = RoundRobin(web, timeout=60)
    timed = Timed(proxy)
    sim = simulated_twilio(timed, api, tmp)
    # The voice callers' words, synthesized before the first batch as the later ones find
    # them: else the load generator runs espeak-ng during the first batch only.
    sim.media.synthesize(VOICE_CALLER_SAYS, voice=sim.media.voice)
    done: list[Batch] = []
    for position in range(batches):
        timed.latencies, timed.slowest = [], []
        before = (time.perf_counter(), cpu_use(web, server))
        outcome = place_calls(sim, calls, think, ramp, numbers_from=position * calls)
        after = (time.perf_counter(), cpu_use(web, server))
        if os.environ.get("LOAD_DEBUG"):
            print(f"{label} {attempt}, batch {position + 1}, slowest webhooks:",
                  [(round(t, 3), round(at - before[0], 2), u) for t, at, u in timed.slowest])
        done.append(Batch(f"{label} {attempt}", position, sorted(timed.latencies), before,
                          after, len(outcome.failed)))
    for instance in web:
        instance.stop()
    proxy.close()
    api.__exit__(None, None, None)
    errors = sum(n for status, n in proxy.statuses.items() if status != 200) + sum(
        instance.log().count("Traceback") for instance in web)
    return done, errors


def after_start_tables(done: list[Batch], calls: int) -> list[str]:
    """What `--after-start` prints: per start, each batch's p99 and the first batch's
    against the later ones; then, all starts' webhooks pooled per batch, p50 / p95 / p99
    against the later batches' pooled, and the CPU shares."""
    lines = ["| start | " + " | ".join(
        f"batch {p + 1} p99 ms" for p in range(max(b.position for b in done) + 1))
        + " | first ÷ later (median of their p99) | later ÷ later (largest) |",
        "|---|" + "---|" * (max(b.position for b in done) + 3)]
    for start in dict.fromkeys(b.start for b in done):
        mine = sorted((b for b in done if b.start == start), key=lambda b: b.position)
        p99s = [percentile(b.latencies, 0.99) * 1000 for b in mine]
        later = p99s[1:]
        spread = max(later) / min(later) if len(later) > 1 else float("nan")
        lines.append(f"| {start} | " + " | ".join(f"{v:.0f}" for v in p99s)
                     + f" | {p99s[0] / statistics.median(later):.2f}× | {spread:.2f}× |")
    lines += ["", "all starts pooled: each batch's webhooks, × the later batches' pooled "
                  "(a p99 over n webhooks is their n/100 slowest)", "",
              "| wait for | batch | starts | webhooks | p50 ms | p95 ms | p99 ms | failed calls | "
              + " | ".join(f"CPU {part}" for part in CPU_PARTS) + " | idle |",
              "|---|---|---|---|---|---|---|---|" + "---|" * (len(CPU_PARTS) + 1)]
    for label in dict.fromkeys(b.start.split()[0] for b in done):
        mine = [b for b in done if b.start.split()[0] == label]
        base = sorted(x for b in mine if b.position > 0 for x in b.latencies)
        for position in sorted({b.position for b in mine}):
            batch = [b for b in mine if b.position == position]
            lat = sorted(x for b in batch for x in b.latencies)
            cells = []
            for share in (0.5, 0.95, 0.99):
                ms = percentile(lat, share) * 1000
                cells.append(f"{ms:.0f} ({ms / (percentile(base, share) * 1000):.2f}×)")
            seconds = sum((b.after[0] - b.before[0]) * (os.cpu_count() or 1) for b in batch)
            shares = [sum(b.after[1][part] - b.before[1][part] for b in batch) / seconds
                      for part in CPU_PARTS]
            name = f"first {calls}" if position == 0 else f"batch {position + 1}"
            lines.append(f"| /{label} | {name} | {len(batch)} | {len(lat)} | "
                         + " | ".join(cells) + f" | {sum(b.failed for b in batch)} | "
                         + " | ".join(f"{share:.0%}" for share in shares)
                         + f" | {max(0.0, 1 - sum(shares)):.0%} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--ramp", type=float, default=1.0,
                        help="the calls arrive within this many seconds")
    parser.add_argument("--runs", type=int, default=3,
                        help="load runs per configuration, interleaved: the p99 is their "
                             "median (with --after-start: starts per wait)")
    parser.add_argument("--after-start", type=int, default=0, metavar="N",
                        help="instead: N calls as soon as the instances are ready, then "
                             "the same N calls again (--batches in all), compared (and the "
                             "same when only /healthz is waited for); --runs starts each")
    parser.add_argument("--batches", type=int, default=3,
                        help="with --after-start: batches of calls after each start (the "
                             "later ones are the baseline, and show how much a p99 varies "
                             "between batches of a warm process)")
    parser.add_argument("--wait-for", choices=("both", "readyz", "healthz"), default="both",
                        help="with --after-start: which start to measure (healthz: what a "
                             "proxy that checks liveness only sees, or a version without "
                             "/readyz)")
    args = parser.parse_args()
    if args.after_start and args.batches < 2:
        parser.error("--batches: at least 2 (the later ones are the baseline)")
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed (make deps)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    tmp.chmod(0o755)
    server = PostgresServer(tmp / "pg")
    server.init()
    server.start()
    if args.after_start:
        done: list[Batch] = []
        errors = 0
        try:
            # Starts interleaved (ready, then live, again...): each pair sees the same
            # machine.
            for attempt in range(1, args.runs + 1):
                for ready in {"both": (True, False), "readyz": (True,),
                              "healthz": (False,)}[args.wait_for]:
                    batches, errors_ = after_start(
                        args.after_start, args.batches, args.instances, args.think,
                        args.ramp, server, tmp, ready=ready, attempt=attempt)
                    done += batches
                    errors += errors_
        finally:
            server.stop()
        print(f"\nafter a start: {args.instances} web instance(s), PostgreSQL, "
              f"{args.runs} start(s) per wait; after each, {args.batches} batches of the "
              f"same {args.after_start} calls (mix: {dict(Counter(KINDS))}), each batch "
              f"arriving within {args.ramp:.0f} s once the one before ended, callers "
              f"pause ~{args.think:.1f} s per prompt; webhook latency; {os.cpu_count()} "
              f"cores shared with the load generator; non-200 answers and tracebacks: "
              f"{errors}\n")
        for line in after_start_tables(done, args.after_start):
            print(line)
        return
    rows, cpu_rows = [], []
    tails: dict[int, list[float]] = {}
    try:
        # Runs interleaved (1 instance, then N, again...): each pair sees the same machine.
        for attempt in range(1, args.runs + 1):
            for instances in sorted({1, args.instances}):
                row, cpu, failures, p99 = run(args.calls, instances, args.think, args.ramp,
                                              server, tmp, attempt)
                rows.append(row)
                tails.setdefault(instances, []).append(p99)
                if attempt == 1:
                    cpu_rows += cpu
                for failure in failures:
                    print("failed:", failure)
    finally:
        server.stop()
    print(f"\nload: {args.calls} calls arriving within {args.ramp:.0f} s, all in progress "
          f"together (mix: {dict(Counter(KINDS))}), callers pause ~{args.think:.1f} s per "
          f"prompt; PostgreSQL; {os.cpu_count()} cores shared with the load generator; "
          "baseline: 1 instance\n")
    print("| web instances | calls | most at once | completed | webhooks | p50 ms | p99 ms | "
          "errors | voice callers | utterances not decoded | messages left | "
          "messages stored | bookings heard | bookings stored | double bookings | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)
    print(f"\nwebhook p99 over the {args.runs} runs (a run's p99 is its ~16 slowest "
          "webhooks: it varies from run to run on a shared machine)\n")
    print("| web instances | runs | p99 ms, median | range |")
    print("|---|---|---|---|")
    for instances, values in tails.items():
        print(f"| {instances} | {len(values)} | {statistics.median(values):.0f} | "
              f"{min(values):.0f}–{max(values):.0f} |")
    print(f"\nwhere the {os.cpu_count()} cores went during the calls of the first run (share "
          "of all cores' time, from /proc)\n")
    print("| web instances, period | " + " | ".join(CPU_PARTS) + " | idle |")
    print("|---|" + "---|" * (len(CPU_PARTS) + 1))
    for row in cpu_rows:
        print(row)


if __name__ == "__main__":
    main()
