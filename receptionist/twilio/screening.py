"""The leg of the person a call is transferred to, when the transfer is screened: the
announcement when they pick up (the <Number url>), then their key. Their answer is kept
on the caller's call (`Call.transfer_answer`), which `webhooks.dialed` reads when the
<Dial> ends: only the accept key makes a transfer."""

from __future__ import annotations

from sqlmodel import Session

from receptionist.call_flows import announce
from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.schema import TransferStep
from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.i18n import gettext
from receptionist.runtime import Runtime
from receptionist.twilio.forms import ScreenForm, ScreenQuery
from receptionist.twilio.webhooks import apology, call_script, flow_context, twiml_of

SCREEN_TIMEOUT = 5  # seconds the person rung has to press a key after the announcement


def _screened_call(rt: Runtime, session: Session, query: ScreenQuery
                   ) -> tuple[FlowContext, TransferStep] | str:
    """The caller's call and its transfer step, or the TwiML that ends the leg of the
    person rung when the caller is no longer waiting for them."""
    call = calls.get_call(session, call_sid=query.parent)
    script = call_script(rt, session, call) if call is not None else None
    if call is None or script is None:
        return apology()
    ctx = flow_context(rt, session, call, script)
    step = script.steps.get(query.step)
    if (not isinstance(step, TransferStep) or call.seq != query.seq
            or call.status in calls.TERMINAL_STATUSES):
        ctx.log(EventKind.transfer_late, query.step, EventFields(reason=Reason.caller_gone))
        ctx.say(gettext(ctx.language, "call.screen_gone"))
        ctx.hang_up()
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
    _announce(ctx, step, query, form.to_number, attempt=0)
    return twiml_of(rt, ctx)


def _announce(ctx: FlowContext, step: TransferStep, query: ScreenQuery, number: str, *,
              attempt: int) -> None:
    gather = Gather(Callback.to("screened", step=query.step, seq=query.seq,
                                parent=query.parent, attempt=attempt),
                    timeout=SCREEN_TIMEOUT)
    ctx.say(announce.announcement(ctx, step), into=gather, personal=True)  # who, and why
    ctx.do(gather)
    ctx.log(EventKind.transfer_announced, query.step,
            EventFields(number=number, attempt=attempt + 1))


def screen_answer(rt: Runtime, session: Session, form: ScreenForm, query: ScreenQuery) -> str:
    """The key the person rung pressed (or none) after the announcement."""
    found = _screened_call(rt, session, query)
    if isinstance(found, str):
        return found
    ctx, step = found
    key, number = form.digits[:1], form.to_number
    if key == step.accept_key:
        ctx.call.transfer_answer = f"{query.seq}:accepted:{number}"[:120]
        ctx.log(EventKind.transfer_accepted, query.step, EventFields(number=number))
        ctx.say(gettext(ctx.language, "call.screen_connecting"))
    elif key == step.decline_key:
        ctx.call.transfer_answer = f"{query.seq}:declined:{number}"[:120]
        ctx.log(EventKind.transfer_declined, query.step, EventFields(number=number))
        ctx.say(gettext(ctx.language, "call.screen_declined"))
        ctx.hang_up()
    elif query.attempt == 0:
        _announce(ctx, step, query, number, attempt=1)
    else:
        ctx.call.transfer_answer = f"{query.seq}:silent:{number}"[:120]
        ctx.log(EventKind.transfer_unanswered, query.step, EventFields(number=number))
        ctx.hang_up()
    return twiml_of(rt, ctx)
