"""A known call resumed at the step a callback names, provider-neutral: with the caller's
answer (a key, words, a recording, a transfer's outcome) as a `call_flows.events` event,
or sent to a step. A callback for a step the call has left is stale and does nothing
harmful. Each function returns the actions the provider adapter renders."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from receptionist.call_flows import engine as flow
from receptionist.call_flows import screening
from receptionist.call_flows.actions import Action, Callback, Converse, Gather, Record, Redirect
from receptionist.call_flows.answering import apology
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.desk import Desk, call_script, flow_context
from receptionist.call_flows.events import DialResult, Event, NoRecording, Recorded
from receptionist.calls import service as calls
from receptionist.calls.events import EventFields, EventKind
from receptionist.i18n import gettext
from receptionist.messages import service as messages
from receptionist.messages.models import Message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepAt:
    """The step a callback answers, and the sequence number it carries (None: none)."""

    step: str
    seq: int | None


def _resume(desk: Desk, session: Session, call_sid: str, at: StepAt,
            act: Callable[[FlowContext], None], *, claim: bool = True,
            before_claim: Callable[[FlowContext], None] | None = None) -> list[Action]:
    """Continue a known call at `at.step`; stale callbacks do nothing harmful."""
    call = calls.get_call(session, call_sid=call_sid)
    if call is None:
        log.warning("callback for unknown call %s (step %s)", call_sid, at.step)
        return apology()
    script = call_script(desk, session, call)
    if script is None:
        return apology()
    ctx = flow_context(desk, session, call, script)
    if before_claim is not None:
        before_claim(ctx)
    if claim and (at.seq is None or not calls.claim_step(session, call=call, seq=at.seq)):
        return _stale(ctx, at)
    try:
        act(ctx)
    except flow.FlowError:
        log.exception("call %s cannot continue at step %s", call_sid, at.step)
        ctx.actions = []
        flow.apologise_and_hang_up(ctx)
    return ctx.finish()


def answered(desk: Desk, session: Session, call_sid: str, at: StepAt,
             event: Event) -> list[Action]:
    """Resume the call with the caller's answer to the step `at` names."""
    return _resume(desk, session, call_sid, at, lambda ctx: flow.resume(ctx, at.step, event))


def _stale(ctx: FlowContext, at: StepAt) -> list[Action]:
    """A callback for a step the call has already left (keypad after a speech redirect,
    a late duplicate...): the first answer counted; bring the call back to where we are."""
    ctx.log(EventKind.stale_callback, at.step,
            EventFields(seq=at.seq, expected_seq=ctx.call.seq))
    if ctx.call.status in calls.TERMINAL_STATUSES or ctx.call.current_step is None:
        ctx.say(gettext(ctx.language, "call.call_ended"))
        ctx.hang_up()
    else:
        ctx.redirect(Callback.to("step", step=ctx.call.current_step))
    return ctx.finish()


def recorded(desk: Desk, session: Session, call_sid: str, at: StepAt,
             info: messages.RecordingInfo | None) -> list[Action]:
    """The caller's recording ended (`info` None: nothing was recorded)."""
    kept: list[Message] = []

    def keep_message(ctx: FlowContext) -> None:
        # Stored before anything else can go wrong: a message is never lost to a stale
        # or failed flow step.
        if info is not None:
            stored = messages.store_recording(ctx.session, call=ctx.call, info=info,
                                              now=ctx.now, log=ctx.log)
            kept.extend([stored] if stored is not None else [])

    def resume(ctx: FlowContext) -> None:
        assert info is not None
        flow.resume(ctx, at.step, Recorded(info, kept[0] if kept else None))

    if info is None:
        return _resume(desk, session, call_sid, at,
                       lambda ctx: flow.resume(ctx, at.step, NoRecording()))
    return _resume(desk, session, call_sid, at, resume, before_claim=keep_message)


def dialed(desk: Desk, session: Session, call_sid: str, at: StepAt, *, status: str,
           duration: int | None, group: int, ring: int,
           bridged: bool | None = None) -> list[Action]:
    """A transfer ended (`status`: the provider's dial outcome; `bridged`: whether the
    caller was connected, when it says): with what the person rung answered at this step,
    when the transfer was screened."""
    call = calls.get_call(session, call_sid=call_sid)
    answer, by = screening.answer_for(call.transfer_answer if call is not None else None,
                                      at.seq)
    return back_on_stream(desk, session, call_sid, answered(
        desk, session, call_sid, at, DialResult(status, duration, group=group, ring=ring,
                                                answer=answer, by=by, bridged=bridged)))


def back_on_stream(desk: Desk, session: Session, call_sid: str,
                   actions: list[Action]) -> list[Action]:
    """A call of the stream transport handed to the provider for a transfer goes back on
    a two-way stream for what follows it (a message when nobody answered, a question):
    recorded and spoken on this server, as before the transfer. `actions` unchanged when
    nothing follows but prompts and the end, or when the call cannot be carried."""
    if not any(isinstance(action, Gather | Record) for action in actions):
        return actions
    call = calls.get_call(session, call_sid=call_sid)
    script = call_script(desk, session, call) if call is not None else None
    if (call is None or script is None or script.transport != "stream"
            or call.status in calls.TERMINAL_STATUSES):
        return actions
    conversation = desk.conversation(call_sid, script.language, desk.now())
    if conversation is None:
        return actions
    call.media_stream_sid = None  # the new stream claims the call
    session.add(call)
    url, token = conversation
    return [Converse(url, (("callSid", call_sid), ("token", token)), tuple(actions)),
            Redirect(Callback.to("resume"))]


def goto_step(desk: Desk, session: Session, call_sid: str, at: StepAt) -> list[Action]:
    """Run the call from `at.step` (a redirect: no sequence number to claim)."""
    return _resume(desk, session, call_sid, at,
                   lambda ctx: flow.goto_step(ctx, at.step), claim=False)
