"""A flow context for unit tests of the engine and the steps: a real script and call,
with a session that only remembers what was added (steps that need the database get the
`session` fixture instead)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from sqlmodel import Session

from receptionist.call_flows.actions import Action, Gather, Say
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.loader import parse_script
from receptionist.calls.models import Call
from receptionist.demo import demo_script_text
from receptionist.tenants.service import get_tenant
from tests.twilio.practice import single_agenda

# Monday 2 March 2026, 10:00 in Paris (open hours of the scripts below).
MONDAY_10H_PARIS = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

SCRIPT = """\
business: Test Plumbing
timezone: Europe/Paris
language: fr-FR
start: welcome
hours:
  mon: ["09:00-18:00"]
holidays:
  - date: 2026-12-25
    name: Noël
steps:
  welcome:
    kind: say
    text: Bonjour.
    next: when
  when:
    kind: hours
    open: menu
    closed: closed
    holiday: holiday
  menu:
    kind: menu
    prompt: Tapez 1 pour un message, 2 pour parler à quelqu'un.
    retries: 1
    no_match: bye
    choices:
      - intent: message
        digit: "1"
        phrases: [message, laisser un message]
        goto: take
      - intent: transfer
        digit: "2"
        phrases: [quelqu'un]
        goto: person
  take:
    kind: message
    prompt: Après le bip.
    thanks: Merci.
    next: bye
  person:
    kind: transfer
    number: "+33100000001"
    fallback: take
  closed:
    kind: say
    text: Nous sommes fermés.
    next: take
  holiday:
    kind: hangup
    text: Joyeux Noël.
  bye:
    kind: hangup
    text: Au revoir.
"""


class FakeSession:
    """Remembers what was added; enough for steps that do not query."""

    def __init__(self) -> None:
        self.added: list[object] = []

    def add(self, row: object) -> None:
        self.added.append(row)

    def __contains__(self, row: object) -> bool:
        return any(row is added for added in self.added)

    def flush(self) -> None:
        pass


def make_ctx(text: str = SCRIPT, *, now: datetime = MONDAY_10H_PARIS,
             session: Session | None = None, call: Call | None = None) -> FlowContext:
    return FlowContext(session=session if session is not None else cast(Session, FakeSession()),
                       call=call or Call(call_sid="CA" + "0" * 32, tenant_id=1,
                                         from_number="+33600000000", to_number="+33100000000",
                                         script_version=1),
                       script=parse_script(text), now=now)


def said(actions: list[Action] | list[Any]) -> list[str]:
    """Every text spoken, in order, including prompts inside gathers."""
    texts: list[str] = []
    for action in actions:
        if isinstance(action, Say):
            texts.append(action.text)
        elif isinstance(action, Gather):
            texts.extend(p.text for p in action.prompts if isinstance(p, Say))
    return texts


def logged(ctx: FlowContext) -> list[tuple[object, object]]:
    return [(e.kind, e.step) for e in ctx.events]


CALLER = "+15551234567"


def demo_ctx(session: Session, clock: Callable[[], datetime],
             text: str | None = None) -> FlowContext:
    """A call from CALLER to the demo business (its real agenda `main`, in the database;
    by default the demo script without its practice)."""
    demo = get_tenant(session, slug="demo")
    call = Call(call_sid="CA" + "2" * 32, tenant_id=demo.id, from_number=CALLER,
                to_number="+15005550006", script_version=1)
    session.add(call)
    session.flush()
    return make_ctx(text or single_agenda(demo_script_text("demo.yaml")), now=clock(),
                    session=session,
                    call=call)


def gather_query(ctx: FlowContext) -> dict[str, object]:
    """The callback query of the gather the call now waits in."""
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    return dict(gather.callback.query)
