from __future__ import annotations

from sqlmodel import Session

from receptionist.call_flows import announce
from receptionist.call_flows.schema import TransferStep
from receptionist.calls.events import EventFields, EventKind
from receptionist.contacts import service as contacts
from receptionist.demo import demo_script_text
from tests.call_flows.flow_helpers import demo_ctx
from tests.conftest import FixedClock


def _transfer(ctx: object) -> TransferStep:
    step = ctx.script.steps["transfer"]  # type: ignore[attr-defined]
    assert isinstance(step, TransferStep)
    return step


def test_the_reason_is_the_last_choice_or_the_words_and_urgency(session: Session,
                                                                clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    assert announce.reason(ctx) == announce.Reason(None, "", "", False)
    ctx.log(EventKind.understood, "main_menu", EventFields(
        heard="my tooth hurts, it's urgent", band="route", intent="urgent", confidence=0.8))
    ctx.log(EventKind.choice, "main_menu", EventFields(intent="urgent", via="speech"))
    why = announce.reason(ctx)
    assert why.urgent and why.intent is None and why.said == "my tooth hurts, it's urgent"
    ctx.log(EventKind.choice, "main_menu", EventFields(intent="book", via="keypad"))
    assert announce.reason(ctx).label == "book an appointment"


def test_a_reprompted_urgent_guess_is_not_urgent(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    ctx.log(EventKind.understood, "main_menu", EventFields(
        heard="hmm", band="reprompt", intent="urgent", confidence=0.1))
    assert not announce.reason(ctx).urgent


def test_the_announcement_names_the_caller_and_ends_with_the_keys(
        session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock)
    step = _transfer(ctx)
    text = announce.announcement(ctx, step)
    assert text == ("Call for Demo Dental Clinic from 1 5 5 5 1 2 3 4 5 6 7. Press 1 to take "
                    "the call, or 2 to send it to voicemail.")
    assert ctx.call.tenant_id is not None
    contacts.save_contact(session, tenant_id=ctx.call.tenant_id, number=ctx.call.from_number,
                          name="Jane Doe", now=clock(), by="t")
    ctx.log(EventKind.choice, "main_menu", EventFields(intent="hours", via="keypad"))
    assert announce.announcement(ctx, step).startswith(
        "Call for Demo Dental Clinic from Jane Doe, 1 5 5 5 1 2 3 4 5 6 7. They would like to "
        "know our opening hours.")


def test_a_custom_announcement_fills_its_fields(session: Session, clock: FixedClock) -> None:
    text = demo_script_text("demo.yaml").replace(
        "    screen: true\n",
        '    screen: true\n'
        '    announce: "{{Demo}} {urgent}{caller_name}|{number}|{reason}|{said}"\n'
        '    accept_key: "9"\n    decline_key: "7"\n')
    ctx = demo_ctx(session, clock, text)
    ctx.call.from_number = "anonymous"
    assert announce.announcement(ctx, _transfer(ctx)) == (
        "{Demo} ||| Press 9 to take the call, or 7 to send it to voicemail.")


def test_french_announcement_of_an_unknown_caller(session: Session, clock: FixedClock) -> None:
    ctx = demo_ctx(session, clock, demo_script_text("demo-fr.yaml"))
    ctx.call.from_number = ""
    ctx.log(EventKind.choice, "menu_principal", EventFields(intent="book", via="keypad"))
    assert announce.announcement(ctx, _transfer(ctx)) == (
        "Appel pour Cabinet Démo. Appelant : numéro masqué. Motif : prendre rendez-vous. "
        "Tapez 1 pour prendre l'appel, ou 2 pour le renvoyer vers la messagerie.")
