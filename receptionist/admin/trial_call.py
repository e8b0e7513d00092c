"""The script editor's trial ("test") call: a draft script answers a simulated call through the real
webhooks and flow engine, in a throwaway in-memory database, before it is published.

Nothing touches the business's data: the sandbox has its own copy of the business (with
the draft as its script and a fresh agenda built from the draft's hours), and the call
plays Twilio's part exactly as the tests do (twilio.simulator), through the app's ASGI
interface. Keypad, messages, silence, transfer outcomes and hang-ups are simulated;
typed speech ("say: could I come in Thursday?") reaches whichever prompt the call waits at
(a menu, a confirmation, the booking dialogue) and is understood there exactly as the
recogniser's words are.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from ruamel.yaml import YAML
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

import receptionist.model_registry  # noqa: F401 - every table, for the sandbox schema
from receptionist.call_flows.publishing import create_tenant
from receptionist.calls import service as calls
from receptionist.calls.event_text import describe
from receptionist.calls.events import EventKind
from receptionist.catalog_text import Refused
from receptionist.clock import Clock
from receptionist.config import Settings
from receptionist.i18n import N_
from receptionist.runtime import Runtime
from receptionist.speech.recognizer import ModelUnavailable, Recognition
from receptionist.twilio import rest
from receptionist.twilio.app import create_call_app
from receptionist.twilio.simulator import (
    Action,
    Caller,
    DialOutcome,
    HangUp,
    Heard,
    LeaveMessage,
    NoInput,
    Press,
    Recording,
    ScriptedCaller,
    SimulatedCall,
    SimulationError,
    Speak,
    StaySilent,
    TwilioSim,
)
from receptionist.weekly_hours import DAYS

NUMBER = "+10000000000"
SANDBOX_BASE = "https://sandbox.invalid"
MAX_INPUTS = 40
_DIAL = re.compile(r"^dial (completed|busy|no-answer|failed|canceled)$")
_MESSAGE = re.compile(r"^message (\d{1,3})$")


class InputError(Refused):
    pass


def parse_inputs(text: str) -> list[Action]:
    """One caller action per line: a key (`1`, `#`), `say: words` (spoken at a menu),
    `nothing` (no key before the timeout), `message 8` (speak 8 s after the beep),
    `silence` (say nothing at a beep), `dial busy|no-answer|failed|canceled|completed`,
    `hang up`."""
    actions: list[Action] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip().lower()
        if not line:
            continue
        if re.fullmatch(r"[0-9*#]{1,10}", line):
            actions.append(Press(line))
        elif line.startswith("say:") and line[4:].strip():
            actions.append(Speak(raw.strip()[4:].strip()))
        elif line == "nothing":
            actions.append(NoInput())
        elif line == "silence":
            actions.append(StaySilent())
        elif line == "hang up":
            actions.append(HangUp())
        elif match := _MESSAGE.match(line):
            actions.append(LeaveMessage(int(match.group(1))))
        elif match := _DIAL.match(line):
            actions.append(DialOutcome(match.group(1)))
        else:
            raise InputError(N_("refusal.trial.action"), line=number,
                             typed=repr(raw.strip()))
    if len(actions) > MAX_INPUTS:
        raise InputError(N_("refusal.trial.too_many"), most=MAX_INPUTS)
    return actions


class KeypadOnly:
    """The sandbox's speech engine: none (typed calls use the keypad)."""

    name = "none"
    sample_rate = 16000

    def supports(self, language: str) -> bool:
        return False

    def prewarm(self, languages: Sequence[str]) -> None:
        return None

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> Any:
        raise ModelUnavailable("no speech in test calls")

    def recognize_whole(self, audio: Any, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        raise ModelUnavailable("no speech in test calls")


class _Caller(ScriptedCaller):
    """Hangs up when the operator's actions run out, instead of failing. Typed speech
    reaches the call as text at any prompt (menus, confirmations, booking)."""

    def _next(self, where: str) -> Action:
        return self.actions.pop(0) if self.actions else HangUp()


class _AsgiPoster:
    def __init__(self, app: Any) -> None:
        self.app = app

    def post(self, url: str, *, data: dict[str, str], headers: dict[str, str]) -> Any:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_BASE) as client:
                return await client.post(url, data=data, headers=headers)
        return asyncio.run(send())


@dataclass
class TrialCallResult:
    heard: list[str] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    timeline: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # typed speech, as understood
    error: str = ""


def run_trial_call(settings: Settings, clock: Clock, *, slug: str, yaml_text: str,
                  actions: list[Action], caller: str,
                  answering: Caller | None = None) -> TrialCallResult:
    """`answering`: who answers the prompts (default: `actions`, then a hang-up)."""
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(engine)  # a throwaway schema in memory, not the database
    sandbox = settings.model_copy(update={"database_url": "sqlite://",
                                          "public_base_url": SANDBOX_BASE,
                                          "twilio_api_base": "http://127.0.0.1:9"})
    runtime = Runtime(settings=sandbox, engine=engine, clock=clock)
    runtime.recognizer = KeypadOnly()
    rest.plug(runtime)
    with runtime.database.write_transaction() as session:
        create_tenant(session, slug=slug, numbers=[NUMBER], yaml_text=yaml_text,
                      author="test call")
    sim = TwilioSim(http=_AsgiPoster(create_call_app(runtime)),
                    public_base=SANDBOX_BASE, auth_token=sandbox.twilio_auth_token,
                    account_sid=sandbox.twilio_account_sid)
    result = TrialCallResult()
    call = SimulatedCall(sim, answering or _Caller(actions), to=NUMBER, from_=caller)
    try:
        call.run()
    except SimulationError as exc:
        result.error = str(exc)
    finally:
        runtime.close()
    result.heard = [h.text for h in call.heard]
    result.heard += [f"[the person rung hears] {h.text}" for h in call.callee_heard]
    with runtime.database.session() as session:
        row = calls.get_call(session, call_sid=call.call_sid)
        if row is not None:
            for event in calls.call_events(session, call=row):
                line = describe(event.kind, event.fields)
                if event.kind == EventKind.enter and event.step:
                    result.path.append(event.step)
                if event.kind in (EventKind.understood, EventKind.time_asked):
                    result.understood.append(f"{event.step}: {line}")
                result.timeline.append(f"{event.kind} {event.step or ''} {line}".strip())
    engine.dispose()
    return result


# A web process's warm-up rehearses each language's calls once in the sandbox: the code a
# first call runs for the first time (imports done inside functions, caches filled at first
# use, TwiML and timeline rendering, the booking dialogue's offers) runs then, not while a
# caller waits. One call per key of the first menu, each then pressing 1 at every prompt
# and leaving a message when asked: bookings, messages, transfers and FAQ answers.
REHEARSAL_KEYS = "1234567890"
# Where a rehearsed call writes its log lines (the one line per call, the REST client).
REHEARSAL_QUIET = ("receptionist.notifications.service", "receptionist.twilio.rest",
                   "receptionist.twilio.media", "receptionist.call_flows")


@dataclass
class _Rehearsing:
    first: str
    answers: int = 0

    def press(self, prompt: list[Heard]) -> str | None:
        self.answers += 1
        if self.answers > 8:
            return None  # hang up
        return self.first if self.answers == 1 else "1"

    def record(self, prompt: list[Heard]) -> Recording:
        return Recording(3)

    def dial_result(self, number: str) -> str:
        return "completed"

    def screen(self, number: str, announcement: list[Heard]) -> str:
        return "1"


def always_open(yaml_text: str) -> str:
    """The script open around the clock, no holidays: a rehearsal at night still takes
    the open-hours paths."""
    yaml = YAML()
    data = yaml.load(yaml_text)
    data["hours"] = {day: ["00:00-24:00"] for day in DAYS}
    data.pop("holidays", None)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


class _OtherThreads(logging.Filter):
    """Drops the records of one thread (the rehearsal's calls are not calls to log)."""

    def __init__(self, thread: int | None) -> None:
        super().__init__()
        self.thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread != self.thread


def rehearse(settings: Settings, clock: Clock, scripts: Sequence[tuple[str, str]]) -> int:
    """Trial calls of each (slug, YAML) script, in throwaway databases; returns how many
    ran. Raises on the first that fails (the warm-up reports it). What the calls log
    (their one line each, as real calls) is dropped."""
    quiet = _OtherThreads(threading.get_ident())
    loggers = [logging.getLogger(name) for name in REHEARSAL_QUIET]
    for logger in loggers:
        logger.addFilter(quiet)
    count = 0
    try:
        for slug, yaml_text in scripts:
            opened = always_open(yaml_text)
            for key in REHEARSAL_KEYS:
                result = run_trial_call(settings, clock, slug=slug, yaml_text=opened,
                                        actions=[], caller="+15550000000",
                                        answering=_Rehearsing(key))
                if result.error:
                    raise RuntimeError(f"rehearsal of {slug}, key {key}: {result.error}")
                count += 1
    finally:
        for logger in loggers:
            logger.removeFilter(quiet)
    return count
