"""`message`: prompt, then record. The record callback stores the message; when the
caller says nothing the provider skips it and falls through to our redirect."""

from __future__ import annotations

from receptionist.call_flows.actions import Callback, Record
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import Event, NoRecording, Recorded
from receptionist.call_flows.schema import MessageStep
from receptionist.call_flows.step_kind import Exit, StepKind, unexpected
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.i18n import gettext
from receptionist.messages import service as messages


def render(ctx: FlowContext, step_id: str, step: MessageStep) -> str | None:
    seq = ctx.wait_here(step_id)
    ctx.recording_notice(step_id)
    ctx.say(step.prompt)
    ctx.do(Record(Callback.to("recorded", step=step_id, seq=seq),
                  max_length=step.max_length, timeout=step.silence_timeout,
                  finish_on_key=step.finish_key,
                  status_callback=Callback.to("recording-status", step=step_id)))
    ctx.redirect(Callback.to("no-recording", step=step_id, seq=seq))
    ctx.log(EventKind.record, step_id, EventFields(max_s=step.max_length))
    return None


def resume(ctx: FlowContext, step_id: str, step: MessageStep, event: Event) -> str | None:
    if isinstance(event, Recorded):
        stored = event.message or messages.store_recording(
            ctx.session, call=ctx.call, info=event.recording, now=ctx.now, log=ctx.log)
        if stored is None:
            ctx.say(gettext(ctx.language, "call.no_recording"))
        elif step.thanks:
            ctx.say(step.thanks)
        return step.next
    if isinstance(event, NoRecording):
        ctx.log(EventKind.message_absent, step_id, EventFields(reason=Reason.no_audio))
        ctx.say(gettext(ctx.language, "call.no_recording"))
        return step.next
    raise unexpected(step_id, event)


def exits(step: MessageStep) -> list[Exit]:
    return [Exit("next", step.next, ("next",))]


KIND = StepKind("message", MessageStep, render, exits, resume)
