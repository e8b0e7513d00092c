"""Finding: an owner injected raw YAML through the script form. A lone carriage return in
a field written as a folded scalar (an FAQ answer, a message prompt) was emitted raw by
ruamel and read back as a line break, so that the rest of the field became keys of the
script: a voice, understanding thresholds, a whole new transfer step to a number of the
owner's choosing (operator-only powers). Every field now refuses control and invisible
characters, and the YAML written must read back as the old script with exactly the form's
changes, or nothing is published."""

from __future__ import annotations

import html
import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from receptionist.admin import script_form
from receptionist.call_flows import publishing
from receptionist.call_flows.schema import MenuStep, TransferStep
from receptionist.tenants.service import get_tenant
from receptionist.users.service import create_user
from tests.admin.helpers import PASSWORD, csrf_of, login
from tests.security.conftest import OWNER

# The last FAQ answer is followed by `steps:` at the margin: what follows a line break
# there is read as keys of the script itself.
VOICE_AND_BANDS = ("We accept cards.\rvoice: alice\r"
                   "understanding: {route: 0.01, confirm: 0.01}")
# Inside `booking_request`: its `next`, a new step, then a message step that takes the
# lines after the prompt (max_length, next), so that the whole script stays valid.
NEW_TRANSFER = ("Leave a message.\r    next: goodbye\r  evil:\r    kind: transfer\r"
                '    number: "+19005550199"\r    screen: false\r    fallback: goodbye\r'
                "  evil_rest:\r    kind: message\r    prompt: x")


def _owner_posts(client: TestClient, fields: dict[str, str],
                 slug: str = "demo") -> tuple[int, str]:
    page = client.get(f"/admin/t/{slug}/script/form")
    assert page.status_code == 200
    response = client.post(f"/admin/t/{slug}/script/form",
                           data={"csrf": csrf_of(page.text), **fields}, follow_redirects=True)
    return response.status_code, html.unescape(response.text)


def _unchanged(session: Session) -> None:
    session.expire_all()
    demo = get_tenant(session, slug="demo")
    assert demo.active_version == 1
    _, script = publishing.active_script(session, tenant=demo)
    assert script.voice is None and script.understanding.route == 0.60
    assert "evil" not in script.steps


@pytest.mark.usefixtures("accounts")
def test_a_carriage_return_in_an_answer_cannot_set_the_voice(client: TestClient,
                                                             session: Session) -> None:
    assert login(client, OWNER)[0] == 200
    status, page = _owner_posts(client, {"faq.2": VOICE_AND_BANDS})
    assert status == 422
    assert ("answer 3: an invisible or control character (U+000D) is not allowed here; "
            "type the text again without it") in page
    assert f">{VOICE_AND_BANDS}</textarea>" in page  # the form keeps what was typed
    _unchanged(session)


@pytest.mark.usefixtures("accounts")
def test_a_carriage_return_in_a_prompt_cannot_add_a_transfer_step(client: TestClient,
                                                                  session: Session) -> None:
    assert login(client, OWNER)[0] == 200
    status, page = _owner_posts(client, {"message.booking_request": NEW_TRANSFER,
                                         "choice.3.goto": "evil"})
    assert status == 422
    assert "message prompt (booking_request): an invisible or control character (U+000D)" \
        in page
    _unchanged(session)


@pytest.mark.usefixtures("accounts")
@pytest.mark.parametrize(("field", "value", "code"), [
    ("faq.2", VOICE_AND_BANDS.replace("\r", "\u2028"), "U+2028"),
    ("faq.2", VOICE_AND_BANDS.replace("\r", "\u2029"), "U+2029"),
    ("business", "Smile\x85voice: alice", "U+0085"),
    ("choice.0.label", "book\u202e", "U+202E"),
    ("transfer.transfer", "+15555550100\x1b", "U+001B"),
    ("choice.0.label", "book\tnow", "U+0009"),
])
def test_unicode_breaks_and_other_controls_are_refused(client: TestClient, session: Session,
                                                       field: str, value: str,
                                                       code: str) -> None:
    assert login(client, OWNER)[0] == 200
    status, page = _owner_posts(client, {field: value})
    assert status == 422 and f"an invisible or control character ({code})" in page
    _unchanged(session)


@pytest.mark.usefixtures("accounts")
def test_a_browsers_multiline_answer_is_still_published(client: TestClient,
                                                        session: Session) -> None:
    assert login(client, OWNER)[0] == 200
    answer = "We are at 12 Main Street.\r\nFree parking behind the building.\r\n\r\nSee you!"
    status, page = _owner_posts(client, {"faq.0": answer, "business": "Smile\u00a0Dental"})
    assert status == 200 and "published v2" in page
    session.expire_all()
    _, script = publishing.active_script(session, tenant=get_tenant(session, slug="demo"))
    assert script.faq[0].answer == ("We are at 12 Main Street.\nFree parking behind the "
                                    "building.\n\nSee you!")
    assert script.business == "Smile\u00a0Dental"


@pytest.mark.usefixtures("accounts")
def test_the_proof_refuses_what_the_character_check_would_let_through(
        client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    # Defence in depth: without the character check, the read-back comparison alone
    # refuses the smuggled keys, and logs what else the YAML would have changed.
    monkeypatch.setattr(script_form, "refused_character", lambda *a, **k: None)
    assert login(client, OWNER)[0] == 200
    with caplog.at_level(logging.WARNING, logger="receptionist.admin.scripts"):
        status, page = _owner_posts(client, {"faq.2": VOICE_AND_BANDS})
    assert status == 422
    assert ("this change could not be written without changing other parts of the script: "
            "nothing was published") in page
    assert any("would also change" in r.getMessage() and "voice" in r.getMessage()
               for r in caplog.records)
    status, page = _owner_posts(client, {"message.booking_request": NEW_TRANSFER,
                                         "choice.3.goto": "evil"})
    assert status == 422 and "nothing was published" in page
    _unchanged(session)


def test_the_refusal_is_in_french_for_a_french_owner(client: TestClient,
                                                     session: Session) -> None:
    create_user(session, email="owner@demo-fr.test", password=PASSWORD, role="owner",
                tenants=[get_tenant(session, slug="demo-fr")], language="fr")
    session.commit()
    assert login(client, "owner@demo-fr.test")[0] == 200
    status, page = _owner_posts(client, {"faq.0": "Ici.\rvoice: alice"}, slug="demo-fr")
    assert status == 422
    assert ("réponse 1\u202f: un caractère invisible ou de contrôle (U+000D) n'est pas permis "
            "ici\u202f; retapez le texte sans lui") in page


def test_what_a_form_may_change_is_what_it_meant() -> None:
    from receptionist.call_flows.loader import parse_script
    from receptionist.demo import demo_script_text

    text = demo_script_text("demo.yaml")
    written = script_form.apply(text, parse_script(text), {
        "transfer.transfer": "+15555550100, +15555550101", "choice.0.label": "book a visit"})
    changed = parse_script(written)
    transfer, menu = changed.steps["transfer"], changed.steps["main_menu"]
    assert isinstance(transfer, TransferStep) and isinstance(menu, MenuStep)
    assert transfer.numbers == ["+15555550100", "+15555550101"]
    assert menu.choices[0].label == "book a visit"
