"""`message`: prompt, then <Record>. The Record action stores the message; when the caller
says nothing Twilio skips the action and falls through to our <Redirect>."""

from __future__ import annotations

from twilio.twiml.voice_response import Record

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.phrases import phrase
from receptionist.call_flows.schema import MessageStep
from receptionist.messages import service as messages


def render(ctx: FlowContext, step_id: str, step: MessageStep) -> str | None:
    seq = ctx.wait_here(step_id)
    ctx.say(step.prompt)
    ctx.response.append(Record(
        action=ctx.url("recorded", step=step_id, seq=seq),
        max_length=step.max_length,
        finish_on_key=step.finish_key,
        timeout=step.silence_timeout,
        play_beep=True,
        trim="trim-silence",
        recording_status_callback=ctx.url("recording-status", step=step_id),
        recording_status_callback_event="completed absent",
    ))
    ctx.response.redirect(ctx.url("no-recording", step=step_id, seq=seq))
    ctx.log("record", step_id, f"max {step.max_length}s")
    return None


def handle_recorded(ctx: FlowContext, step_id: str, step: MessageStep, *,
                    recording: messages.RecordingInfo) -> str | None:
    stored = messages.store_recording(ctx.session, call=ctx.call, info=recording, now=ctx.now)
    if stored is None:
        ctx.say(phrase("no_recording", ctx.language))
    elif step.thanks:
        ctx.say(step.thanks)
    return step.next


def handle_no_recording(ctx: FlowContext, step_id: str, step: MessageStep) -> str | None:
    ctx.log("message_absent", step_id, "caller left no audio")
    ctx.say(phrase("no_recording", ctx.language))
    return step.next
