"""Reading back what a simulated call left in the database."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from receptionist.calls.models import Call, CallEvent
from receptionist.calls.service import call_events, get_call
from receptionist.messages.models import Message


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


def kinds(engine: Engine, call_sid: str) -> list[str]:
    return [e.kind for e in events(engine, call_sid)]


def messages(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        return list(session.exec(select(Message).order_by(Message.id)).all())  # type: ignore[arg-type]
