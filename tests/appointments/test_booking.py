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

from receptionist.appointments import agendas, booking, free_times, lookups
from receptionist.appointments.models import Appointment, SlotClaim
from receptionist.outbox.models import OutboxItem
from tests.appointments.demo_agenda import CHECKUP, CLEANING, NOON, main_agenda
from tests.conftest import FixedClock


def test_book_claims_the_units_and_queues_the_sms(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                          caller_number="+15551112222", source="api")
    session.commit()
    claims = session.execute(select(SlotClaim).where(
        col(SlotClaim.appointment_id) == booked.id)).scalars().all()
    assert len(claims) == 6  # 30 minutes in 5-minute units
    [sms] = session.execute(select(OutboxItem)).scalars().all()
    assert sms.recipient == "+15551112222" and sms.sender == "+15005550006"
    assert NOON not in free_times.available(session, agenda, now=clock(), start=NOON,
                                            end=NOON + timedelta(hours=1))


def test_a_booked_appointment_is_the_sessions_row_as_stored(session: Session,
                                                            clock: FixedClock) -> None:
    """Inserted by one statement (not a flush): its spans are set, and the object is the
    session's, so a change to it is written like any other."""
    agenda = main_agenda(session)
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                          caller_name="Ann", source="api")
    assert booked.id is not None and booked in session and not session.new
    assert booked.start_s == int(NOON.timestamp())
    assert booked.block_end_s == booked.end_s == booked.start_s + 30 * 60
    booked.caller_name = "Ann Lee"
    session.commit()
    session.expire_all()
    stored = session.get(Appointment, booked.id)
    assert stored is not None and stored.caller_name == "Ann Lee"
    assert (stored.starts_at, stored.start_s, stored.source) == (NOON, booked.start_s, "api")
    assert stored.uid == booked.uid and stored.status == booked.status


def test_a_race_lost_under_a_savepoint_leaves_nothing_in_the_session(
        session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """A caller's booking (a webhook's transaction goes on after it): the rolled-back
    appointment is no object of the session, so the next booking in the same transaction
    (SQLite hands out the same id again) is the session's row."""
    agenda = main_agenda(session)
    booking.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.commit()
    known = set(session.identity_map.keys())
    with monkeypatch.context() as fooled:  # the availability check misses the race
        fooled.setattr(booking, "available", lambda *a, **k: [NOON])
        with pytest.raises(booking.SlotTaken):
            booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                         savepoint=True)
    assert set(session.identity_map.keys()) == known
    later = NOON + timedelta(hours=1)
    booked = booking.book(session, agenda=agenda, starts_at=later, now=clock(),
                          savepoint=True)
    session.commit()
    assert booked in session
    assert [a.starts_at for a in session.execute(select(Appointment).order_by(
        col(Appointment.starts_at))).scalars()] == [NOON, later]


@pytest.mark.parametrize(("starts_at", "error", "reason"), [
    (NOON + timedelta(minutes=10), booking.NotASlot, "not a slot start"),
    (datetime(2026, 11, 17, 15, 30, tzinfo=UTC), booking.NotASlot, "too soon"),
    (datetime(2027, 3, 2, 17, tzinfo=UTC), booking.NotASlot, "too far ahead"),
    (datetime(2026, 11, 21, 17, tzinfo=UTC), booking.NotASlot, "not a slot start"),
    (datetime(2026, 11, 17, 12, 0), booking.NotASlot, "UTC offset"),
])
def test_unbookable_times(session: Session, clock: FixedClock, starts_at: datetime,
                          error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        booking.book(session, agenda=main_agenda(session), starts_at=starts_at,
                     now=clock())


def test_the_database_refuses_a_double_booking(session: Session, clock: FixedClock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    agenda = main_agenda(session)
    booking.book(session, agenda=agenda, starts_at=NOON, now=clock())
    session.commit()
    # Even when the availability check is fooled, the slot claims' key refuses it.
    monkeypatch.setattr(booking, "available", lambda *a, **k: [NOON])
    with pytest.raises(booking.SlotTaken):
        booking.book(session, agenda=agenda, starts_at=NOON, now=clock())
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
                booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                             caller_number=f"+1555000000{index}")
                session.commit()
                outcomes.append("booked")
            except booking.SlotTaken:
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
    booked = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                          caller_number="+15551112222")
    later = NOON + timedelta(hours=2)
    booking.move(session, appointment=booked, agenda=agenda, starts_at=later, now=clock())
    assert (booked.starts_at, booked.sequence) == (later, 1)
    free = free_times.available(session, agenda, now=clock(), start=NOON,
                                end=NOON + timedelta(hours=3))
    assert NOON in free and later not in free
    booking.cancel(session, appointment=booked, agenda=agenda, now=clock())
    session.commit()
    assert later in free_times.available(session, agenda, now=clock(), start=NOON,
                                         end=NOON + timedelta(hours=3))
    kinds = [i.kind for i in session.execute(select(OutboxItem).order_by(
        col(OutboxItem.id))).scalars()]
    assert kinds == ["booking_confirmed", "booking_moved", "booking_cancelled"]


def test_changed_rules_apply_at_once(session: Session, clock: FixedClock) -> None:
    """The parsed rules are kept per version of the agenda's settings: an owner's change
    (here, Tuesday afternoons closed and 60-minute slots) is what the next offer uses."""
    agenda = main_agenda(session)
    before = free_times.available(session, agenda, now=clock(), start=NOON,
                                  end=NOON + timedelta(hours=2))
    assert [s.astimezone(UTC).hour for s in before] == [17, 17, 18, 18]
    hours = {day: ["09:00-18:00"] for day in ("mon", "wed", "thu", "fri")}
    agendas.update_rules(
        session, agenda=agenda, weekly_hours={**hours, "tue": ["09:00-12:00"]}, closures=[],
        slot_minutes=60, buffer_minutes=0, min_notice_minutes=60, horizon_days=60,
        reminder_hours=24)
    assert free_times.available(session, agenda, now=clock(), start=NOON,
                                end=NOON + timedelta(hours=2)) == []
    wednesday_noon = NOON + timedelta(days=1)
    after = free_times.available(session, agenda, now=clock(), start=wednesday_noon,
                                 end=wednesday_noon + timedelta(hours=2))
    assert [s.astimezone(UTC).hour for s in after] == [17, 18]


def test_an_appointment_type_keeps_the_agenda_grid_and_its_own_length(
        session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    booking.book(session, agenda=agenda, starts_at=NOON, now=clock(), kind=CHECKUP)
    # A cleaning (60 + 10 minutes) fits 11:00 only if it ends before the check-up at noon:
    # it does not (12:10), so the first cleaning is after it, on the 30-minute grid.
    free = free_times.available(session, agenda, now=clock(), start=NOON - timedelta(hours=1),
                                end=NOON + timedelta(hours=2), kind=CLEANING)
    assert [s.astimezone(UTC).strftime("%H:%M") for s in free] == ["17:30", "18:00", "18:30"]
    cleaning = booking.book(session, agenda=agenda, starts_at=NOON + timedelta(minutes=30),
                            now=clock(), kind=CLEANING)
    assert (cleaning.appointment_type, cleaning.buffer_minutes) == ("cleaning", 10)
    assert cleaning.ends_at - cleaning.starts_at == timedelta(minutes=60)
    claims = session.execute(select(SlotClaim).where(
        col(SlotClaim.appointment_id) == cleaning.id)).scalars().all()
    assert len(claims) == 14
    # The buffer after the cleaning (until 13:40) blocks the 13:30 check-up.
    checkups = free_times.available(session, agenda, now=clock(), start=NOON,
                                    end=NOON + timedelta(minutes=150), kind=CHECKUP)
    assert [s.astimezone(UTC).strftime("%H:%M") for s in checkups] == ["19:00"]
    with pytest.raises(booking.NotASlot):  # off the agenda's grid
        booking.book(session, agenda=agenda, starts_at=NOON + timedelta(minutes=155),
                     now=clock(), kind=CHECKUP)


def test_a_type_has_its_own_notice_and_horizon(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    careful = free_times.Kind("surgery", 60, notice_minutes=48 * 60, horizon_days=7)
    first = free_times.first_day_with_slots(session, agenda, now=clock(), kind=careful)
    assert first[0].date().isoformat() == "2026-11-19"  # two days' notice
    with pytest.raises(booking.NotASlot, match="at most 7 days"):
        booking.book(session, agenda=agenda, starts_at=NOON + timedelta(days=8),
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
                booking.book(session, agenda=agenda, starts_at=starts[index],
                             now=clock(), kind=kind, caller_number=f"+1555000010{index:02}")
                session.commit()
            except booking.BookingError:
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


def test_moving_keeps_the_type_and_callers_counts(session: Session, clock: FixedClock) -> None:
    agenda = main_agenda(session)
    number = "+15550001111"
    cleaning = booking.book(session, agenda=agenda, starts_at=NOON, now=clock(),
                            kind=CLEANING, caller_number=number)
    moved = booking.move(session, appointment=cleaning, agenda=agenda,
                         starts_at=NOON + timedelta(days=1), now=clock())
    assert moved.ends_at - moved.starts_at == timedelta(minutes=60)
    assert (moved.appointment_type, moved.buffer_minutes) == ("cleaning", 10)
    assert moved.block_end_s == moved.end_s + 600
    day = free_times.day_bounds(agenda, NOON + timedelta(days=1))
    assert lookups.bookings_on(session, tenant_id=agenda.tenant_id, caller_number=number,
                               start=day[0], end=day[1]) == 1
    assert lookups.bookings_on(session, tenant_id=agenda.tenant_id, caller_number=number,
                               start=day[0], end=day[1], ignore=moved.id) == 0
    assert lookups.has_booked(session, tenant_id=agenda.tenant_id, caller_number=number)
    assert not lookups.has_booked(session, tenant_id=agenda.tenant_id,
                                  caller_number="+15550002222")


def test_a_busy_time_refuses_a_start_even_when_it_ends_within_the_slot(
        session: Session, clock: FixedClock) -> None:
    """A cleaning at 14:30 over a busy time 14:00-15:00: refused, although 15:00 (within
    the cleaning's hour) is free; 15:00 itself books."""
    from receptionist.appointments.models import ExternalBusy

    agenda = main_agenda(session)
    assert agenda.id is not None
    session.add(ExternalBusy(agenda_id=agenda.id, uid="x", starts_at=NOON + timedelta(hours=2),
                             ends_at=NOON + timedelta(hours=3)))
    session.flush()
    with pytest.raises(booking.SlotTaken):
        booking.book(session, agenda=agenda, starts_at=NOON + timedelta(hours=2, minutes=30),
                     now=clock(), kind=CLEANING)
    with pytest.raises(booking.SlotTaken):
        booking.book(session, agenda=agenda, starts_at=NOON + timedelta(hours=2, minutes=30),
                     now=clock())
    assert booking.book(session, agenda=agenda, starts_at=NOON + timedelta(hours=3),
                        now=clock(), kind=CLEANING).id
