"""Booking rules on the demo agenda (New York, Mon-Fri 09:00-18:00, 30-minute slots, one
hour's notice); the clock is Tuesday 2026-11-17 10:00 in New York."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from receptionist.appointments import service as appointments
from receptionist.appointments.models import Agenda, Appointment, SlotClaim
from receptionist.outbox.models import OutboxItem, OutboxStatus
from receptionist.tenants.service import get_tenant
from tests.conftest import FixedClock

NOON = datetime(2026, 11, 17, 17, 0, tzinfo=UTC)  # 12:00 in New York


def main_agenda(session: Session, slug: str = "demo") -> Agenda:
    tenant = get_tenant(session, slug=slug)
    assert tenant.id is not None
    agenda = appointments.get_agenda(session, tenant_id=tenant.id, slug="main")
    assert agenda is not None
    return agenda


def test_demo_agenda_follows_the_script(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    assert (agenda.timezone, agenda.slot_minutes) == ("America/New_York", 30)
    first = appointments.first_day_with_slots(session, agenda, now=clock())
    assert [s.astimezone(UTC).hour for s in first] == [16, 16, 17]  # 11:00, 11:30, 12:00
    wednesday = datetime(2026, 11, 25, 15, tzinfo=UTC)  # Thanksgiving (26th) is closed
    after = appointments.first_day_with_slots(session, agenda, now=clock(), after=wednesday)
    assert after[0].date().isoformat() == "2026-11-27"


def test_book_claims_the_units_and_queues_the_sms(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    booked = appointments.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                               caller_number="+15551112222", source="api")
    session.commit()
    claims = session.execute(select(SlotClaim).where(
        col(SlotClaim.appointment_id) == booked.id)).scalars().all()
    assert len(claims) == 6  # 30 minutes in 5-minute units
    [sms] = session.execute(select(OutboxItem)).scalars().all()
    assert sms.recipient == "+15551112222" and sms.sender == "+15005550006"
    assert NOON not in appointments.available(session, agenda, now=clock(), start=NOON,
                                              end=NOON + timedelta(hours=1))


@pytest.mark.parametrize(("starts_at", "error", "reason"), [
    (NOON + timedelta(minutes=10), appointments.NotASlot, "not a slot start"),
    (datetime(2026, 11, 17, 15, 30, tzinfo=UTC), appointments.NotASlot, "too soon"),
    (datetime(2027, 3, 2, 17, tzinfo=UTC), appointments.NotASlot, "too far ahead"),
    (datetime(2026, 11, 21, 17, tzinfo=UTC), appointments.NotASlot, "not a slot start"),
    (datetime(2026, 11, 17, 12, 0), appointments.NotASlot, "UTC offset"),
])
def test_unbookable_times(session: Session, clock: FixedClock, starts_at: datetime,
                          error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        appointments.book(session, agenda=main_agenda(session), starts_at=starts_at,
                          now=clock())


def test_the_database_refuses_a_double_booking(session: Session, clock: FixedClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    agenda = main_agenda(session)
    appointments.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.commit()
    # Even when the availability check is fooled, the slot claims' key refuses it.
    monkeypatch.setattr(appointments, "available", lambda *a, **k: [NOON])
    with pytest.raises(appointments.SlotTaken):
        appointments.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.rollback()
    assert len(session.execute(select(Appointment)).scalars().all()) == 1


def test_racing_transactions_have_one_winner(engine: Engine, clock: FixedClock) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(index: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            agenda = main_agenda(session)
            barrier.wait()
            try:
                appointments.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                                  caller_number=f"+1555000000{index}")
                session.commit()
                outcomes.append("booked")
            except appointments.SlotTaken:
                session.rollback()
                outcomes.append("taken")
            except Exception as exc:
                outcomes.append(f"error {exc}")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * 7


def test_move_and_cancel_free_the_old_time(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    booked = appointments.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                               caller_number="+15551112222")
    later = NOON + timedelta(hours=2)
    appointments.move(session, appointment=booked, agenda=agenda, starts_at=later, now=clock())
    assert (booked.starts_at, booked.sequence) == (later, 1)
    free = appointments.available(session, agenda, now=clock(), start=NOON,
                                  end=NOON + timedelta(hours=3))
    assert NOON in free and later not in free
    appointments.cancel(session, appointment=booked, agenda=agenda, now=clock())
    session.commit()
    assert later in appointments.available(session, agenda, now=clock(), start=NOON,
                                           end=NOON + timedelta(hours=3))
    kinds = [i.kind for i in session.execute(select(OutboxItem).order_by(
        col(OutboxItem.id))).scalars()]
    assert kinds == ["booking_confirmed", "booking_moved", "booking_cancelled"]


def test_reminders_once_rearmed_by_a_move_never_when_cancelled(
        session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    tomorrow = NOON + timedelta(days=1)
    kept = appointments.book(session, agenda=agenda, starts_at=tomorrow, now=clock(),
                             caller_number="+15551110001")
    dropped = appointments.book(session, agenda=agenda, starts_at=tomorrow + timedelta(hours=1),
                                now=clock(), caller_number="+15551110002")
    session.commit()
    assert appointments.queue_due_reminders(session, now=clock()) == 0  # 25 h ahead
    appointments.cancel(session, appointment=dropped, agenda=agenda, now=clock())
    at = tomorrow - timedelta(hours=23)
    assert appointments.queue_due_reminders(session, now=at) == 1
    assert appointments.queue_due_reminders(session, now=at + timedelta(minutes=5)) == 0
    session.commit()

    def reminders() -> list[OutboxItem]:
        return list(session.execute(select(OutboxItem).where(
            col(OutboxItem.kind) == "reminder")).scalars())

    [first] = reminders()
    assert first.recipient == "+15551110001" and "Wednesday, November 18th at noon" in first.body
    # Moved: the pending reminder is withdrawn and the new time is reminded in its turn.
    appointments.move(session, appointment=kept, agenda=agenda,
                      starts_at=tomorrow + timedelta(hours=3), now=at)
    assert [r.status for r in reminders()] == [OutboxStatus.void]
    assert appointments.queue_due_reminders(session, now=at + timedelta(hours=3)) == 1
    session.commit()
    assert sorted(r.status for r in reminders()) == [OutboxStatus.pending, OutboxStatus.void]


def test_changed_rules_apply_at_once(session: Session, clock: FixedClock) -> None:
    """The parsed rules are kept per version of the agenda's settings: an owner's change
    (here, Tuesday afternoons closed and 60-minute slots) is what the next offer uses."""
    agenda = main_agenda(session)
    before = appointments.available(session, agenda, now=clock(), start=NOON,
                                    end=NOON + timedelta(hours=2))
    assert [s.astimezone(UTC).hour for s in before] == [17, 17, 18, 18]
    hours = {day: ["09:00-18:00"] for day in ("mon", "wed", "thu", "fri")}
    appointments.update_rules(
        session, agenda=agenda, weekly_hours={**hours, "tue": ["09:00-12:00"]}, closures=[],
        slot_minutes=60, buffer_minutes=0, min_notice_minutes=60, horizon_days=60,
        reminder_hours=24)
    assert appointments.available(session, agenda, now=clock(), start=NOON,
                                  end=NOON + timedelta(hours=2)) == []
    wednesday_noon = NOON + timedelta(days=1)
    after = appointments.available(session, agenda, now=clock(), start=wednesday_noon,
                                   end=wednesday_noon + timedelta(hours=2))
    assert [s.astimezone(UTC).hour for s in after] == [17, 18]
