"""Two worker processes on one database: claimed work (the outbox) is shared and done once;
the sweeps run on the lease holder only, and move to the other worker when it dies."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.clock import utcnow
from receptionist.leases import Lease
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.privacy.models import ErasureRequest
from receptionist.privacy.service import request_erasure
from receptionist.tenants.service import get_tenant
from tests.conftest import ON_POSTGRES
from tests.twilio_sim import FakeTwilioApi
from tests.waiting import wait_until

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="several workers share PostgreSQL")
SMS = 300


@pytest.fixture
def workers(deployment_env: dict[str, str],
            tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs = []
    for name in ("w1", "w2"):
        log = (tmp_path / f"{name}.log").open("wb")
        procs.append(subprocess.Popen([sys.executable, "-m", "receptionist.cli", "worker"],
                                      env=deployment_env, cwd=tmp_path, stdout=log,
                                      stderr=subprocess.STDOUT))
        log.close()
    try:
        yield procs
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def unsent(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(OutboxItem.id).where(
            OutboxItem.status != OutboxStatus.sent)).all())


def holder_pid(engine: Engine) -> int | None:
    with Session(engine) as session:
        lease = session.get(Lease, "scheduler")
        if lease is None or lease.expires_at < utcnow():
            return None
        return int(lease.holder.split(":")[1])


def test_outbox_shared_once_and_sweeps_move_to_the_survivor(
        workers: list[subprocess.Popen[bytes]], engine: Engine,
        twilio_api: FakeTwilioApi) -> None:
    with Session(engine) as session:
        demo_id = get_tenant(session, slug="demo").id
        assert demo_id is not None
        for n in range(SMS):
            outbox.enqueue(session, tenant_id=demo_id, key=f"load:{n}", channel="sms",
                           kind="booking_confirmed", recipient="+15551112222",
                           body=f"message {n}", now=utcnow())
        session.commit()
    wait_until(lambda: len(twilio_api.sms) >= SMS, "every SMS", poll_s=0.1)
    wait_until(lambda: unsent(engine) == 0, "every SMS marked sent", poll_s=0.1)
    bodies = Counter(sms["Body"] for sms in twilio_api.sms)
    assert len(bodies) == SMS and max(bodies.values()) == 1  # all sent, none twice

    wait_until(lambda: holder_pid(engine) is not None, "a lease holder", poll_s=0.1)
    leader = holder_pid(engine)
    pids = {proc.pid: proc for proc in workers}
    assert leader in pids
    pids[leader].kill()
    pids[leader].wait()
    survivor = next(pid for pid in pids if pid != leader)
    wait_until(lambda: holder_pid(engine) == survivor, "the other worker to take over",
               poll_s=0.1)

    # A sweep (erasures run on the lease holder only) still happens.
    with Session(engine) as session:
        request = request_erasure(session, tenant_id=demo_id, phone="+15551112222",
                                  requested_by="test", now=utcnow())
        session.commit()
        request_id = request.id

    def erased() -> bool:
        with Session(engine) as session:
            row = session.get(ErasureRequest, request_id)
            return row is not None and row.done_at is not None

    wait_until(erased, "the erasure", poll_s=0.1)
    with Session(engine) as session:
        assert session.exec(select(Lease)).one().holder.split(":")[1] == str(survivor)
    # A duplicate sent late (by a worker that had the row too) had all this time to come.
    assert len(twilio_api.sms) == SMS
