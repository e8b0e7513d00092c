"""The leg of the person a call is transferred to, when the transfer is screened: Twilio's
callbacks on that leg (the <Number url> when they pick up, then their key) turned into the
neutral dialogue of `call_flows/screening.py`, and its actions into TwiML."""

from __future__ import annotations

from sqlmodel import Session

from receptionist.call_flows import screening
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.desk import call_script, flow_context
from receptionist.call_flows.schema import TransferStep
from receptionist.calls import service as calls
from receptionist.runtime import Runtime
from receptionist.twilio.forms import ScreenForm, ScreenQuery
from receptionist.twilio.webhooks import TwilioDesk, apology, twiml_of


def _leg(query: ScreenQuery) -> screening.Leg:
    return screening.Leg(step=query.step, seq=query.seq, parent=query.parent,
                         attempt=query.attempt)


def _screened_call(rt: Runtime, session: Session, query: ScreenQuery
                   ) -> tuple[FlowContext, TransferStep] | str:
    """The caller's call and its transfer step, or the TwiML that ends the leg of the
    person rung when the caller is no longer waiting for them."""
    call = calls.get_call(session, call_sid=query.parent)
    desk = TwilioDesk(rt)
    script = call_script(desk, session, call) if call is not None else None
    if call is None or script is None:
        return apology()
    ctx = flow_context(desk, session, call, script)
    step = screening.waiting_transfer(ctx, _leg(query))
    if step is None:
        return twiml_of(rt, ctx)
    return ctx, step


def screen_announce(rt: Runtime, session: Session, form: ScreenForm,
                    query: ScreenQuery) -> str:
    """The person rung picked up: before connecting, who is calling and why, and the
    key that takes the call (their leg runs this TwiML, the caller keeps hearing ringing)."""
    found = _screened_call(rt, session, query)
    if isinstance(found, str):
        return found
    ctx, step = found
    screening.announce_to(ctx, step, _leg(query), form.to_number, attempt=0)
    return twiml_of(rt, ctx)


def screen_answer(rt: Runtime, session: Session, form: ScreenForm, query: ScreenQuery) -> str:
    """The key the person rung pressed (or none) after the announcement."""
    found = _screened_call(rt, session, query)
    if isinstance(found, str):
        return found
    ctx, step = found
    screening.answer(ctx, step, _leg(query), form.digits[:1], form.to_number)
    return twiml_of(rt, ctx)
