"""Finding 8: after 5 failures a real account answered "too many failed attempts" and an
unknown one "wrong email or password" (telling which accounts exist), and anyone could lock
an owner out. Now both get the same answers, slowed down per (account, address)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from receptionist.config import Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from tests.admin.helpers import login
from tests.conftest import FixedClock
from tests.security.conftest import OWNER

GHOST = "nobody@demo.test"


def _answers(client: TestClient, email: str, tries: int) -> list[tuple[int, str]]:
    out = []
    for _ in range(tries):
        status, page = login(client, email, "not the password")
        error = page.split('class="error"', 1)[-1].split("</", 1)[0]
        out.append((status, error))
    return out


@pytest.mark.usefixtures("accounts")
def test_real_and_unknown_accounts_answer_alike(client: TestClient, clock: FixedClock,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="receptionist.admin.views")
    real = _answers(client, OWNER, 6)
    ghost = _answers(client, GHOST, 6)
    assert real == ghost
    assert [status for status, _ in real] == [401, 401, 401, 429, 429, 429]
    assert "try again in 1 second" in real[3][1]
    assert "login slowed down" in caplog.text  # the owner can see it in the logs


@pytest.mark.usefixtures("accounts")
def test_delays_grow_then_the_right_password_works(client: TestClient,
                                                   clock: FixedClock) -> None:
    for wait in (1, 2, 4, 8):
        for _ in range(3 if wait == 1 else 0):
            login(client, OWNER, "not the password")
        status, page = login(client, OWNER)
        assert status == 429 and f"try again in {wait} second" in page
        clock.now += timedelta(seconds=wait)
        assert login(client, OWNER, "still not it")[0] == 401
    clock.now += timedelta(seconds=16)
    assert login(client, OWNER)[0] == 200


@pytest.mark.usefixtures("accounts")
def test_an_attacker_elsewhere_cannot_lock_the_owner_out(
        client: TestClient, settings: Settings, runtime: Runtime) -> None:
    for _ in range(15):
        login(client, OWNER, "guessing")
    assert login(client, OWNER)[0] == 429  # the attacker's address waits
    with TestClient(create_app(settings, runtime=runtime),
                    client=("203.0.113.7", 40000)) as owners_phone:
        assert login(owners_phone, OWNER)[0] == 200
