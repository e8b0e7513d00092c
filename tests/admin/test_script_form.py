"""The common script edits as a form: a new version through the same validation, history,
diff and rollback; the rest of the YAML kept as written."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.admin.script_form import FormError, apply, form_of
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import MenuStep, TransferStep
from receptionist.demo import demo_script_text
from receptionist.tenants import service as tenants
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login

DEMO = demo_script_text("demo.yaml")


def test_the_form_shows_the_scripts_fields() -> None:
    form = form_of(parse_script(DEMO))
    assert form.business == "Demo Dental Clinic"
    assert form.greeting_step == "greeting" and "Thank you for calling" in form.greeting
    assert form.hours.splitlines()[0] == "mon 09:00-18:00"
    assert "2026-12-25 Christmas Day" in form.holidays
    assert [c.intent for c in form.choices] == ["book", "message", "hours", "manage_booking",
                                                "transfer"]
    assert form.transfers == {"transfer": "+15555550100"}
    assert "message" in form.messages and len(form.faq) == 3


def test_apply_changes_only_the_fields_and_keeps_the_rest() -> None:
    script = parse_script(DEMO)
    new = apply(DEMO, script, {
        "business": "Smile Dental", "hours": "mon 08:00-12:00\ntue 08:00-12:00 13:00-17:00",
        "holidays": "2026-12-24 Christmas Eve",
        "choice.1.label": "leave us a message", "choice.1.examples": "can you take a message\n"
        "tell the doctor I called", "choice.2.remove": "1",
        "choice.new.intent": "billing", "choice.new.digit": "5",
        "choice.new.examples": "I have a question about my bill", "choice.new.goto": "message",
        "transfer.transfer": "+15555550100, +15555550199"})
    changed = parse_script(new)
    assert changed.business == "Smile Dental"
    assert set(changed.hours) == {"mon", "tue"} and len(changed.hours["tue"]) == 2
    menu = changed.steps["main_menu"]
    assert isinstance(menu, MenuStep)
    assert [c.intent for c in menu.choices] == ["book", "message", "manage_booking", "transfer",
                                                "billing"]
    assert menu.choices[1].label == "leave us a message"
    assert menu.choices[1].examples == ["can you take a message", "tell the doctor I called"]
    assert menu.choices[4].digit == "5" and menu.choices[4].goto == "message"
    transfer = changed.steps["transfer"]
    assert isinstance(transfer, TransferStep)
    assert transfer.numbers == ["+15555550100", "+15555550199"] and transfer.number is None
    # The operator's comments and untouched fields stay as written.
    assert "# The person answering hears who is calling and why" in new
    assert "callers:\n  challenge: unverified" in new


def test_bad_hours_are_refused_by_field() -> None:
    try:
        apply(DEMO, parse_script(DEMO), {"hours": "monday morning"})
    except FormError as exc:
        assert "hours, line 1" in str(exc)
    else:
        raise AssertionError("accepted")


def test_an_owner_changes_the_hours_and_a_menu_choice(client: TestClient,
                                                      session: Session) -> None:
    demo = get_tenant(session, slug="demo")
    create_user(session, email="owner@demo.test", password=PASSWORD, role="owner",
                tenants=[demo])
    session.commit()
    login(client, "owner@demo.test")
    page = client.get("/admin/t/demo/script/form")
    assert page.status_code == 200 and 'name="choice.0.examples"' in page.text
    done = client.post("/admin/t/demo/script/form", data={
        "csrf": csrf_of(page.text), "hours": "mon 10:00-16:00", "holidays": "",
        "choice.1.label": "leave a note"}, follow_redirects=True)
    assert "published v2" in done.text
    session.expire_all()
    demo = get_tenant(session, slug="demo")
    assert demo.active_version == 2
    assert tenants.script_history(session, tenant=demo)[-1].comment == "edited in the form"
    diff = tenants.script_diff(session, tenant=demo, old=1, new=2)
    assert '+  mon: ["10:00-16:00"]' in diff or "+  mon: [10:00-16:00]" in diff
    # A change that breaks the script is refused with the reason; nothing published.
    broken = client.post("/admin/t/demo/script/form", data={
        "csrf": csrf_of(page.text), "choice.0.digit": "2"})
    assert broken.status_code == 422
    assert "digit '2' is already used" in html.unescape(broken.text)
    refused = client.post("/admin/t/demo/script/form", data={
        "csrf": csrf_of(page.text), "hours": "someday 9-5"})
    assert refused.status_code == 422 and "hours, line 1" in refused.text
    same = client.post("/admin/t/demo/script/form", data={"csrf": csrf_of(page.text)},
                       follow_redirects=True)
    assert "no change" in same.text
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == 2
    assert client.post("/admin/t/demo-fr/script/form",
                       data={"csrf": csrf_of(page.text)}).status_code == 404
