"""One scripted caller's whole call through the simulator, judged on the database
(`bench.dialogues` runs them all and prints the tables; `bench.dialogue_voices` speaks them)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bench.dialogue_caller import Markers, PersonOnThePhone, Talk
from bench.dialogue_data import LANGUAGES, NUMBERS, Caller
from bench.dialogue_practice import (
    active_text,
    publish_practice,
    publish_transport,
    seed_existing,
)
from receptionist.appointments.models import Agenda, Appointment, AppointmentStatus
from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.meaning import confirmation, faq_intent, target_for
from receptionist.call_flows.schema import MenuStep, Script
from receptionist.calls.events import EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.calls.service import call_events, get_call
from receptionist.config import Settings
from receptionist.db import make_engine
from receptionist.demo import seed_demo
from receptionist.main import create_app
from receptionist.messages.models import Message
from receptionist.migrations_runner import upgrade
from receptionist.runtime import Runtime
from receptionist.twilio import rest
from receptionist.twilio.simulator import MediaStreams, SimulatedCall, SimulationError, TwilioSim
from tests.twilio_sim import FakeTwilioApi

PUBLIC_BASE = "https://receptionist.example.com"
AUTH_TOKEN = "2884292bdf1df79c63e2ca2dfcb5f01e"
ACCOUNT_SID = "AC" + "1" * 32
SLUGS = {"en": "demo", "fr": "demo-fr"}
FAQ_WORDS = {"location": ("parking", "street", "stationnement", "rue"),
             "prices": ("price", "tarif", "prix", "dollar", "euro"),
             "payment": ("pay", "insurance", "card", "régler", "carte", "mutuelle")}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Result:
    caller: Caller
    mode: str
    success: bool = False
    wrong: bool = False
    reason: str = ""
    turns: int = 0
    confirmations: int = 0
    misses: int = 0
    keypad: bool = False
    error: str = ""
    transcript: list[Talk] = field(default_factory=list)
    outcome: str = ""  # Call.outcome
    # What the app heard, in order (the events' `heard`): the words of a spoken mode as
    # the recogniser wrote them, to tell a miss of the ears from one of the understanding.
    heard: list[str] = field(default_factory=list)


def template_database(folder: Path, transport: str = "twiml") -> Path:
    """A migrated database with the demo businesses and their practice, copied per call
    (their scripts carried by `transport`)."""
    path = folder / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        seed_demo(session)
        session.commit()
    for language in LANGUAGES:
        publish_practice(engine, SLUGS[language], language)
        if transport != "twiml":
            publish_transport(engine, SLUGS[language], transport)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def app_for(folder: Path, template: Path, clock: Clock, api: FakeTwilioApi,
            models: Path | None = None) -> Iterator[tuple[TwilioSim, Engine, TestClient]]:
    """A fresh copy of the template database behind its own app."""
    path = folder / "call.db"
    for leftover in folder.glob("call.db*"):
        leftover.unlink()
    shutil.copyfile(template, path)
    settings = Settings(
        receptionist_env="production", database_url=f"sqlite:///{path}",
        public_base_url=PUBLIC_BASE, twilio_auth_token=AUTH_TOKEN,
        twilio_account_sid=ACCOUNT_SID, twilio_api_base=api.base_url,
        secret_key="bench-secret-key-0123456789abcdef",
        recordings_dir=folder / "recordings", prompts_dir=folder / "prompts",
        spool_dir=folder / "spool", vosk_model_dir=models or folder / "models",
        speech_max_behind_s=0)
    engine = make_engine(settings.database_url)
    runtime = rest.plug(Runtime(settings=settings, engine=engine, clock=clock))
    try:
        with TestClient(create_app(settings, runtime=runtime)) as client:
            yield TwilioSim(http=client, public_base=PUBLIC_BASE, auth_token=AUTH_TOKEN,
                            account_sid=ACCOUNT_SID, recordings_base=api.base_url,
                            on_recording=api.add_recording), engine, client
    finally:
        runtime.database.dispose()
        engine.dispose()


def markers(engine: Engine, slug: str, language: str) -> Markers:
    """What the caller tells apart in the business's script: its reprompts, and the
    main menu's confirmation questions with the intent of each."""
    with Session(engine) as session:
        script = parse_script(active_text(session, slug))
    reprompts = [step.reprompt for step in script.steps.values()
                 if isinstance(step, MenuStep) and step.reprompt]
    checks = []
    for step in script.steps.values():
        if not isinstance(step, MenuStep):
            continue
        intents = [c.intent for c in step.choices] + [
            faq_intent(i, entry) for i, entry in enumerate(script.faq)]
        for intent in intents:
            target = target_for(script, step, intent)
            if target is not None:
                question = confirmation(target, language).split("?")[0]
                checks.append((question, intent))
    return Markers.of(language, reprompts, checks)


def _appointments(session: Session) -> list[tuple[Appointment, str]]:
    rows = session.execute(select(Appointment, col(Agenda.slug)).join(
        Agenda, col(Agenda.id) == Appointment.agenda_id).order_by(col(Appointment.id)))
    return [(a, slug) for a, slug in rows.all()]


def _in_window(caller: Caller, appointment: Appointment, slug: str) -> str:
    """Why the appointment is not where the caller wanted it ("" when it is)."""
    window = caller.expect.booking
    assert window is not None
    local = appointment.starts_at.replace(tzinfo=UTC).astimezone(caller.clock.tzinfo) \
        if appointment.starts_at.tzinfo is None else \
        appointment.starts_at.astimezone(caller.clock.tzinfo)
    if local.date() not in window.days:
        return f"on {local:%a %d %b} not {'/'.join(f'{d:%a %d}' for d in window.days)}"
    if not window.start <= local.time() < window.end:
        return f"at {local:%H:%M} not {window.start:%H:%M}-{window.end:%H:%M}"
    if window.who != ("",) and slug not in window.who:
        return f"with {slug} not {'/'.join(window.who)}"
    if window.type and appointment.appointment_type != window.type:
        return f"a {appointment.appointment_type} not a {window.type}"
    return ""


def heard_words(engine: Engine, call_sid: str) -> list[str]:
    """The words the call's events say the app heard, in order."""
    with Session(engine) as session:
        call = get_call(session, call_sid=call_sid)
        events = call_events(session, call=call) if call else []
    return [e.fields.heard for e in events if e.fields.heard]


def judge(caller: Caller, engine: Engine, call_sid: str, existing_id: int | None,
          sim_call: SimulatedCall) -> tuple[bool, bool, str, str]:
    """(success, wrong outcome, reason, Call.outcome) from the database."""
    with Session(engine) as session:
        call = get_call(session, call_sid=call_sid)
        events: list[CallEvent] = call_events(session, call=call) if call else []
        outcome = (call.outcome or "") if isinstance(call, Call) else ""
        appointments = _appointments(session)
        messages = list(session.exec(select(Message).where(Message.caller == caller.number)))
    new = [(a, s) for a, s in appointments if a.id != existing_id
           and a.status == AppointmentStatus.booked]
    old = next(((a, s) for a, s in appointments if a.id == existing_id), None)
    cancelled = old is not None and old[0].status != AppointmentStatus.booked
    moved = (old is not None and not cancelled and caller.existing is not None
             and old[0].starts_at.replace(tzinfo=None)
             != caller.existing.at.replace(tzinfo=caller.clock.tzinfo)
             .astimezone(UTC).replace(tzinfo=None))
    kinds = [e.kind for e in events]
    expect = caller.expect.outcome
    wrong = ""
    if new and expect != "booked":
        wrong = "booked although the caller did not ask to"
    if cancelled and expect != "cancelled":
        wrong = "cancelled the caller's appointment"
    if moved and expect != "moved":
        wrong = "moved the caller's appointment"
    if expect == "booked" and new:
        why = _in_window(caller, *new[0])
        if why:
            wrong = "booked " + why
        elif len(new) > 1:
            wrong = f"booked {len(new)} appointments"
    if expect == "moved" and moved and old is not None:
        why = _in_window(caller, *old)
        if why:
            wrong = "moved " + why
    if wrong:
        return False, True, wrong, outcome
    if expect == "booked":
        return bool(new), False, "" if new else "nothing booked", outcome
    if expect == "cancelled":
        return cancelled, False, "" if cancelled else "not cancelled", outcome
    if expect == "moved":
        return moved, False, "" if moved else "not moved", outcome
    if expect == "found":
        found = EventKind.appointment_found in kinds
        return found, False, "" if found else "appointment not told", outcome
    if expect == "message":
        if not messages:
            return False, False, "no message stored", outcome
        if caller.expect.urgent and not _urgent(events):
            return False, False, "message stored, not marked urgent", outcome
        return True, False, "", outcome
    if expect == "faq":
        with Session(engine) as session:
            script = parse_script(active_text(session, SLUGS[caller.language]))
        answered = _faq_answered(events, faq_topics(script), caller.expect.faq or "")
        return answered, False, "" if answered else "FAQ not answered", outcome
    if expect == "hours":
        told = any(e.kind == EventKind.choice and e.fields.intent == "hours" for e in events)
        return told, False, "" if told else "hours not told", outcome
    if expect == "transfer":
        tried = EventKind.transfer in kinds or bool(sim_call.dials)
        if tried or messages:  # after hours the transfer is closed: a message instead
            return True, False, "", outcome
        return False, False, "no transfer tried, no message", outcome
    # nothing: no booking, no message, no change
    if messages:
        return False, False, "a message was stored", outcome
    return True, False, "", outcome


def _urgent(events: list[CallEvent]) -> bool:
    return any(e.fields.intent == "urgent" and e.fields.band != "reprompt"
               for e in events if e.kind in (EventKind.understood, EventKind.choice))


def faq_topics(script: Script) -> dict[str, str]:
    """The FAQ intents of a script by topic (location, prices, payment), told by the
    words of each entry's intent, label and answer."""
    topics = {}
    for index, entry in enumerate(script.faq):
        intent = faq_intent(index, entry)
        words = f"{intent} {entry.label or ''} {entry.answer}".lower()
        for topic, keys in FAQ_WORDS.items():
            if topic in words or any(key in words for key in keys):
                topics[intent] = topic
                break
    return topics


def _faq_answered(events: list[CallEvent], topics: dict[str, str], topic: str) -> bool:
    return any(e.kind == EventKind.choice and topics.get(e.fields.intent or "") == topic
               for e in events)


class Line(Protocol):
    """The media streams of a spoken mode, for the app of one call."""

    def __call__(self, client: TestClient, api: FakeTwilioApi, sim: TwilioSim,
                 language: str) -> MediaStreams: ...


def run_caller(caller: Caller, folder: Path, template: Path, api: FakeTwilioApi,
               mode: str = "typed", line: Line | None = None,
               models: Path | None = None) -> Result:
    """Place the caller's call on a fresh copy of the template database and judge it.
    With `line` the caller's words are synthesized and streamed (spoken modes)."""
    clock = Clock(caller.clock.astimezone(UTC))
    result = Result(caller, mode)
    with app_for(folder, template, clock, api, models) as (sim, engine, client):
        if line is not None:
            sim.media = line(client, api, sim, caller.language)
        existing_id = seed_existing(engine, caller) if caller.existing else None
        person = PersonOnThePhone(caller, markers(engine, SLUGS[caller.language],
                                                  caller.language),
                                  turn_cap=3 * caller.shortest + 4)
        call = SimulatedCall(sim, person, to=NUMBERS[caller.language], from_=caller.number)
        person.said = call.heard
        try:
            call.run()
        except SimulationError as exc:
            result.error = str(exc)[:200]
        person.hung_up()
        result.success, result.wrong, result.reason, result.outcome = judge(
            caller, engine, call.call_sid, existing_id, call)
        result.heard = heard_words(engine, call.call_sid)
        if result.error and not result.reason:
            result.reason = result.error
        elif result.error:
            result.reason += f" ({result.error})"
    result.turns, result.confirmations = person.turns, person.confirmations
    result.misses, result.keypad = person.misses, person.keypad_ending
    result.transcript = person.transcript
    return result
