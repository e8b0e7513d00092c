"""Who gets in, end to end: blocked and allowed numbers, the robocall challenge on
STIR/SHAKEN verdicts, anonymous callers, returning callers greeted by name, and the
recording notice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from receptionist.contacts import service as contacts
from receptionist.contacts.models import Listed
from receptionist.notifications import service as notifications
from receptionist.notifications import summaries
from receptionist.outbox.models import OutboxItem
from receptionist.tenants import service as tenants
from receptionist.twilio.simulator import HangUp, LeaveMessage, NoInput, Press
from tests.conftest import DEMO_EN, DEMO_FR
from tests.twilio.helpers import DEMO_SLUG, kinds, messages, path, publish_demo, stored_call
from tests.twilio_sim import TestTwilioSim

BOTH = pytest.mark.parametrize("number", [DEMO_EN, DEMO_FR], ids=["en", "fr"])
CALLER = "+15557770001"
EARLIER = datetime(2026, 11, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def owner_email(session: Session) -> None:
    """Every business sends summaries by email, so that "no summary" means something."""
    for slug in DEMO_SLUG.values():
        tenant = tenants.get_tenant(session, slug=slug)
        assert tenant.id is not None
        notifications.add_channel(session, tenant_id=tenant.id, channel="email",
                                  target=f"owner@{slug}.test")
    session.commit()


def save(engine: Engine, number: str, **fields: object) -> None:
    with Session(engine) as session:
        tenant = tenants.get_tenant(session, slug=DEMO_SLUG[number])
        assert tenant.id is not None
        contacts.save_contact(session, tenant_id=tenant.id, number=CALLER, now=EARLIER,
                              by="owner@test", **fields)  # type: ignore[arg-type]
        session.commit()


def summaries_of(engine: Engine, call_sid: str) -> int:
    call = stored_call(engine, call_sid)
    with Session(engine) as session:
        return len(session.execute(select(OutboxItem).where(
            col(OutboxItem.call_id) == call.id)).all())


@BOTH
def test_a_blocked_number_hears_busy_and_leaves_no_trace_for_the_owner(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    save(engine, number, listed=Listed.blocked)
    call = sim.call(number, [], from_=CALLER)
    assert call.rejected and call.heard == []
    stored = stored_call(engine, call.call_sid)
    assert stored.screening == "blocked" and stored.status == "busy"
    assert path(engine, call.call_sid) == []
    assert summaries_of(engine, call.call_sid) == 0


def test_an_unverified_unknown_caller_who_never_presses_is_spam(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [NoInput(), NoInput()], from_=CALLER, stir_verstat=None)
    assert call.heard[0].text == "To reach Demo Dental Clinic, please press 5."
    assert call.heard[1].text.startswith("Sorry. To reach Demo Dental Clinic, press 5")
    stored = stored_call(engine, call.call_sid)
    assert stored.screening == "spam" and stored.stir_verstat is None
    assert kinds(engine, call.call_sid)[:3] == ["challenge", "challenge_missed",
                                                "challenge_failed"]
    assert path(engine, call.call_sid) == []
    assert summaries_of(engine, call.call_sid) == 0


def test_a_caller_who_presses_5_reaches_the_script(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_EN, [Press("5"), Press("2"), LeaveMessage(6)], from_=CALLER,
                    stir_verstat="No-TN-Validation")
    stored = stored_call(engine, call.call_sid)
    assert (stored.screening, stored.stir_verstat) == ("passed", "No-TN-Validation")
    assert path(engine, call.call_sid)[0] == "greeting"
    assert len(messages(engine)) == 1
    assert summaries_of(engine, call.call_sid) == 1
    # Known now: the next call is not challenged, verified or not.
    again = sim.call(DEMO_EN, [Press("2"), LeaveMessage(4)], from_=CALLER, stir_verstat=None)
    assert stored_call(engine, again.call_sid).screening is None
    assert "challenge" not in kinds(engine, again.call_sid)


def test_a_failed_attestation_is_challenged_in_french(
        sim: TestTwilioSim, engine: Engine) -> None:
    """The French demo challenges only failed verdicts (callers from abroad carry none)."""
    plain = sim.call(DEMO_FR, [Press("3"), HangUp()], from_="+33611110000",
                     stir_verstat=None)
    assert "challenge" not in kinds(engine, plain.call_sid)
    call = sim.call(DEMO_FR, [Press("5"), Press("3"), HangUp()], from_=CALLER,
                    stir_verstat="TN-Validation-Failed-C")
    assert call.heard[0].text == "Pour joindre Cabinet Démo, appuyez sur la touche 5."
    assert stored_call(engine, call.call_sid).screening == "passed"


def test_an_allowed_number_is_never_challenged(sim: TestTwilioSim, engine: Engine) -> None:
    save(engine, DEMO_EN, listed=Listed.allowed)
    call = sim.call(DEMO_EN, [Press("3"), HangUp()], from_=CALLER,
                    stir_verstat="TN-Validation-Failed-A")
    assert "challenge" not in kinds(engine, call.call_sid)
    assert path(engine, call.call_sid)[0] == "greeting"


@BOTH
def test_anonymous_callers_are_refused_only_when_the_business_says_so(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    allowed = sim.call(number, [Press("3"), HangUp()], from_="anonymous",
                       stir_verstat="TN-Validation-Passed-C")
    assert not allowed.rejected and path(engine, allowed.call_sid)[0] == "greeting"
    publish_demo(engine, number, {
        DEMO_EN: ("  challenge: unverified\n",
                  "  challenge: unverified\n  reject_anonymous: true\n"),
        DEMO_FR: ("start: greeting\n", "start: greeting\ncallers: {reject_anonymous: true}\n"),
    }[number])
    refused = sim.call(number, [], from_="+266696687")
    assert refused.rejected
    assert stored_call(engine, refused.call_sid).screening == "anonymous"
    assert summaries_of(engine, refused.call_sid) == 0


@BOTH
def test_a_returning_caller_is_greeted_by_name(
        sim: TestTwilioSim, engine: Engine, number: str) -> None:
    greeting = {DEMO_EN: ("Thank you for calling Demo Dental Clinic.",
                          "Hello {caller_name}, thank you for calling Demo Dental Clinic."),
                DEMO_FR: ("Bonjour, vous êtes bien au Cabinet Démo.",
                          "Bonjour {caller_name}, vous êtes bien au Cabinet Démo.")}[number]
    publish_demo(engine, number, greeting)
    stranger = sim.call(number, [Press("3"), HangUp()], from_=CALLER)
    assert stranger.heard[0].text == greeting[1].replace(" {caller_name}", "")
    save(engine, number, name="Jane Doe")
    known = sim.call(number, [Press("2"), LeaveMessage(5)], from_=CALLER)
    assert known.heard[0].text == greeting[1].replace("{caller_name}", "Jane Doe")
    with Session(engine) as session:
        summary = summaries.build(session, stored_call(engine, known.call_sid).id or 0)
    assert summary is not None
    first = summary.lines()[0]
    assert "Jane Doe (+15557770001)" in first
    assert ("returning caller, 2nd call this month" in first if number == DEMO_EN
            else "appelant connu, 2e appel ce mois-ci" in first)


def test_the_french_recording_notice_is_said_once_before_recording(
        sim: TestTwilioSim, engine: Engine) -> None:
    call = sim.call(DEMO_FR, [Press("2"), LeaveMessage(5)])
    notice = "Votre message sera enregistré pour être transmis au cabinet."
    texts = [h.text for h in call.heard]
    assert texts.count(notice) == 1
    assert texts.index(notice) == len(texts) - 4  # then the prompt, thanks, goodbye
    english = sim.call(DEMO_EN, [Press("2"), LeaveMessage(5)])
    assert "recording_notice" not in kinds(engine, english.call_sid)
