"""The JSON API: bearer tokens scoped to one tenant, availability, booking (201 / 409 /
422), moving, cancelling, listings; many clients racing for one slot."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.tenants.service import get_tenant
from receptionist.tenants.tokens import create_token
from tests.conftest import FixedClock

NOON = "2026-11-17T12:00:00-05:00"


@pytest.fixture
def tokens(session: Session, clock: FixedClock) -> dict[str, str]:
    made = {slug: create_token(session, tenant=get_tenant(session, slug=slug), name="tests",
                               now=clock()) for slug in ("demo", "demo-fr")}
    session.commit()
    return made


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_tokens_are_required_and_scoped(client: TestClient, tokens: dict[str, str]) -> None:
    url = "/api/v1/tenants/demo/appointments"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=auth("rcp_not-a-token")).status_code == 401
    assert client.get(url, headers={"Authorization": "Basic eDp5"}).status_code == 401
    # Another tenant's data looks exactly like a tenant that does not exist.
    assert client.get(url, headers=auth(tokens["demo-fr"])).status_code == 404
    assert client.get("/api/v1/tenants/nobody/appointments",
                      headers=auth(tokens["demo"])).status_code == 404
    assert client.get(url, headers=auth(tokens["demo"])).json() == []


def test_availability_then_book_then_conflict(client: TestClient,
                                              tokens: dict[str, str]) -> None:
    headers = auth(tokens["demo"])
    day = client.get("/api/v1/tenants/demo/availability?date=2026-11-17", headers=headers)
    assert day.status_code == 200
    body = day.json()
    assert body["timezone"] == "America/New_York" and body["slot_minutes"] == 30
    assert body["slots"][0] == "2026-11-17T16:00:00Z"  # 11:00, an hour's notice after 10:00
    assert len(body["slots"]) == 14
    created = client.post("/api/v1/tenants/demo/appointments", headers=headers,
                          json={"starts_at": NOON, "caller_number": "+15551234567",
                                "caller_name": "Ada"})
    assert created.status_code == 201, created.text
    assert created.json()["starts_at"] == "2026-11-17T17:00:00Z"
    again = client.post("/api/v1/tenants/demo/appointments", headers=headers,
                        json={"starts_at": NOON})
    assert again.status_code == 409 and "no longer free" in again.json()["detail"]
    slots = client.get("/api/v1/tenants/demo/availability?date=2026-11-17",
                       headers=headers).json()["slots"]
    assert "2026-11-17T17:00:00Z" not in slots and len(slots) == 13


@pytest.mark.parametrize(("body", "status", "reason"), [
    ({"starts_at": "2026-11-17T12:10:00-05:00"}, 422, "not a slot start"),
    ({"starts_at": "2026-11-17T10:30:00-05:00"}, 422, "too soon"),
    ({"starts_at": "2026-11-17T12:00:00"}, 422, "UTC offset"),
    ({"starts_at": NOON, "agenda": "nope"}, 404, "no agenda"),
    ({"starts_at": NOON, "caller_number": "555"}, 422, "caller_number"),
    ({"starts_at": "tomorrow"}, 422, "starts_at"),
])
def test_bad_bookings_are_explained(client: TestClient, tokens: dict[str, str],
                                    body: dict[str, str], status: int, reason: str) -> None:
    response = client.post("/api/v1/tenants/demo/appointments", headers=auth(tokens["demo"]),
                           json=body)
    assert response.status_code == status
    assert reason in response.text


def test_move_and_cancel(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["demo"])
    base = "/api/v1/tenants/demo/appointments"
    first = client.post(base, headers=headers, json={"starts_at": NOON}).json()
    second = client.post(base, headers=headers,
                         json={"starts_at": "2026-11-17T13:00:00-05:00"}).json()
    clash = client.patch(f"{base}/{first['id']}", headers=headers,
                         json={"starts_at": "2026-11-17T13:00:00-05:00"})
    assert clash.status_code == 409
    moved = client.patch(f"{base}/{first['id']}", headers=headers,
                         json={"starts_at": "2026-11-17T14:00:00-05:00"})
    assert moved.status_code == 200 and moved.json()["starts_at"] == "2026-11-17T19:00:00Z"
    assert client.delete(f"{base}/{second['id']}", headers=headers).status_code == 204
    # Another tenant cannot see or cancel it.
    assert client.delete(f"{base.replace('demo', 'demo-fr')}/{first['id']}",
                         headers=auth(tokens["demo-fr"])).status_code == 404
    assert client.delete(f"{base}/999999", headers=headers).status_code == 404
    listed = client.get(base, headers=headers).json()
    assert [a["id"] for a in listed] == [first["id"]]
    everything = client.get(f"{base}?include_cancelled=true", headers=headers).json()
    assert {a["status"] for a in everything} == {"booked", "cancelled"}


def test_many_clients_one_slot_one_winner(client: TestClient, tokens: dict[str, str]) -> None:
    statuses: list[int] = []
    barrier = threading.Barrier(12)

    def book() -> None:
        barrier.wait()
        response = client.post("/api/v1/tenants/demo/appointments",
                               headers=auth(tokens["demo"]), json={"starts_at": NOON})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=book) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 11


def test_calls_and_messages_are_listed(client: TestClient, tokens: dict[str, str],
                                       sim: object) -> None:
    from receptionist.twilio.simulator import LeaveMessage, Press
    from tests.conftest import DEMO_EN
    from tests.twilio_sim import TestTwilioSim

    assert isinstance(sim, TestTwilioSim)
    call = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    headers = auth(tokens["demo"])
    calls = client.get("/api/v1/tenants/demo/calls", headers=headers).json()
    assert [c["call_sid"] for c in calls] == [call.call_sid]
    messages = client.get("/api/v1/tenants/demo/messages", headers=headers).json()
    assert [m["call_sid"] for m in messages] == [call.call_sid]
    assert client.get("/api/v1/tenants/demo-fr/calls",
                      headers=auth(tokens["demo-fr"])).json() == []
    assert client.get("/api/v1/tenants/demo/calls?limit=0", headers=headers).status_code == 422


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/tenants/{slug}/appointments/{appointment_id}" in paths


def test_a_token_acting_for_an_account_follows_its_access(client: TestClient,
                                                          session: Session,
                                                          clock: FixedClock) -> None:
    from sqlalchemy import delete

    from receptionist.users.models import UserTenant
    from receptionist.users.service import create_user

    demo = get_tenant(session, slug="demo")
    user = create_user(session, email="agency@ops.test", password="a long password 1",
                       role="operator", tenants=[demo])
    token = create_token(session, tenant=demo, name="crm", now=clock(), user_id=user.id)
    session.commit()
    assert client.get("/api/v1/tenants/demo/calls", headers=auth(token)).status_code == 200
    session.execute(delete(UserTenant).where(UserTenant.user_id == user.id))  # type: ignore[arg-type]
    session.commit()
    assert client.get("/api/v1/tenants/demo/calls", headers=auth(token)).status_code == 404


def test_appointment_types_through_the_api(client: TestClient, tokens: dict[str, str],
                                           engine: Engine) -> None:
    from tests.conftest import DEMO_EN
    from tests.twilio.practice import publish_practice

    publish_practice(engine, DEMO_EN)
    headers = auth(tokens["demo"])
    url = "/api/v1/tenants/demo/availability?date=2026-11-17&agenda=okafor"
    body = client.get(url + "&type=checkup", headers=headers).json()
    assert (body["type"], body["slot_minutes"]) == ("checkup", 30)
    assert body["slots"][:2] == ["2026-11-17T16:00:00Z", "2026-11-17T16:30:00Z"]
    created = client.post("/api/v1/tenants/demo/appointments", headers=headers,
                          json={"starts_at": "2026-11-17T11:00:00-05:00", "agenda": "okafor",
                                "type": "cleaning"})
    assert created.status_code == 201, created.text
    assert created.json()["type"] == "cleaning"
    assert created.json()["ends_at"] == "2026-11-17T17:00:00Z"  # 60 minutes
    after = client.get(url + "&type=checkup", headers=headers).json()["slots"]
    assert after[0] == "2026-11-17T17:30:00Z"  # and its 10-minute buffer
    unknown = client.get(url + "&type=surgery", headers=headers)
    assert unknown.status_code == 422 and "unknown appointment type 'surgery'" in unknown.text
    assert client.get(url + "&type=Bad!", headers=headers).status_code == 422


def test_a_token_revoked_through_another_instance_stops_within_the_cache_time(
        client: TestClient, session: Session, tokens: dict[str, str]) -> None:
    """Checked tokens are kept TTL_S seconds (tenants/token_cache.py); a revocation made
    elsewhere (another instance, the database) takes effect when that time is up."""
    from sqlalchemy import update

    from receptionist.tenants.models import ApiToken
    from receptionist.tenants.token_cache import TTL_S, TokenCache
    from receptionist.tenants.tokens import digest

    now = [0.0]
    client.app.state.runtime.api_tokens = TokenCache(clock=lambda: now[0])  # type: ignore[attr-defined]
    url = "/api/v1/tenants/demo/calls"
    assert client.get(url, headers=auth(tokens["demo"])).status_code == 200
    session.execute(update(ApiToken).where(
        ApiToken.token_sha256 == digest(tokens["demo"])).values(  # type: ignore[arg-type]
        revoked_at=get_tenant(session, slug="demo").created_at))
    session.commit()
    now[0] += TTL_S - 0.5
    assert client.get(url, headers=auth(tokens["demo"])).status_code == 200
    now[0] += 0.5
    assert client.get(url, headers=auth(tokens["demo"])).status_code == 401
    # The other business's token was never affected.
    assert client.get("/api/v1/tenants/demo-fr/calls",
                      headers=auth(tokens["demo-fr"])).status_code == 200
