"""A worker process killed in the middle of a batch: its claimed rows come back after the
lease and another worker delivers them; nothing is lost, and a re-sent event carries the
same Idempotency-Key, so the receiver can drop the repeat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from receptionist.config import Settings
from receptionist.notifications import service as notifications
from receptionist.notifications.delivery import deliver_due
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.secret_box import seal
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock
from tests.notifications.receivers import WebhookReceiver
from tests.waiting import wait_until

WORKER = """
import sys
from receptionist.config import Settings
from receptionist.notifications import delivery
from receptionist.runtime import Runtime
from receptionist.twilio import rest

rt = rest.plug(Runtime.from_settings(Settings(database_url=sys.argv[1], secret_key=sys.argv[2],
                                    outbound_allow_networks="127.0.0.0/8")))
print("started", flush=True)
delivery.deliver_due(rt, worker="doomed", senders=2)
"""


def test_killed_worker_loses_nothing(session: Session, settings: Settings, runtime: Runtime,
                                     clock: FixedClock, tmp_path: Path) -> None:
    hook = WebhookReceiver("crash-secret-0123")
    try:
        tenant = get_tenant(session, slug="demo")
        assert tenant.id is not None
        channel = notifications.add_channel(session, tenant_id=tenant.id, channel="webhook",
                                     target=hook.url,
                                     secret=seal(settings.secret_key, "crash-secret-0123"),
                                     outbound=runtime.outbound)
        for index in range(30):
            outbox.enqueue(session, tenant_id=tenant.id, key=f"crash:{index}",
                           channel="webhook", kind="test", recipient=hook.url,
                           body=f"event {index}", now=clock(), channel_id=channel.id)
        session.commit()
        # The receiver takes 4 events, then hangs: the kill lands mid-batch, however fast
        # or slow the worker runs.
        hook.hang_after(4)
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, settings.database_url, settings.secret_key],
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(Path.cwd())})
        assert worker.stdout is not None and worker.stdout.readline().strip() == b"started"
        wait_until(lambda: len(hook.events) >= 4, "the worker's first 4 deliveries")
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        worker.stdout.close()
        hook.answer_again()
        assert len(hook.events) == 4  # it died mid-batch
        session.expire_all()
        stuck = session.execute(select(func.count()).select_from(OutboxItem).where(
            col(OutboxItem.status) == OutboxStatus.pending)).scalar_one()
        assert stuck > 0
        # Its claim holds the rows until the lease runs out, then another worker takes over.
        clock.now = datetime.now(UTC)  # the killed worker's clock was the real one
        assert deliver_due(runtime, worker="survivor") == 0
        clock.now += outbox.LEASE + timedelta(seconds=1)
        while deliver_due(runtime, worker="survivor"):
            pass
        session.expire_all()
        statuses = Counter(i.status for i in session.execute(select(OutboxItem)).scalars())
        assert statuses == {OutboxStatus.sent: 30}
        received = Counter(hook.keys)
        assert set(received) == {f"crash:{i}" for i in range(30)}  # nothing lost
        # Only events in flight at the kill (each row is marked as soon as it is sent)
        # can arrive twice, and then with the same key.
        assert sum(n - 1 for n in received.values()) <= 4
    finally:
        hook.close()
