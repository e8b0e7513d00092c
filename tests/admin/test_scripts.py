"""The operator's script editor: inline errors with their line, a check, publishing, the
flow preview, history with diffs and rollback; owners cannot reach it."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.demo import demo_script_text
from receptionist.tenants import service as tenants_service
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login
from tests.waiting import wait_until

BROKEN = demo_script_text("demo.yaml").replace("goto: opening_hours", "goto: opening_ours")


def test_edit_with_an_error_fix_publish_and_roll_back(operator: TestClient,
                                                      session: Session) -> None:
    page = operator.get("/admin/t/demo/script")
    assert page.status_code == 200 and "Steps and where they lead" in page.text
    assert "3 / hours → opening_hours" in page.text
    csrf = csrf_of(page.text)
    broken = operator.post("/admin/t/demo/script", data={
        "yaml_text": BROKEN, "action": "publish", "csrf": csrf})
    assert broken.status_code == 422
    assert "refers to missing step &#39;opening_ours&#39;" in broken.text
    line = next(i for i, text in enumerate(BROKEN.splitlines(), 1) if "opening_ours" in text)
    assert f"line {line}:" in broken.text
    assert get_tenant(session, slug="demo").active_version == 1  # nothing published
    fixed = BROKEN.replace("opening_ours", "opening_hours").replace(
        "Thank you for calling Demo Dental Clinic.", "Welcome to Demo Dental Clinic.")
    checked = operator.post("/admin/t/demo/script", data={
        "yaml_text": fixed, "action": "check", "csrf": csrf})
    assert checked.status_code == 200 and "The script is valid." in checked.text
    published = operator.post("/admin/t/demo/script", data={
        "yaml_text": fixed, "action": "publish", "comment": "new greeting", "csrf": csrf},
        follow_redirects=True)
    assert "published v2" in published.text and "new greeting" in published.text
    diff = operator.get("/admin/t/demo/script/diff?old=1&new=2").text
    assert "+    text: Welcome to Demo Dental Clinic." in diff
    back = operator.post("/admin/t/demo/script/rollback",
                         data={"version": "1", "csrf": csrf_of(published.text)},
                         follow_redirects=True)
    assert "v1 published again as v3" in back.text
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == 3
    assert operator.get("/admin/t/demo/script/diff?old=1&new=9").status_code == 404


def test_without_csrf_nothing_is_published(operator: TestClient, session: Session) -> None:
    response = operator.post("/admin/t/demo/script", data={
        "yaml_text": demo_script_text("demo.yaml"), "action": "publish", "csrf": "x"})
    assert response.status_code == 403
    assert get_tenant(session, slug="demo").active_version == 1


def test_owners_and_other_businesses_get_404(operator: TestClient) -> None:
    assert operator.get("/admin/t/demo-fr/script").status_code == 404
    operator.cookies.clear()
    login(operator, "owner@demo.test")
    assert operator.get("/admin/t/demo/script").status_code == 404


def test_test_call_runs_the_draft_without_publishing(operator: TestClient,
                                                     session: Session) -> None:
    page = operator.get("/admin/t/demo/script")
    draft = demo_script_text("demo.yaml").replace(
        "Thank you for calling Demo Dental Clinic.", "Hello from the draft.")
    result = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": draft, "inputs": "2\nmessage 6", "csrf": csrf_of(page.text)})
    assert result.status_code == 200
    assert "<li>Hello from the draft.</li>" in result.text
    assert "Please leave your name, number and message after the beep" in result.text
    assert "greeting → main_menu → message → goodbye" in result.text
    session.expire_all()
    assert get_tenant(session, slug="demo").active_version == 1  # nothing published
    from sqlalchemy import func, select

    from receptionist.calls.models import Call
    assert session.execute(select(func.count()).select_from(Call)).scalar_one() == 0
    bad = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": draft, "inputs": "press the red button", "csrf": csrf_of(page.text)})
    assert "is not a caller action" in bad.text
    broken = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": BROKEN, "inputs": "1", "csrf": csrf_of(page.text)})
    assert broken.status_code == 422 and "opening_ours" in broken.text


def test_operator_creates_a_business(operator: TestClient, session: Session) -> None:
    page = operator.get("/admin/tenants")
    form = {"csrf": csrf_of(page.text), "slug": "plumber", "name": "Mario's Plumbing: 24/7",
            "numbers": "+15557770000", "language": "en-US", "timezone": "America/Chicago"}
    bad = operator.post("/admin/tenants", data={**form, "numbers": "555"})
    assert bad.status_code == 400 and "E.164" in bad.text
    taken = operator.post("/admin/tenants", data={**form, "numbers": "+15005550006"})
    assert taken.status_code == 400, taken.text
    assert re.search(r'class="error"[^>]*>[^<]*already belongs', taken.text), taken.text[-1500:]
    created = operator.post("/admin/tenants", data=form, follow_redirects=True)
    assert "business created" in created.text
    assert "Thank you for calling Mario&#39;s Plumbing: 24/7." in created.text
    tenant = get_tenant(session, slug="plumber")
    assert (tenant.name, tenant.timezone) == ("Mario's Plumbing: 24/7", "America/Chicago")
    assert "Mario" in operator.get("/admin/tenants").text


def test_test_call_with_typed_speech(operator: TestClient) -> None:
    page = operator.get("/admin/t/demo/script")
    french = demo_script_text("demo-fr.yaml")
    result = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": french, "inputs": "say: pizza\nsay: je voudrais laisser un message\n"
        "message 4", "csrf": csrf_of(page.text)})
    assert result.status_code == 200
    assert "heard=&#39;pizza&#39; band=reprompt intent=out_of_scope" in result.text
    assert "heard=&#39;je voudrais laisser un message&#39; band=route intent=message" in (
        result.text)
    assert "main_menu → message → goodbye" in result.text


def test_test_call_books_in_words(operator: TestClient) -> None:
    from tests.twilio.practice import single_agenda

    page = operator.get("/admin/t/demo/script")
    result = operator.post("/admin/t/demo/script/test", data={
        "yaml_text": single_agenda(demo_script_text("demo.yaml")),
        "inputs": "say: could I come in sometime this week?\nsay: Thursday at two thirty\n"
                  "say: yes please\nsilence", "csrf": csrf_of(page.text)})
    assert result.status_code == 200
    assert "band=route intent=book" in result.text
    assert "heard=&#39;Thursday at two thirty&#39;" in result.text
    assert "Your appointment is booked for Thursday" in result.text


def test_local_voice_prompts_can_be_heard(operator: TestClient, session: Session) -> None:
    page = operator.get("/admin/t/demo/script")
    local = demo_script_text("demo.yaml").replace("language: en-US",
                                                  "language: en-US\nvoice: local")
    data = {"yaml_text": local, "action": "check", "csrf": csrf_of(page.text)}
    first = operator.post("/admin/t/demo/script", data=data)
    assert "Prompts in the local voice" in first.text
    assert "Being rendered" in first.text
    later = first

    def rendered() -> bool:  # in the background by espeak-ng
        nonlocal later
        later = operator.post("/admin/t/demo/script", data=data)
        return "Being rendered" not in later.text

    wait_until(rendered, "the local voice's prompts to be rendered", poll_s=0.2)
    urls = re.findall(r'<audio controls preload="none" src="(/twilio/prompts/\w+\.wav)"',
                      later.text)
    assert len(urls) >= 10
    audio = operator.get(urls[0])
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"


def test_the_script_page_warns_about_intents_with_nowhere_to_go(operator: TestClient) -> None:
    page = operator.get("/admin/t/demo/script")
    assert 'class="warnings"' not in page.text  # the demo sends every built-in somewhere
    draft = demo_script_text("demo.yaml").replace(
        "      - intent: manage_booking\n", "      - intent: my_booking\n")
    checked = operator.post("/admin/t/demo/script", data={
        "yaml_text": draft, "action": "check", "csrf": csrf_of(page.text)})
    assert checked.status_code == 200
    text = html.unescape(checked.text)
    line = draft[:draft.index("    choices:")].count("\n") + 1
    assert (f"line {line}: steps.main_menu.choices: callers who ask to change, cancel or "
            "check an appointment (intent 'manage_booking') are offered the choice 'message' "
            "instead") in text


def test_a_french_operator_reads_the_script_problems_and_warnings_in_french(
        session: Session, client: TestClient) -> None:
    create_user(session, email="agence@ops.test", password=PASSWORD, role="operator",
                tenants=[get_tenant(session, slug="demo-fr")], language="fr")
    session.commit()
    login(client, "agence@ops.test")
    page = client.get("/admin/t/demo-fr/script")
    script = demo_script_text("demo-fr.yaml")
    assert "goto: opening_hours" in script
    broken = script.replace("goto: opening_hours", "goto: opening_ours")
    refused = client.post("/admin/t/demo-fr/script", data={
        "yaml_text": broken, "action": "publish", "csrf": csrf_of(page.text)})
    assert refused.status_code == 422
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "opening_ours" in text)
    text = html.unescape(refused.text)
    assert (f"ligne {line}\u202f: steps.main_menu.choices.2.goto\u202f: renvoie à l'étape "
            "«\u202fopening_ours\u202f», qui n'existe pas") in text
    assert "refers to missing step" not in text
    draft = script.replace("      - intent: manage_booking\n", "      - intent: my_booking\n")
    checked = client.post("/admin/t/demo-fr/script", data={
        "yaml_text": draft, "action": "check", "csrf": csrf_of(page.text)})
    assert checked.status_code == 200
    assert ("les appelants qui demandent à modifier, annuler ou vérifier un rendez-vous "
            "(intention «\u202fmanage_booking\u202f») se voient proposer à la place le choix "
            "«\u202fmessage\u202f»\u202f: ajoutez un choix avec `intent: manage_booking`"
            ) in html.unescape(checked.text)


def test_a_new_business_form_checks_every_field_and_keeps_them(operator: TestClient) -> None:
    page = operator.get("/admin/tenants")
    refused = operator.post("/admin/tenants", data={
        "csrf": csrf_of(page.text), "slug": "Acme Plumbing", "name": "Acme Plumbing",
        "numbers": "555-1234", "language": "en-US", "timezone": "Mars/Olympus",
        "kind": "trades"})
    text = html.unescape(refused.text)
    assert refused.status_code == 400 and text.startswith("<!doctype html>")
    # Each fault beside its field, in plain words, all at once; what was typed kept.
    assert 'id="err-slug">use lower-case letters, digits and hyphens only, such as ' \
           "acme-plumbing" in text
    assert 'id="err-numbers">numbers must be E.164' in text
    assert "id=\"err-timezone\">unknown time zone 'Mars/Olympus'" in text
    assert 'value="Acme Plumbing"' in text and 'value="555-1234"' in text
    assert '<option value="trades" selected>' in text


@pytest.mark.parametrize(("kind", "language", "hears", "never"), [
    ("trades", "en-US", "what needs fixing", "dental"),
    ("law", "fr-FR", "honoraires", "dentaire"),
    ("medical", "fr-FR", "mutuelle", "devis"),
    ("generic", "en-US", "leave a message", "insurance"),
])
def test_a_new_business_starts_from_its_kinds_script(
        operator: TestClient, session: Session, kind: str, language: str, hears: str,
        never: str) -> None:
    page = operator.get("/admin/tenants")
    created = operator.post("/admin/tenants", data={
        "csrf": csrf_of(page.text), "slug": "acme", "name": "Acme", "kind": kind,
        "numbers": "+15557770001", "language": language, "timezone": "America/Chicago"},
        follow_redirects=True)
    assert created.status_code == 200 and "Acme" in created.text
    tenant = get_tenant(session, slug="acme")
    assert tenant is not None and tenant.active_version is not None and tenant.id is not None
    yaml_text = tenants_service.script_version(session, tenant_id=tenant.id,
                                               version=tenant.active_version).yaml_text
    assert hears in yaml_text and never not in yaml_text.lower()
    assert "Example Business" not in yaml_text and "Entreprise Exemple" not in yaml_text


@pytest.mark.parametrize("kind", ["medical", "law", "trades", "generic"])
@pytest.mark.parametrize("language", ["en-US", "fr-FR"])
def test_every_starter_script_passes_the_check(kind: str, language: str) -> None:
    from receptionist.admin.tenants import starter_script
    from receptionist.call_flows.loader import parse_script

    script = parse_script(starter_script(kind=kind, name="Acme", language=language,
                                         timezone="Europe/Paris"))
    assert script.language == language and script.business == "Acme"
