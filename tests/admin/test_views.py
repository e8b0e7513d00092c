"""The admin UI over HTTP: login, lockout, CSRF, session expiry and logout, an owner's
inbox and call log, and tenant isolation (another business's URLs are 404)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.config import Settings
from receptionist.db import Database
from receptionist.main import create_app
from receptionist.messages.models import Message
from receptionist.messages.recordings import fetch_due_recordings
from receptionist.runtime import Runtime
from receptionist.tenants.service import get_tenant
from receptionist.twilio.rest import TwilioRest
from receptionist.twilio.simulator import LeaveMessage, Press
from receptionist.users.models import LoginFailure
from receptionist.worker import prune_replies_job
from tests.admin.helpers import PASSWORD, create_accounts, csrf_of, login
from tests.conftest import DEMO_EN, DEMO_FR, FixedClock
from tests.twilio_sim import TestTwilioSim


@pytest.fixture
def accounts(session: Session) -> None:
    create_accounts(session)


@pytest.fixture
def messages_left(sim: TestTwilioSim, settings: Settings, engine: Engine,
                  clock: FixedClock) -> dict[str, str]:
    calls = {"demo": sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)]).call_sid,
             "demo-fr": sim.call(DEMO_FR, [Press("2"), LeaveMessage(4)],
                                 from_="+33612345678").call_sid}
    fetch_due_recordings(settings, Database(engine), now=clock(), source=TwilioRest(settings))
    with Session(engine) as session:
        for message in session.execute(select(Message)).scalars():
            message.transcript = "Please call me back about my crown"
            session.add(message)
        session.commit()
    return calls


def message_ids(engine: Engine) -> dict[int, int]:
    with Session(engine) as session:
        return {m.tenant_id: m.id for m in session.execute(select(Message)).scalars()
                if m.id is not None}


@pytest.mark.usefixtures("accounts")
def test_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/admin/t/demo/inbox", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"


@pytest.mark.usefixtures("accounts")
def test_wrong_password_then_slowed_down(client: TestClient, clock: FixedClock) -> None:
    status, page = login(client, "owner@demo.test", "wrong password!")
    assert status == 401 and "wrong email or password" in page
    status, page = login(client, "nobody@demo.test")
    assert status == 401 and "wrong email or password" in page  # same answer
    for _ in range(2):
        login(client, "owner@demo.test", "wrong password!")
    status, page = login(client, "owner@demo.test")  # right password, but too soon
    assert status == 429 and "too many failed logins: try again in 1 second" in page
    clock.now += timedelta(seconds=1)
    assert login(client, "owner@demo.test")[0] == 200


@pytest.mark.usefixtures("accounts")
def test_owner_inbox_play_and_mark_handled(client: TestClient, engine: Engine,
                                           messages_left: dict[str, str]) -> None:
    status, page = login(client, "owner@demo.test")
    assert status == 200 and "Demo Dental Clinic" in page
    assert "What came of the calls" in page  # the owner lands on the dashboard
    page = client.get("/admin/t/demo/inbox").text
    assert "Please call me back about my crown" in page and 'href="tel:+15551230001"' in page
    ids = message_ids(engine)
    demo_id = ids[get_tenant_id(engine, "demo")]
    audio = client.get(f"/admin/t/demo/messages/{demo_id}/audio")
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
    url = f"/admin/t/demo/messages/{demo_id}/handled"
    assert client.post(url, data={"csrf": "forged"}).status_code == 403
    assert client.post(url, data={}).status_code == 422
    page = client.get("/admin/t/demo/inbox").text
    assert client.post(url, data={"csrf": csrf_of(page)}, follow_redirects=True
                       ).status_code == 200
    assert "No messages." in client.get("/admin/t/demo/inbox").text
    assert "crown" in client.get("/admin/t/demo/inbox?status=handled").text
    assert "crown" in client.get("/admin/t/demo/inbox?status=all&q=crown").text
    assert "No messages." in client.get("/admin/t/demo/inbox?status=all&q=pizza").text
    assert "No messages." in client.get("/admin/t/demo/inbox?status=all&from=2026-11-18").text


@pytest.mark.usefixtures("accounts")
def test_an_owner_never_sees_another_business(client: TestClient, engine: Engine,
                                              messages_left: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    fr_id = message_ids(engine)[get_tenant_id(engine, "demo-fr")]
    page = client.get("/admin/t/demo/inbox").text
    for url in ("/admin/t/demo-fr/inbox", "/admin/t/demo-fr/calls",
                f"/admin/t/demo-fr/messages/{fr_id}/audio",
                f"/admin/t/demo/messages/{fr_id}/audio",  # the id, under one's own slug
                f"/admin/t/demo/calls/{messages_left['demo-fr']}",
                "/admin/t/nobody/inbox"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/admin/t/demo/messages/{fr_id}/handled",
                       data={"csrf": csrf_of(page)}).status_code == 404
    assert "Cabinet" not in client.get("/admin/tenants").text


@pytest.mark.usefixtures("accounts")
def test_call_log_and_timeline(client: TestClient, messages_left: dict[str, str]) -> None:
    login(client, "owner@demo.test")
    calls = client.get("/admin/t/demo/calls").text
    assert messages_left["demo"] in calls and messages_left["demo-fr"] not in calls
    detail = client.get(f"/admin/t/demo/calls/{messages_left['demo']}").text
    assert "main_menu" in detail and "intent=message digit=2 via=keypad" in detail


@pytest.mark.usefixtures("accounts")
def test_operator_and_french_owner(client: TestClient) -> None:
    login(client, "agency@ops.test")
    tenants = client.get("/admin/tenants").text
    assert "Demo Dental Clinic" in tenants and "Cabinet" in tenants
    assert client.get("/admin/t/demo-fr/inbox").status_code == 200
    client.cookies.clear()
    login(client, "owner@demo-fr.test")
    page = client.get("/admin/t/demo-fr/inbox").text
    assert "Déconnexion" in page and "Aucun message." in page


@pytest.mark.usefixtures("accounts")
def test_sessions_expire_and_logout_ends_them(client: TestClient, clock: FixedClock) -> None:
    login(client, "owner@demo.test")
    assert client.get("/admin/t/demo/inbox").status_code == 200
    clock.now += timedelta(hours=7)
    assert client.get("/admin/t/demo/inbox").status_code == 200  # idle time restarts
    clock.now += timedelta(hours=8, minutes=1)
    assert client.get("/admin/t/demo/inbox", follow_redirects=False).status_code == 303
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/inbox").text
    stolen = dict(client.cookies)
    client.post("/admin/logout", data={"csrf": csrf_of(page)})
    client.cookies.clear()
    for name, value in stolen.items():
        client.cookies.set(name, value, path="/admin")
    assert client.get("/admin/t/demo/inbox", follow_redirects=False).status_code == 303


@pytest.mark.usefixtures("accounts")
def test_password_change_ends_other_sessions(client: TestClient, settings: Settings) -> None:
    other = TestClient(client.app)
    login(other, "owner@demo.test")
    login(client, "owner@demo.test")
    page = client.get("/admin/password").text
    bad = client.post("/admin/password", data={"current": "nope", "new": "0123456789ab",
                                               "csrf": csrf_of(page)})
    assert bad.status_code == 400 and "current password is wrong" in bad.text
    done = client.post("/admin/password", data={
        "current": PASSWORD, "new": "a much better password", "csrf": csrf_of(page)})
    assert done.status_code == 200 and "Saved." in done.text
    assert client.get("/admin/t/demo/inbox").status_code == 200  # this session goes on
    assert other.get("/admin/t/demo/inbox", follow_redirects=False).status_code == 303
    assert login(other, "owner@demo.test", "a much better password")[0] == 200


def test_security_headers(client: TestClient) -> None:
    page = client.get("/admin/login")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "httponly" in page.headers["set-cookie"].lower()


def get_tenant_id(engine: Engine, slug: str) -> int:
    with Session(engine) as session:
        tenant_id = get_tenant(session, slug=slug).id
        assert tenant_id is not None
        return tenant_id




@pytest.mark.usefixtures("accounts")
def test_dashboard_counts(client: TestClient, sim: TestTwilioSim) -> None:
    sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    sim.call(DEMO_EN, [Press("3"), Press("2"), LeaveMessage(3)])
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/dashboard")
    assert page.status_code == 200
    assert "<strong>2</strong> calls in these days" in page.text
    assert "<strong>2</strong> messages to handle" in page.text
    assert ('<th scope="row">Leave a message</th><td>2</td>' in page.text
            and '<th scope="row">Know our opening hours</th><td>1</td>' in page.text)
    assert "<title>Tue 17 Nov: 2</title>" in page.text
    assert client.get("/admin/t/demo-fr/dashboard").status_code == 404


@pytest.mark.usefixtures("accounts")
def test_many_failures_from_one_address_are_throttled(client: TestClient,
                                                      clock: FixedClock) -> None:
    for index in range(20):  # spread over accounts: no single account locks
        login(client, f"guess{index}@demo.test", "not the password")
    status, page = login(client, "owner@demo.test")
    assert status == 429 and "too many failed logins from your address" in page
    clock.now += timedelta(minutes=11)
    assert login(client, "owner@demo.test")[0] == 200


@pytest.mark.usefixtures("accounts")
def test_the_throttle_is_shared_by_every_instance(client: TestClient, settings: Settings,
                                                  runtime: Runtime, clock: FixedClock) -> None:
    """Failures counted by one web instance block the address on another one (they share
    the database), and the worker prunes them once the window has passed."""
    for index in range(20):
        login(client, f"guess{index}@demo.test", "not the password")
    with TestClient(create_app(settings, runtime=Runtime(
            settings=settings, engine=runtime.database.engine, clock=clock))) as other:
        assert login(other, "owner@demo.test")[0] == 429
    clock.now += timedelta(minutes=16)
    prune_replies_job(runtime)
    with Session(runtime.database.engine) as session:
        assert session.execute(select(func.count()).select_from(LoginFailure)).scalar_one() == 0


@pytest.mark.usefixtures("accounts")
def test_the_inbox_names_callers_who_gave_their_name(
        client: TestClient, session: Session, clock: FixedClock,
        messages_left: dict[str, str]) -> None:
    from receptionist.appointments import booking
    from tests.appointments.demo_agenda import NOON, main_agenda

    booking.book(session, agenda=main_agenda(session), starts_at=NOON, now=clock(),
                 caller_number="+15551230001", caller_name="Ada <Lovelace>")
    session.commit()
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/inbox").text
    assert "Ada &lt;Lovelace&gt; · +15551230001" in page


@pytest.mark.usefixtures("accounts")
def test_the_language_switch_is_remembered_and_refusals_follow_it(
        client: TestClient, engine: Engine) -> None:
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/contacts")
    assert "Log out" in page.text and 'value="fr"' in page.text
    switched = client.post("/admin/language", data={
        "csrf": csrf_of(page.text), "language": "fr", "back": "/admin/t/demo/contacts"},
        follow_redirects=False)
    assert (switched.status_code, switched.headers["location"]) == (
        303, "/admin/t/demo/contacts")
    french = client.get("/admin/t/demo/contacts")
    assert "Déconnexion" in french.text and '<html lang="fr">' in french.text
    refused = client.post("/admin/t/demo/contacts", data={
        "csrf": csrf_of(french.text), "number": "555-1234", "name": "Ada"})
    assert ("un numéro s'écrit +, l'indicatif du pays et le numéro, en chiffres seulement "
            "(E.164), par exemple +15551230001") in html.unescape(refused.text)
    # A notice carries its message id through the redirect: said in the reader's language.
    saved = client.post("/admin/t/demo/contacts", data={
        "csrf": csrf_of(french.text), "number": "+15551230001", "name": "Ada"},
        follow_redirects=False)
    assert "admin.notice.saved" in saved.headers["location"]
    assert '<p class="ok" role="status">enregistré</p>' in client.get(
        saved.headers["location"]).text
    # Remembered by the account: a new session is French too.
    client.cookies.clear()
    assert "Déconnexion" in login(client, "owner@demo.test")[1]
    # Back to this site's admin pages only; a forged token changes nothing.
    elsewhere = client.post("/admin/language", data={
        "csrf": csrf_of(client.get("/admin/password").text), "language": "en",
        "back": "https://evil.example/admin"}, follow_redirects=False)
    assert elsewhere.headers["location"] == "/admin"
    forged = client.post("/admin/language", data={"csrf": "x", "language": "fr"})
    assert forged.status_code == 403
    assert client.post("/admin/language", data={
        "csrf": csrf_of(client.get("/admin/password").text), "language": "de"}
    ).status_code == 422
