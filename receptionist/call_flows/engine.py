"""The flow engine: enter a step, run the instant ones (say, hours...) in the same answer,
and stop at the first step that waits for the caller (menu, message, transfer) or ends the
call. An answer (a key, a recording, a transfer's outcome, words) resumes the call at the
step that asked, through that step kind's `resume` (call_flows.registry)."""

from __future__ import annotations

import logging

from receptionist.call_flows.actions import StreamAudio
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import Event
from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.step_kind import FlowError
from receptionist.calls.events import EventFields, EventKind, entered
from receptionist.i18n import gettext

log = logging.getLogger(__name__)

# A script cannot loop through instant steps (the schema rejects it); this is the backstop.
MAX_STEPS_PER_ANSWER = 50

__all__ = ["FlowError", "apologise_and_hang_up", "goto_step", "resume", "run_from",
           "start_call"]


def run_from(ctx: FlowContext, step_id: str | None) -> None:
    """Enter `step_id` and keep going until a step waits for the caller or hangs up.
    `None` means the script ended here: the call is hung up."""
    for _ in range(MAX_STEPS_PER_ANSWER):
        if step_id is None:
            ctx.hang_up()
            ctx.log(EventKind.end, ctx.call.current_step)
            return
        step = ctx.script.steps.get(step_id)
        if step is None:
            raise FlowError(f"script has no step {step_id!r}")
        ctx.call.current_step = step_id
        ctx.log(EventKind.enter, step_id, entered(step.kind))
        step_id = kind_of(step).render(ctx, step_id, step)
        if step_id is None:
            return
    raise FlowError(f"more than {MAX_STEPS_PER_ANSWER} steps without waiting for the caller")


def apologise_and_hang_up(ctx: FlowContext) -> None:
    ctx.say(gettext(ctx.language, "call.technical_error"))
    ctx.hang_up()


def start_call(ctx: FlowContext) -> None:
    ctx.log(EventKind.call_started, None,
            EventFields(script_version=ctx.call.script_version))
    if ctx.media_stream_url is not None:
        # Fork the caller's audio for the whole call; call data travels as parameters
        # because Twilio strips query strings from stream URLs.
        ctx.do(StreamAudio(ctx.media_stream_url, (("callSid", ctx.call.call_sid),
                                                  ("token", ctx.media_stream_token))))
        ctx.log(EventKind.speech, None)
    elif ctx.converses:
        ctx.log(EventKind.speech, None)
    run_from(ctx, ctx.script.start)


def goto_step(ctx: FlowContext, step_id: str) -> None:
    run_from(ctx, step_id)


def resume(ctx: FlowContext, step_id: str, event: Event) -> None:
    """The caller answered the step `step_id` waits at: go on from there."""
    step = ctx.script.steps.get(step_id)
    if step is None:
        raise FlowError(f"script has no step {step_id!r}")
    kind = kind_of(step)
    if kind.resume is None:
        raise FlowError(f"step {step_id!r} ({step.kind}) does not wait for the caller")
    nxt = kind.resume(ctx, step_id, step, event)
    if nxt is not None:
        run_from(ctx, nxt)

