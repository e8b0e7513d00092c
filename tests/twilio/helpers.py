"""Reading back what a simulated call left in the database."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.call_flows import publishing
from receptionist.calls.events import EventFields, EventKind
from receptionist.calls.models import Call, CallEvent
from receptionist.calls.service import call_events, get_call
from receptionist.demo import demo_script_text
from receptionist.messages.models import Message
from receptionist.tenants import service as tenants
from tests.conftest import DEMO_EN, DEMO_FR

DEMO_SLUG = {DEMO_EN: "demo", DEMO_FR: "demo-fr"}
DEMO_FILE = {DEMO_EN: "demo.yaml", DEMO_FR: "demo-fr.yaml"}


def publish_demo(engine: Engine, number: str, *changes: tuple[str, str]) -> None:
    """Publish the demo script of the business at `number`, with each (old, new) change."""
    with Session(engine) as session:
        tenant = tenants.get_tenant(session, slug=DEMO_SLUG[number])
        text = demo_script_text(DEMO_FILE[number])
        for old, new in changes:
            assert old in text, old
            text = text.replace(old, new)
        publishing.publish_script(session, tenant=tenant, yaml_text=text)
        session.commit()


def stored_call(engine: Engine, call_sid: str) -> Call:
    with Session(engine) as session:
        call = get_call(session, call_sid=call_sid)
        assert call is not None, f"no call row for {call_sid}"
        return call


def events(engine: Engine, call_sid: str) -> list[CallEvent]:
    with Session(engine) as session:
        call = get_call(session, call_sid=call_sid)
        assert call is not None
        return call_events(session, call=call)


def path(engine: Engine, call_sid: str) -> list[str]:
    """The steps the call entered, in order."""
    return [e.step or "" for e in events(engine, call_sid) if e.kind == "enter"]


def fields(engine: Engine, call_sid: str, kind: EventKind) -> list[EventFields]:
    """The fields of the call's events of `kind`, in order."""
    return [e.fields for e in events(engine, call_sid) if e.kind == kind]


def kinds(engine: Engine, call_sid: str) -> list[str]:
    return [e.kind for e in events(engine, call_sid)]


def messages(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        return list(session.exec(select(Message).order_by(Message.id)).all())  # type: ignore[arg-type]
