"""Finding 8 (round 3): behind the shipped compose proxy, anyone locked every user out.

Caddy ran in its own container while FORWARDED_ALLOW_IPS stayed 127.0.0.1, so every client
had the proxy's address and 20 failures gave everyone 429; where the proxy was trusted,
rotating X-Forwarded-For gave unlimited tries on one account. Now compose trusts exactly
the proxy's address, the client is the rightmost address the proxy did not add, and one
account is limited across every address, except in browsers it logged in from before."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from receptionist.admin import sessions
from receptionist.config import InsecureSettingsError, Settings
from receptionist.main import create_app
from receptionist.runtime import Runtime
from receptionist.users import login_throttle
from tests.admin.helpers import csrf_of
from tests.conftest import FixedClock
from tests.security.conftest import OWNER, PASSWORD
from tests.test_compose import compose

PROXY = "172.30.10.2"


@pytest.fixture
def behind_proxy(settings: Settings, runtime: Runtime) -> Iterator[TestClient]:
    """The app as `receptionist web-only` runs it (uvicorn's proxy headers), reached from
    the proxy's address only, as in compose."""
    app: Any = create_app(settings, runtime=runtime)  # ASGI types differ only by name
    proxied: Any = ProxyHeadersMiddleware(app, trusted_hosts=PROXY)
    with TestClient(proxied, client=(PROXY, 40000)) as client:
        yield client


def _login(client: TestClient, password: str, forwarded: str,
           email: str = OWNER) -> int:
    """One login through the proxy, which appends the client's real address."""
    headers = {"X-Forwarded-For": forwarded}
    csrf = csrf_of(client.get("/admin/login", headers=headers).text)
    return client.post("/admin/login", headers=headers, follow_redirects=False,
                       data={"email": email, "password": password, "csrf": csrf}).status_code


def test_compose_trusts_exactly_the_proxys_address() -> None:
    services = compose()["services"]
    assert services["proxy"]["networks"]["edge"]["ipv4_address"] == PROXY
    subnet = compose()["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    assert PROXY.rsplit(".", 1)[0] in subnet
    webs = [name for name, s in services.items() if s.get("command") == "web-only"]
    for name in webs:
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == PROXY
        assert "edge" in services[name]["networks"]


@pytest.mark.usefixtures("accounts")
def test_other_clients_behind_the_proxy_are_not_locked_out(behind_proxy: TestClient) -> None:
    sprayed = [_login(behind_proxy, "guessing", "198.51.100.66", email=f"s{i}@demo.test")
               for i in range(login_throttle.LIMIT + 2)]
    assert sprayed == [401] * login_throttle.LIMIT + [429] * 2
    assert _login(behind_proxy, PASSWORD, "198.51.100.66") == 429
    assert _login(behind_proxy, PASSWORD, "203.0.113.7") == 303  # the owner, elsewhere


@pytest.mark.usefixtures("accounts")
def test_a_spoofed_x_forwarded_for_does_not_change_the_address(
        behind_proxy: TestClient) -> None:
    """The attacker writes an X-Forwarded-For of their own: the proxy adds their real
    address after it, and that is the one counted."""
    spoofed = (f"10.9.{i}.{i}, 192.0.2.{i}" for i in itertools.count(1))
    statuses = [_login(behind_proxy, "guessing", f"{next(spoofed)}, 198.51.100.66")
                for _ in range(login_throttle.FREE_TRIES + 3)]
    assert statuses == [401] * login_throttle.FREE_TRIES + [429] * 3


@pytest.mark.usefixtures("accounts")
def test_many_addresses_guessing_one_account_are_held_back_but_not_its_owner(
        behind_proxy: TestClient, clock: FixedClock) -> None:
    assert _login(behind_proxy, PASSWORD, "203.0.113.7") == 303  # the owner's own browser
    device = behind_proxy.cookies.get(sessions.DEVICE_COOKIE, path="/admin/login")
    assert device
    behind_proxy.cookies.clear()
    addresses = (f"198.51.{i // 250}.{i % 250 + 1}" for i in itertools.count())
    for _ in range(login_throttle.ACCOUNT_LIMIT):
        assert _login(behind_proxy, "guessing", next(addresses)) == 401
        clock.now += timedelta(seconds=1)
    # A new address, even with the right password, waits: the account is under attack.
    assert _login(behind_proxy, PASSWORD, next(addresses)) == 429
    # The owner's browser is known: it logs in, from wherever the owner is today.
    behind_proxy.cookies.set(sessions.DEVICE_COOKIE, device, path="/admin/login")
    assert _login(behind_proxy, PASSWORD, next(addresses)) == 303


def test_a_device_cookie_is_bound_to_its_account_and_expires(clock: FixedClock) -> None:
    key = "k" * 40
    owner, other = login_throttle.account_key(OWNER), login_throttle.account_key("x@y.z")
    cookie = sessions.device_value(key, owner, clock())
    assert sessions.device_known(key, cookie, owner, clock())
    assert not sessions.device_known(key, cookie, other, clock())
    assert not sessions.device_known("another secret key 0123456789", cookie, owner, clock())
    forged = cookie.replace(owner, other, 1)
    assert not sessions.device_known(key, forged, other, clock())
    assert not sessions.device_known(key, cookie, owner,
                                     clock() + sessions.DEVICE_LIFETIME + timedelta(1))


def test_production_refuses_to_believe_every_x_forwarded_for(settings: Settings) -> None:
    with pytest.raises(InsecureSettingsError, match="FORWARDED_ALLOW_IPS"):
        settings.model_copy(update={"forwarded_allow_ips": "*"}).check_secrets()
    settings.model_copy(update={"forwarded_allow_ips": "172.30.10.0/24"}).check_secrets()
