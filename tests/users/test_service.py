"""Accounts: a login checked in steps (read, check with nothing held, settle), and password
checks that never take every core."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.users import service as users
from receptionist.users.models import User
from tests.waiting import wait_until

PASSWORD = "a long enough password"


@pytest.fixture
def owner(session: Session) -> User:
    user = users.create_user(session, email="Owner@Demo.test", password=PASSWORD,
                             role="owner", tenants=[get_tenant(session, slug="demo")])
    session.commit()
    return user


def test_a_login_is_read_checked_then_settled(session: Session, owner: User) -> None:
    found = users.credentials(session, email=" owner@demo.TEST ")
    assert found.user_id == owner.id
    assert users.password_matches(found, PASSWORD)
    assert not users.password_matches(found, "not it at all")
    assert users.logged_in(session, found, None) == owner


def test_an_unknown_email_is_checked_against_a_dummy_and_never_matches(
        session: Session) -> None:
    found = users.credentials(session, email="nobody@demo.test")
    assert found.user_id is None and found.password_hash
    assert not users.password_matches(found, "not-a-real-password")  # the dummy's own
    assert users.new_hash_if_needed(found, "anything") is None


def test_a_weak_stored_hash_is_replaced_after_a_good_login(session: Session,
                                                           owner: User) -> None:
    from argon2 import PasswordHasher

    owner.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(PASSWORD)
    session.add(owner)
    session.commit()
    found = users.credentials(session, email=owner.email)
    new = users.new_hash_if_needed(found, PASSWORD)
    assert new is not None and new != found.password_hash
    user = users.logged_in(session, found, new)
    assert user is not None and user.password_hash == new


def test_a_password_change_is_hashed_before_it_is_stored(session: Session,
                                                         owner: User) -> None:
    with pytest.raises(users.AccountError, match="current password is wrong"):
        users.new_password_hash(owner, current="wrong", new="another long password")
    with pytest.raises(users.AccountError, match="at least"):
        users.new_password_hash(owner, current=PASSWORD, new="short")
    version = owner.session_version
    users.store_password(session, owner,
                         users.new_password_hash(owner, current=PASSWORD, new="x" * 12))
    assert owner.session_version == version + 1
    assert users.password_matches(users.credentials(session, email=owner.email), "x" * 12)


def test_password_checks_wait_their_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many logins arrive at once, at most PASSWORD_CHECKS hash at a time (the
    rest of the machine stays for the calls)."""
    running, most = 0, 0
    lock, release = threading.Lock(), threading.Event()

    def slow_verify(*_: Any) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        release.wait(120)
        with lock:
            running -= 1
        return False

    class SlowHasher:
        verify = staticmethod(slow_verify)

    monkeypatch.setattr(users, "_hasher", SlowHasher())
    found = users.Credentials(1, "$argon2id$stand-in")
    threads = [threading.Thread(target=users.password_matches, args=(found, "guess"))
               for _ in range(4 * users.PASSWORD_CHECKS + 2)]
    for thread in threads:
        thread.start()
    wait_until(lambda: running == users.PASSWORD_CHECKS, "the first checks to start")
    release.set()
    for thread in threads:
        thread.join(120)
    assert most == users.PASSWORD_CHECKS
