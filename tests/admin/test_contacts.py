"""Contacts in the admin UI: names, block and allow lists, one-click blocking from the
call log and the messages, and the dashboard's counts of screened calls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.tenants.service import get_tenant
from receptionist.twilio.simulator import LeaveMessage, NoInput, Press
from tests.admin.helpers import create_accounts, csrf_of, login
from tests.conftest import DEMO_EN
from tests.twilio.helpers import stored_call
from tests.twilio_sim import TestTwilioSim

CALLER = "+15557770002"


@pytest.fixture(autouse=True)
def accounts(session: Session) -> None:
    create_accounts(session)


def contact(engine: Engine, slug: str, number: str) -> tuple[str, str] | None:
    with Session(engine) as session:
        tenant = get_tenant(session, slug=slug)
        assert tenant.id is not None
        found = contacts.contact_for(session, tenant_id=tenant.id, number=number)
        return None if found is None else (found.name, found.listed)


def test_the_owner_names_a_caller_who_is_then_greeted_in_the_summary(
        client: TestClient, engine: Engine) -> None:
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/contacts")
    assert page.status_code == 200 and "No contacts yet." in page.text
    saved = client.post("/admin/t/demo/contacts", data={
        "csrf": csrf_of(page.text), "number": CALLER, "name": "Jane <b>Doe</b>",
        "listed": "allowed", "note": "prefers mornings"}, follow_redirects=True)
    assert saved.status_code == 200
    assert "Jane &lt;b&gt;Doe&lt;/b&gt;" in saved.text and "<b>Doe" not in saved.text
    assert contact(engine, "demo", CALLER) == ("Jane <b>Doe</b>", "allowed")


def test_a_bad_number_is_refused_in_plain_words_and_kept_in_the_form(
        client: TestClient, engine: Engine) -> None:
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/contacts")
    refused = client.post("/admin/t/demo/contacts", data={
        "csrf": csrf_of(page.text), "number": "--help", "name": "Bob"})
    assert refused.status_code == 400
    assert "E.164" in refused.text and 'value="Bob"' in refused.text
    assert contact(engine, "demo", "--help") is None
    odd = client.post("/admin/t/demo/contacts", data={
        "csrf": csrf_of(page.text), "number": CALLER, "listed": "vip"})
    assert odd.status_code == 422
    forged = client.post("/admin/t/demo/contacts", data={"csrf": "x", "number": CALLER})
    assert forged.status_code == 403 and contact(engine, "demo", CALLER) is None


def test_block_from_a_call_confirmed_then_undone(
        client: TestClient, engine: Engine, sim: TestTwilioSim) -> None:
    first = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)], from_=CALLER)
    login(client, "owner@demo.test")
    log = client.get(f"/admin/t/demo/calls/{first.call_sid}")  # the call's page
    assert 'class="block secondary">Block this number' in log.text
    form = {"csrf": csrf_of(log.text), "number": CALLER, "back": "https://evil.example"}
    # Blocking asks first: a page that says what will happen, nothing blocked yet.
    asked = client.post("/admin/t/demo/contacts/block", data=form, follow_redirects=False)
    assert asked.status_code == 200 and f"Block {CALLER}?" in asked.text
    assert "busy tone" in asked.text and contact(engine, "demo", CALLER) is None
    blocked = client.post("/admin/t/demo/contacts/block", data={**form, "confirm": "yes"},
                          follow_redirects=False)
    assert blocked.status_code == 303
    assert blocked.headers["location"].startswith("/admin/t/demo/contacts/blocked?")
    assert contact(engine, "demo", CALLER) == ("", "blocked")
    # Then offers the undo (and the way back is to our own pages only).
    done = client.get(blocked.headers["location"])
    assert f"{CALLER} is blocked." in done.text and "Unblock (undo)" in done.text
    assert 'href="/admin/t/demo/contacts"' in done.text and "evil" not in done.text
    again = sim.call(DEMO_EN, [], from_=CALLER)
    assert again.rejected and stored_call(engine, again.call_sid).screening == "blocked"
    assert stored_call(engine, first.call_sid).screening is None
    # The inbox has the button too, and another business cannot be touched.
    inbox = client.get("/admin/t/demo/inbox")
    assert "Block this number" in inbox.text
    other = client.post("/admin/t/demo-fr/contacts/block", data={
        "csrf": csrf_of(inbox.text), "number": CALLER})
    assert other.status_code == 404 and contact(engine, "demo-fr", CALLER) is None
    # Undone (the page's button): calls get through again, and the page says so.
    undone = client.post("/admin/t/demo/contacts/block", data={
        "csrf": csrf_of(done.text), "number": CALLER, "listed": "none", "back": "calls"},
        follow_redirects=True)
    assert "Unblocked" in undone.text and contact(engine, "demo", CALLER) == ("", "none")
    assert client.get(blocked.headers["location"], follow_redirects=False
                      ).status_code == 303  # no longer blocked: nothing to undo
    assert not sim.call(DEMO_EN, [Press("3"), NoInput(), NoInput(), NoInput(),
                                  LeaveMessage(3)], from_=CALLER).rejected


def test_the_dashboard_counts_blocked_and_challenged_calls(
        client: TestClient, engine: Engine, sim: TestTwilioSim) -> None:
    with Session(engine) as session:
        tenant = get_tenant(session, slug="demo")
        assert tenant.id is not None
        contacts.save_contact(session, tenant_id=tenant.id, number=CALLER,
                              listed=Listed.blocked, now=datetime(2026, 11, 1, tzinfo=UTC),
                              by="t")
        session.commit()
    sim.call(DEMO_EN, [], from_=CALLER)
    spam = sim.call(DEMO_EN, [NoInput(), NoInput()], from_="+15557770003", stir_verstat=None)
    sim.call(DEMO_EN, [Press("5"), Press("2"), LeaveMessage(4)], from_="+15557770004",
             stir_verstat="TN-Validation-Failed-B")
    login(client, "owner@demo.test")
    detail = client.get(f"/admin/t/demo/calls/{spam.call_sid}")
    assert "Did not pass the robocall check" in detail.text
    assert "<dd>none sent</dd>" in detail.text and "<dd>robocall" in detail.text
    page = client.get("/admin/t/demo/dashboard")
    assert "<strong>1</strong> blocked call" in page.text
    assert ("<strong>2</strong> callers asked to press a key (1 did not: robocalls)"
            in page.text)


def test_the_contacts_page_speaks_french(client: TestClient) -> None:
    login(client, "owner@demo-fr.test")
    page = client.get("/admin/t/demo-fr/contacts")
    assert page.status_code == 200 and "Aucun contact pour l&#39;instant." in page.text
