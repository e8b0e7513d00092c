from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from receptionist.outbox import service as outbox
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock


def _queue(session: Session, clock: FixedClock, key: str) -> None:
    demo = get_tenant(session, slug="demo")
    assert demo.id is not None
    outbox.enqueue(session, tenant_id=demo.id, key=key, channel="sms", kind="test",
                   recipient="+15551230000", body="hello", now=clock())


def test_the_same_key_is_queued_once(session: Session, clock: FixedClock) -> None:
    _queue(session, clock, "k1")
    _queue(session, clock, "k1")
    session.commit()
    assert len(session.exec(select(OutboxItem)).all()) == 1


def test_a_claimed_row_is_not_claimed_again_until_its_lease_ends(
        session: Session, clock: FixedClock) -> None:
    _queue(session, clock, "k2")
    session.commit()
    assert len(outbox.claim_due(session, worker="a", now=clock())) == 1
    assert outbox.claim_due(session, worker="b", now=clock()) == []
    later = clock() + outbox.LEASE + timedelta(seconds=1)
    [item] = outbox.claim_due(session, worker="b", now=later)
    assert outbox.mark_sent(session, item, worker="b", now=later, provider_id="SM1")
    assert outbox.claim_due(session, worker="c", now=later + timedelta(hours=1)) == []


def test_failures_back_off_then_give_up_visibly(session: Session, clock: FixedClock) -> None:
    _queue(session, clock, "k3")
    session.commit()
    now = clock()
    for attempt in range(1, 4):
        [item] = outbox.claim_due(session, worker="w", now=now)
        outbox.mark_failed(session, item, worker="w", now=now, error=f"try {attempt}",
                           max_attempts=3)
        session.refresh(item)
        now = item.next_attempt_at
    assert (item.status, item.attempts, item.last_error) == (OutboxStatus.failed, 3, "try 3")
    assert outbox.claim_due(session, worker="w", now=now + timedelta(days=1)) == []
