"""Login attempts admitted and counted before the password is checked."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from receptionist.users import login_throttle as throttle
from tests.conftest import FixedClock


def _try(session: Session, clock: FixedClock, *, address: str = "198.51.100.1",
         email: str = "owner@demo.test", known: bool = False) -> throttle.Refused | int:
    admitted = throttle.admit(session, address=address, email=email, now=clock(),
                              known_device=known)
    session.commit()
    return admitted


def test_attempts_in_flight_count_before_they_fail(session: Session,
                                                   clock: FixedClock) -> None:
    """Three admitted, none settled yet: the fourth already waits."""
    admitted = [_try(session, clock) for _ in range(throttle.FREE_TRIES)]
    assert all(isinstance(a, int) for a in admitted)
    refused = _try(session, clock)
    assert isinstance(refused, throttle.Refused) and refused.scope == "account"
    assert refused.wait == timedelta(seconds=1)


def test_a_success_is_not_a_failure(session: Session, clock: FixedClock) -> None:
    for _ in range(throttle.FREE_TRIES):
        attempt = _try(session, clock)
        assert isinstance(attempt, int)
        throttle.settle(session, attempt, succeeded=True)
        session.commit()
    assert isinstance(_try(session, clock), int)


def test_the_address_limit_counts_every_account(session: Session,
                                                clock: FixedClock) -> None:
    for i in range(throttle.LIMIT):
        assert isinstance(_try(session, clock, email=f"guess{i}@demo.test"), int)
    refused = _try(session, clock, email="owner@demo.test")
    assert isinstance(refused, throttle.Refused) and refused.scope == "address"
    assert refused.wait == throttle.WINDOW
    clock.now += throttle.WINDOW
    assert isinstance(_try(session, clock, email="owner@demo.test"), int)


def test_one_account_from_many_addresses_holds_back_new_browsers_only(
        session: Session, clock: FixedClock) -> None:
    for i in range(throttle.ACCOUNT_LIMIT):
        assert isinstance(_try(session, clock, address=f"203.0.113.{i}"), int)
    refused = _try(session, clock, address="192.0.2.9")
    assert isinstance(refused, throttle.Refused) and refused.scope == "everywhere"
    assert isinstance(_try(session, clock, address="192.0.2.9", known=True), int)
    assert throttle.prune(session, clock() + throttle.ACCOUNT_WINDOW) == \
        throttle.ACCOUNT_LIMIT + 1
