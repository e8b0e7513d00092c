"""The outbox: SMS delivered through Twilio's Messaging API (a real loopback server playing
Twilio), retried with backoff, never sent twice, failures kept visible."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.notifications.delivery import deliver_due
from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock
from tests.twilio_sim import FakeTwilioApi


def queue(session: Session, clock: FixedClock, count: int, to: str = "+15551230000") -> None:
    tenant = get_tenant(session, slug="demo")
    assert tenant.id is not None
    for index in range(count):
        outbox.enqueue(session, tenant_id=tenant.id, key=f"test:{index}", channel="sms",
                       kind="booking_confirmed", recipient=to, sender="+15005550006",
                       body=f"message {index}", now=clock())
    session.commit()


def items(session: Session) -> list[OutboxItem]:
    session.expire_all()
    return list(session.execute(select(OutboxItem).order_by(col(OutboxItem.id))).scalars())


def test_delivered_once(session: Session, runtime: Runtime, clock: FixedClock,
                        twilio_api: FakeTwilioApi) -> None:
    queue(session, clock, 3)
    queue(session, clock, 3)  # the same events again: same keys, nothing new
    assert deliver_due(runtime) == 3
    assert deliver_due(runtime) == 0
    assert sorted(m["Body"] for m in twilio_api.sms) == ["message 0", "message 1", "message 2"]
    assert {m["From"] for m in twilio_api.sms} == {"+15005550006"}
    sent = items(session)
    assert [i.status for i in sent] == [OutboxStatus.sent] * 3
    assert all(i.provider_id and i.provider_id.startswith("SM") for i in sent)


def test_retried_with_backoff_then_delivered(session: Session, runtime: Runtime,
                                             clock: FixedClock,
                                             twilio_api: FakeTwilioApi) -> None:
    queue(session, clock, 1)
    twilio_api.fail_next_sms(2, status=503)
    assert deliver_due(runtime) == 0
    [item] = items(session)
    assert (item.status, item.attempts) == (OutboxStatus.pending, 1)
    assert "503" in item.last_error
    assert deliver_due(runtime) == 0  # not due yet: 30 s backoff
    clock.now += timedelta(seconds=31)
    assert deliver_due(runtime) == 0  # second failure: 60 s now
    clock.now += timedelta(seconds=61)
    assert deliver_due(runtime) == 1
    assert len(twilio_api.sms) == 1


def test_a_refused_number_fails_visibly_without_retrying(
        session: Session, runtime: Runtime, clock: FixedClock,
        twilio_api: FakeTwilioApi) -> None:
    queue(session, clock, 1, to="+1")
    assert deliver_due(runtime) == 0
    [item] = items(session)
    assert item.status == OutboxStatus.failed and "invalid To number" in item.last_error


def test_two_workers_never_send_the_same_row(session: Session, runtime: Runtime,
                                             clock: FixedClock,
                                             twilio_api: FakeTwilioApi) -> None:
    queue(session, clock, 40)
    sent: list[int] = []
    threads = [threading.Thread(target=lambda w=w: sent.append(
        deliver_due(runtime, worker=f"worker-{w}", limit=7))) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while (more := deliver_due(runtime, worker="worker-0")) > 0:
        sent.append(more)
    assert sum(sent) == 40
    bodies = [m["Body"] for m in twilio_api.sms]
    assert sorted(bodies) == sorted(f"message {i}" for i in range(40))  # no duplicates


def test_a_worker_that_died_leaves_its_rows_to_others(session: Session, runtime: Runtime,
                                                      clock: FixedClock,
                                                      twilio_api: FakeTwilioApi) -> None:
    queue(session, clock, 2)
    with runtime.database.write_transaction(session):
        taken = outbox.claim_due(session, worker="dead", now=clock())
    assert len(taken) == 2
    assert deliver_due(runtime, worker="alive") == 0  # claimed, lease not expired
    clock.now += outbox.LEASE + timedelta(seconds=1)
    assert deliver_due(runtime, worker="alive") == 2
    assert len(twilio_api.sms) == 2
