"""Booking rules on the demo agenda (New York, Mon-Fri 09:00-18:00, 30-minute slots, one
hour's notice); the clock is Tuesday 2026-11-17 10:00 in New York."""

from __future__ import annotations

import itertools
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


CHECKUP = appointments.Kind("checkup", 30)
CLEANING = appointments.Kind("cleaning", 60, buffer_minutes=10)


def test_an_appointment_type_keeps_the_agenda_grid_and_its_own_length(
        session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    appointments.book(session, agenda=agenda, starts_at=NOON, now=clock(), kind=CHECKUP)
    # A cleaning (60 + 10 minutes) fits 11:00 only if it ends before the check-up at noon:
    # it does not (12:10), so the first cleaning is after it, on the 30-minute grid.
    free = appointments.available(session, agenda, now=clock(), start=NOON - timedelta(hours=1),
                                  end=NOON + timedelta(hours=2), kind=CLEANING)
    assert [s.astimezone(UTC).strftime("%H:%M") for s in free] == ["17:30", "18:00", "18:30"]
    cleaning = appointments.book(session, agenda=agenda, starts_at=NOON + timedelta(minutes=30),
                                 now=clock(), kind=CLEANING)
    assert (cleaning.appointment_type, cleaning.buffer_minutes) == ("cleaning", 10)
    assert cleaning.ends_at - cleaning.starts_at == timedelta(minutes=60)
    claims = session.execute(select(SlotClaim).where(
        col(SlotClaim.appointment_id) == cleaning.id)).scalars().all()
    assert len(claims) == 14
    # The buffer after the cleaning (until 13:40) blocks the 13:30 check-up.
    checkups = appointments.available(session, agenda, now=clock(), start=NOON,
                                      end=NOON + timedelta(minutes=150), kind=CHECKUP)
    assert [s.astimezone(UTC).strftime("%H:%M") for s in checkups] == ["19:00"]
    with pytest.raises(appointments.NotASlot):  # off the agenda's grid
        appointments.book(session, agenda=agenda, starts_at=NOON + timedelta(minutes=155),
                          now=clock(), kind=CHECKUP)


def test_a_type_has_its_own_notice_and_horizon(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    careful = appointments.Kind("surgery", 60, notice_minutes=48 * 60, horizon_days=7)
    first = appointments.first_day_with_slots(session, agenda, now=clock(), kind=careful)
    assert first[0].date().isoformat() == "2026-11-19"  # two days' notice
    with pytest.raises(appointments.NotASlot, match="at most 7 days"):
        appointments.book(session, agenda=agenda, starts_at=NOON + timedelta(days=8),
                          now=clock(), kind=careful)


def test_racing_bookings_of_different_lengths_never_overlap(engine: Engine,
                                                           clock: FixedClock) -> None:
    """Twelve callers book check-ups and cleanings at once on one practitioner's agenda,
    each at a time that overlaps someone else's: the slot claims let no two overlap."""
    starts = [NOON + timedelta(minutes=30 * (i % 4)) for i in range(12)]
    barrier = threading.Barrier(12)
    errors: list[str] = []

    def attempt(index: int) -> None:
        kind = CLEANING if index % 2 else CHECKUP
        with Session(engine, expire_on_commit=False) as session:
            agenda = main_agenda(session)
            barrier.wait()
            try:
                appointments.book(session, agenda=agenda, starts_at=starts[index],
                                  now=clock(), kind=kind, caller_number=f"+1555000010{index:02}")
                session.commit()
            except appointments.BookingError:
                session.rollback()
            except Exception as exc:
                errors.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Session(engine) as session:
        rows = session.execute(select(Appointment)).scalars().all()
        spans = sorted((a.start_s, a.block_end_s) for a in rows)
    assert 0 < len(spans) < 12  # some won, the overlapping ones lost
    assert all(end <= nxt for (_, end), (nxt, _) in itertools.pairwise(spans))


def test_the_first_available_among_practitioners(session: Session, clock: FixedClock) -> None:
    main = main_agenda(session)
    tenant = get_tenant(session, slug="demo")
    other = appointments.create_agenda(
        session, tenant=tenant, slug="okafor", name="Dr Okafor",
        weekly_hours={"tue": ["09:00-13:00"], "wed": ["09:00-13:00"]})
    taken = NOON - timedelta(hours=1)  # 11:00 at the main agenda
    appointments.book(session, agenda=main, starts_at=taken, now=clock(), kind=CHECKUP)
    offered = appointments.first_day_among(session, [main, other], now=clock(), kind=CHECKUP)
    # Main has a booking today and Okafor none: Okafor takes every time it is free.
    assert [(s.astimezone(UTC).strftime("%H:%M"), a.slug) for s, a in offered] == [
        ("16:00", "okafor"), ("16:30", "okafor"), ("17:00", "okafor")]
    for minutes in (30, 60):  # now Okafor has two, main one
        appointments.book(session, agenda=other, starts_at=taken + timedelta(minutes=minutes),
                          now=clock(), kind=CHECKUP)
    offered = appointments.first_day_among(session, [main, other], now=clock(), kind=CHECKUP)
    assert [(s.astimezone(UTC).strftime("%H:%M"), a.slug) for s, a in offered] == [
        ("16:00", "okafor"), ("16:30", "main"), ("17:00", "main")]
    # After the day of the last offer: Wednesday, whoever is free first.
    later = appointments.first_day_among(session, [other, main], now=clock(),
                                         after=offered[-1][0], kind=CHECKUP)
    assert later[0][0].date().isoformat() == "2026-11-18" and later[0][1].slug == "okafor"


def test_moving_keeps_the_type_and_callers_counts(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    number = "+15550001111"
    cleaning = appointments.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                                 kind=CLEANING, caller_number=number)
    moved = appointments.move(session, appointment=cleaning, agenda=agenda,
                              starts_at=NOON + timedelta(days=1), now=clock())
    assert moved.ends_at - moved.starts_at == timedelta(minutes=60)
    assert (moved.appointment_type, moved.buffer_minutes) == ("cleaning", 10)
    assert moved.block_end_s == moved.end_s + 600
    day = appointments.day_bounds(agenda, NOON + timedelta(days=1))
    assert appointments.bookings_on(session, tenant_id=agenda.tenant_id, caller_number=number,
                                    start=day[0], end=day[1]) == 1
    assert appointments.bookings_on(session, tenant_id=agenda.tenant_id, caller_number=number,
                                    start=day[0], end=day[1], ignore=moved.id) == 0
    assert appointments.has_booked(session, tenant_id=agenda.tenant_id, caller_number=number)
    assert not appointments.has_booked(session, tenant_id=agenda.tenant_id,
                                       caller_number="+15550002222")
