"""Queueing, claiming and settling outbox rows (see outbox.models). No sending here: the
notifications package writes and delivers them. Every function works in the caller's
transaction (`Database.write_transaction`) and never commits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from receptionist.outbox.models import OutboxItem, OutboxStatus

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)  # a claimed row comes back if its worker died


def postpone(session: Session, item: OutboxItem, *, worker: str, until: datetime,
             reason: str) -> None:
    """Not yet (quiet hours, a transcript on its way): later, and not counted as a try."""
    session.execute(update(OutboxItem).where(
        col(OutboxItem.id) == item.id, col(OutboxItem.claimed_by) == worker)
        .values(next_attempt_at=until, claimed_until=None, last_error=reason[:1000]))


def enqueue(session: Session, *, tenant_id: int, key: str, channel: str, kind: str,
            recipient: str, body: str, now: datetime, sender: str = "",
            appointment_id: int | None = None, not_before: datetime | None = None,
            call_id: int | None = None, channel_id: int | None = None) -> None:
    """Queue a message in the caller's transaction; a key already queued does nothing."""
    values = {"tenant_id": tenant_id, "idempotency_key": key[:200], "channel": channel,
              "kind": kind, "recipient": recipient, "sender": sender, "body": body,
              "appointment_id": appointment_id, "call_id": call_id,
              "channel_id": channel_id, "status": OutboxStatus.pending,
              "attempts": 0, "next_attempt_at": not_before or now, "last_error": "",
              "created_at": now}
    table = OutboxItem.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(
        index_elements=["idempotency_key"]))


def void_pending(session: Session, *, appointment_id: int, kinds: tuple[str, ...],
                 reason: str) -> None:
    """Withdraw unsent messages that no longer make sense (a cancelled visit's reminder)."""
    session.execute(update(OutboxItem).where(
        and_(col(OutboxItem.appointment_id) == appointment_id,
             col(OutboxItem.kind).in_(kinds),
             col(OutboxItem.status) == OutboxStatus.pending))
        .values(status=OutboxStatus.void, last_error=reason))


def claim_due(session: Session, *, worker: str, now: datetime, limit: int = 50
              ) -> list[OutboxItem]:
    """Take up to `limit` due rows for this worker. The claim is one UPDATE on rows still
    unclaimed (or whose lease expired), so two workers never take the same row; it holds
    once the caller commits, which it does before sending anything."""
    due = (select(col(OutboxItem.id))
           .where(col(OutboxItem.status) == OutboxStatus.pending,
                  col(OutboxItem.next_attempt_at) <= now,
                  or_(col(OutboxItem.claimed_until).is_(None),
                      col(OutboxItem.claimed_until) < now))
           .order_by(col(OutboxItem.next_attempt_at)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.execute(
        update(OutboxItem)
        .where(col(OutboxItem.id).in_(due.scalar_subquery()),
               col(OutboxItem.status) == OutboxStatus.pending,
               or_(col(OutboxItem.claimed_until).is_(None),
                   col(OutboxItem.claimed_until) < now))
        .values(claimed_by=worker, claimed_until=now + LEASE)
        .returning(col(OutboxItem.id))).scalars())
    if not ids:
        return []
    return list(session.execute(select(OutboxItem).where(
        col(OutboxItem.id).in_(ids)).order_by(col(OutboxItem.id))).scalars())


def mark_sent(session: Session, item: OutboxItem, *, worker: str, now: datetime,
              provider_id: str | None) -> bool:
    result = session.execute(update(OutboxItem).where(
        col(OutboxItem.id) == item.id, col(OutboxItem.claimed_by) == worker,
        col(OutboxItem.status) == OutboxStatus.pending)
        .values(status=OutboxStatus.sent, sent_at=now, provider_id=provider_id,
                attempts=col(OutboxItem.attempts) + 1, claimed_until=None, last_error=""))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_all_sent(session: Session, delivered: list[tuple[OutboxItem, str | None]], *,
                  worker: str, now: datetime) -> int:
    """Record a batch of deliveries in one statement; returns how many were recorded
    (a row whose lease another worker took over meanwhile is not)."""
    statement = (update(OutboxItem.__table__)  # type: ignore[attr-defined]
                 .where(OutboxItem.__table__.c.id == bindparam("row_id"),  # type: ignore[attr-defined]
                        OutboxItem.__table__.c.claimed_by == worker,  # type: ignore[attr-defined]
                        OutboxItem.__table__.c.status == OutboxStatus.pending)  # type: ignore[attr-defined]
                 .values(status=OutboxStatus.sent, sent_at=now,
                         provider_id=bindparam("provider"), claimed_until=None, last_error="",
                         attempts=OutboxItem.__table__.c.attempts + 1))  # type: ignore[attr-defined]
    result = session.connection().execute(
        statement, [{"row_id": item.id, "provider": provider} for item, provider in delivered])
    return int(result.rowcount)


def mark_failed(session: Session, item: OutboxItem, *, worker: str, now: datetime,
                error: str, permanent: bool = False, max_attempts: int = MAX_ATTEMPTS) -> None:
    """Back off (30 s doubling, at most an hour) or give up, keeping the error visible."""
    attempts = item.attempts + 1
    give_up = permanent or attempts >= max_attempts
    delay = timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))
    session.execute(update(OutboxItem).where(
        col(OutboxItem.id) == item.id, col(OutboxItem.claimed_by) == worker)
        .values(status=OutboxStatus.failed if give_up else OutboxStatus.pending,
                attempts=attempts, next_attempt_at=now + delay, claimed_until=None,
                last_error=error[:1000]))
