"""Outbox delivery throughput: 10,000 notifications to a local webhook receiver.

The rows are queued at once; then one worker process, and in a second run two, deliver
them (`notifications.delivery.deliver_due` in a loop, as the worker job does). The
receiver (aiohttp, its own process) checks every signature and records each
Idempotency-Key with its arrival time. Prints deliveries per second, end-to-end delay
(queued -> received) median / p95, duplicates and losses (both must be 0).

    python -m bench.outbox [--count 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from receptionist.config import parse_networks
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.migrations_runner import upgrade
from receptionist.notifications import service as notifications
from receptionist.outbound import Policy
from receptionist.outbox import service as outbox
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant

SECRET_KEY = "bench-secret-key-0123456789abcdef"
RECEIVER = """
import hashlib, hmac, json, sys, time
from aiohttp import web
secret, port, out = sys.argv[1].encode(), int(sys.argv[2]), sys.argv[3]
seen = []
bad = 0
async def hook(request):
    global bad
    body = await request.read()
    ts = request.headers["X-Receptionist-Timestamp"]
    expected = "v1=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers["X-Receptionist-Signature"]):
        bad += 1
        return web.Response(status=401)
    seen.append((request.headers["Idempotency-Key"], time.time(), json.loads(body)["text"]))
    return web.Response(status=204)
async def dump(request):
    with open(out, "w") as handle:
        json.dump({"seen": seen, "bad": bad}, handle)
    return web.Response(text="ok")
app = web.Application()
app.router.add_post("/hook", hook)
app.router.add_get("/dump", dump)
web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=1024)
"""
WORKER = """
import sys
from receptionist.config import Settings
from receptionist.notifications.delivery import deliver_due
from receptionist.runtime import Runtime
from receptionist.twilio import rest
rt = rest.plug(Runtime.from_settings(Settings(database_url=sys.argv[1], secret_key=sys.argv[2],
                                    outbound_allow_networks="127.0.0.0/8")))
idle = 0
while idle < 3:
    idle = idle + 1 if deliver_due(rt, worker=sys.argv[3]) == 0 else 0
rt.close()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int) -> None:
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def run(tmp: Path, count: int, workers: int) -> str:
    url = f"sqlite:///{tmp / f'outbox-{workers}.db'}"
    upgrade(url)
    hook_secret = secrets.token_urlsafe(24)
    port = free_port()
    dump = tmp / f"received-{workers}.json"
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, hook_secret, str(port),
                                 str(dump)])
    try:
        wait_for(port)
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            seed_demo(session)
            tenant = get_tenant(session, slug="demo")
            assert tenant.id is not None
            channel = notifications.add_channel(session, tenant_id=tenant.id, channel="webhook",
                                         target=f"http://127.0.0.1:{port}/hook",
                                         secret=seal(SECRET_KEY, hook_secret),
                                         outbound=Policy(allowed=parse_networks("127.0.0.0/8")))
            from receptionist.clock import utcnow
            now = utcnow()
            for index in range(count):
                outbox.enqueue(session, tenant_id=tenant.id, key=f"bench:{index}",
                               channel="webhook", kind="bench", recipient=channel.target,
                               body=json.dumps({"i": index, "queued": time.time()}), now=now,
                               channel_id=channel.id)
            session.commit()
        began = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", WORKER, url, SECRET_KEY,
                                   f"bench-worker-{w}"]) for w in range(workers)]
        for proc in procs:
            proc.wait()
        elapsed = time.perf_counter() - began
        import httpx
        httpx.get(f"http://127.0.0.1:{port}/dump", timeout=30)
        received = json.loads(dump.read_text())
        with engine.connect() as conn:
            unsent = conn.execute(text("SELECT count(*) FROM outbox WHERE status != 'sent'")
                                  ).scalar_one()
        engine.dispose()
    finally:
        receiver.terminate()
        receiver.wait()
    keys = [key for key, _, _ in received["seen"]]
    duplicates = len(keys) - len(set(keys))
    lost = count - len(set(keys))
    delays = sorted(at - json.loads(body)["queued"] for _, at, body in received["seen"])
    p50 = statistics.median(delays)
    p95 = delays[min(len(delays) - 1, int(0.95 * len(delays)))]
    return (f"| {workers} | {count} | {len(keys)} | {count / elapsed:.0f} | {p50:.2f} | "
            f"{p95:.2f} | {duplicates} | {lost} | {unsent} | {received['bad']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    rows = [run(tmp, args.count, workers) for workers in (1, 2)]
    print(f"\noutbox delivery to a local webhook receiver (SQLite, {os.cpu_count()} cores; "
          "delay = queued -> received, all queued at once)\n")
    print("| workers | queued | received | deliveries/s | delay p50 s | delay p95 s | "
          "duplicates | lost | not marked sent | bad signatures |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
