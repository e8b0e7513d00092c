"""Reminders: queued once a day ahead, re-armed by a move, never for a cancelled booking."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from receptionist.appointments import booking, reminders
from receptionist.outbox.models import OutboxItem, OutboxStatus
from tests.appointments.demo_agenda import NOON, main_agenda
from tests.conftest import FixedClock


def test_reminders_once_rearmed_by_a_move_never_when_cancelled(
        session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    tomorrow = NOON + timedelta(days=1)
    kept = booking.book(session, agenda=agenda, starts_at=tomorrow, now=clock(),
                        caller_number="+15551110001")
    dropped = booking.book(session, agenda=agenda, starts_at=tomorrow + timedelta(hours=1),
                           now=clock(), caller_number="+15551110002")
    session.commit()
    assert reminders.queue_due_reminders(session, now=clock()) == 0  # 25 h ahead
    booking.cancel(session, appointment=dropped, agenda=agenda, now=clock())
    at = tomorrow - timedelta(hours=23)
    assert reminders.queue_due_reminders(session, now=at) == 1
    assert reminders.queue_due_reminders(session, now=at + timedelta(minutes=5)) == 0
    session.commit()

    def reminder_rows() -> list[OutboxItem]:
        return list(session.execute(select(OutboxItem).where(
            col(OutboxItem.kind) == "reminder")).scalars())

    [first] = reminder_rows()
    assert first.recipient == "+15551110001" and "Wednesday, November 18th at noon" in first.body
    # Moved: the pending reminder is withdrawn and the new time is reminded in its turn.
    booking.move(session, appointment=kept, agenda=agenda,
                 starts_at=tomorrow + timedelta(hours=3), now=at)
    assert [r.status for r in reminder_rows()] == [OutboxStatus.void]
    assert reminders.queue_due_reminders(session, now=at + timedelta(hours=3)) == 1
    session.commit()
    assert sorted(r.status for r in reminder_rows()) == [OutboxStatus.pending, OutboxStatus.void]
