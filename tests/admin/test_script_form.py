"""The common script edits as a form: a new version through the same validation, history,
diff and rollback; the rest of the YAML kept as written."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.admin.script_form import (
    FormError,
    apply,
    as_typed,
    field_of,
    form_of,
    with_keys_sentence,
)
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import MenuStep, TransferStep
from receptionist.catalog_text import CatalogText
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
    assert "message" in [m.step for m in form.messages] and len(form.faq) == 3
    # What callers hear, not step ids: the menu's sentences, the hours and closed texts.
    assert form.menu_prompt == "How can I help you today?"
    assert "3 for our opening hours" in form.menu_reprompt
    assert [(s.step, s.role) for s in form.says] == [("opening_hours", "hours"),
                                                     ("desk_closed", "closed")]
    assert [c.what for c in form.choices][:3] == ["book an appointment", "leave a message",
                                                   "know our opening hours"]
    assert [a.want for a in form.faq] == ["know where we are", "know our prices",
                                          "know how to pay"]
    assert form.faq[1].questions[0] == "how much is a cleaning"
    whens = {m.step: m.when.msgid for m in form.messages if isinstance(m.when, CatalogText)}
    assert whens == {"booking_request": "admin.form.message_no_time",
                     "message": "admin.form.message_after_choice"}


def test_apply_changes_only_the_fields_and_keeps_the_rest() -> None:
    script = parse_script(DEMO)
    new = apply(DEMO, script, {
        "business": "Smile Dental", "hours": "mon 08:00-12:00\ntue 08:00-12:00 13:00-17:00",
        "holidays": "2026-12-24 Christmas Eve",
        "choice.1.label": "leave us a message", "choice.1.examples": "can you take a message\n"
        "tell the doctor I called", "choice.2.remove": "1",
        "menu.reprompt": "Sorry. Press 1 to book, 2 for a message, 4 to change a booking, "
                         "5 for billing or 0 for someone.",
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
    # Where each choice goes, in words; the step id is only the value sent.
    assert '<option value="book" selected>Booking</option>' in page.text
    assert '<option value="goodbye">Goodbye</option>' in page.text
    assert ">book<" not in page.text and ">main_menu<" not in page.text
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


MOVED = {"choice.2.digit": "7"}  # the hours choice moves from 3 to 7; the prompt says 3


def test_a_prompt_naming_a_key_no_choice_has_is_refused_in_the_form() -> None:
    from receptionist.call_flows.loader import ScriptError
    try:
        parse_script(apply(DEMO, parse_script(DEMO), MOVED))
    except ScriptError as exc:
        assert [p.path for p in exc.problems] == ["steps.main_menu.reprompt"]
    else:
        raise AssertionError("published a prompt that says press 3")


def test_the_menu_prompts_and_spoken_texts_are_edited() -> None:
    script = parse_script(DEMO)
    new = apply(DEMO, script, {
        "menu.prompt": "What can I do for you?",
        "say.opening_hours": "{opening_hours} We open at 8 on weekdays.",
        "say.desk_closed": "The desk is closed. I can take a message."})
    changed = parse_script(new)
    menu = changed.steps["main_menu"]
    assert isinstance(menu, MenuStep) and menu.prompt == "What can I do for you?"
    assert menu.reprompt == script.steps["main_menu"].reprompt  # type: ignore[union-attr]
    assert changed.steps["opening_hours"].text.endswith("at 8 on weekdays.")  # type: ignore[union-attr]
    assert changed.steps["desk_closed"].text.startswith("The desk is closed.")  # type: ignore[union-attr]
    # An untouched folded text keeps its layout.
    assert "    reprompt: >-\n      Sorry, I did not catch that." in new


def test_a_problem_is_placed_at_its_field() -> None:
    script = parse_script(DEMO)
    removed = {"choice.1.remove": "1", "choice.new.intent": "billing"}
    assert field_of("steps.main_menu.reprompt", script, {}) == "menu.reprompt"
    assert field_of("steps.main_menu.choices.2.digit", script, {}) == "choice.2.digit"
    # Choice 1 removed: the script's third choice is the form's row 3; the new one is last.
    assert field_of("steps.main_menu.choices.2.digit", script, removed) == "choice.3.digit"
    assert field_of("steps.main_menu.choices.4.intent", script, removed) == "choice.new.intent"
    assert field_of("steps.main_menu.choices.0.phrases.1", script, {}) == "choice.0.examples"
    assert field_of("steps.main_menu.choices", script, {}) == "choices"
    assert field_of("steps.greeting.text", script, {}) == "greeting"
    assert field_of("steps.desk_closed.text", script, {}) == "say.desk_closed"
    assert field_of("steps.transfer.number", script, {}) == "transfer.transfer"
    assert field_of("steps.message.prompt", script, {}) == "message.message"
    assert field_of("faq.2.answer", script, {}) == "faq.2"
    assert field_of("hours.mon", script, {}) == "hours"
    assert field_of("booking.types.checkup", script, {}) is None
    assert field_of("steps.goodbye.text", script, {}) is None


def test_the_keys_sentence_is_written_from_the_typed_choices() -> None:
    form = with_keys_sentence(as_typed(form_of(parse_script(DEMO)), {
        **MOVED, "choice.4.remove": "1", "choice.new.intent": "billing",
        "choice.new.digit": "5", "choice.new.label": "ask about a bill"}))
    assert form.menu_reprompt == (
        "Sorry, I did not catch that. You can also press 1 to book an appointment, 2 to leave "
        "a message, 7 to know our opening hours, 4 to change or cancel an appointment, or 5 "
        "to ask about a bill.")
    assert form.choices[4].removed and form.new_choice.digit == "5"


def test_an_owner_is_refused_the_contradiction_with_the_edits_kept(
        client: TestClient, session: Session) -> None:
    demo = get_tenant(session, slug="demo-fr")
    create_user(session, email="owner@demo-fr.test", password=PASSWORD, role="owner",
                tenants=[demo], language="fr")
    session.commit()
    login(client, "owner@demo-fr.test")
    page = client.get("/admin/t/demo-fr/script/form")
    typed = {"csrf": csrf_of(page.text), **MOVED, "business": "Cabinet Sourire",
             "faq.0": "Nous sommes au 3 rue Neuve."}
    refused = client.post("/admin/t/demo-fr/script/form", data=typed)
    text = html.unescape(refused.text)
    assert refused.status_code == 422
    # Beside the field, in plain words; no YAML line or path.
    assert ('aria-invalid="true" aria-describedby="err-menu-reprompt"' in text
            and 'id="err-menu-reprompt">ce texte dit de taper 3' in text)
    assert "line 9" not in text and "steps.main_menu" not in text and "ligne 9" not in text
    # What was typed is kept.
    assert 'name="choice.2.digit" value="7"' in text and 'value="Cabinet Sourire"' in text
    assert "Nous sommes au 3 rue Neuve.</textarea>" in text
    assert "Invitation à laisser un message, quand un appelant veut laisser un message" in text
    # The sentence written from the choices, then published.
    written = client.post("/admin/t/demo-fr/script/form", data={**typed, "action": "keys"})
    assert written.status_code == 200
    sentence = html.unescape(written.text).split('name="menu.reprompt"')[1]
    assert "7 pour connaître nos horaires" in sentence.split("</textarea>")[0]
    reprompt = sentence.split(">", 1)[1].split("</textarea>")[0]
    done = client.post("/admin/t/demo-fr/script/form",
                       data={**typed, "menu.reprompt": reprompt}, follow_redirects=True)
    assert done.status_code == 200 and "v2" in done.text
