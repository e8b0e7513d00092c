"""The flow engine: enter a step, run the instant ones (say, hours...) in the same TwiML
answer, and stop at the first step that waits for the caller (menu, message, transfer) or
ends the call. Callbacks from Twilio resume the call at the step that issued them."""

from __future__ import annotations

import logging

from twilio.twiml.voice_response import Start

from receptionist.appointments.availability import from_epoch
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.phrases import phrase
from receptionist.call_flows.schema import (
    BookStep,
    HangupStep,
    HoursStep,
    ManageBookingStep,
    MenuStep,
    MessageStep,
    SayStep,
    Step,
    TransferStep,
)
from receptionist.call_flows.steps import (
    book,
    hangup,
    hours,
    manage_booking,
    menu,
    message,
    say,
    transfer,
)
from receptionist.messages.service import RecordingInfo

log = logging.getLogger(__name__)

# A script cannot loop through instant steps (the schema rejects it); this is the backstop.
MAX_STEPS_PER_ANSWER = 50


class FlowError(RuntimeError):
    """The script cannot go on (only reachable with a corrupted script or a bug)."""


def _render(ctx: FlowContext, step_id: str, step: Step) -> str | None:
    match step:
        case SayStep():
            return say.render(ctx, step_id, step)
        case HoursStep():
            return hours.render(ctx, step_id, step)
        case MenuStep():
            return menu.render(ctx, step_id, step)
        case MessageStep():
            return message.render(ctx, step_id, step)
        case TransferStep():
            return transfer.render(ctx, step_id, step)
        case BookStep():
            return book.render(ctx, step_id, step)
        case ManageBookingStep():
            return manage_booking.render(ctx, step_id, step)
        case HangupStep():
            return hangup.render(ctx, step_id, step)
    raise FlowError(f"step {step_id!r} has an unsupported kind")


def run_from(ctx: FlowContext, step_id: str | None) -> None:
    """Enter `step_id` and keep going until a step waits for the caller or hangs up.
    `None` means the script ended here: the call is hung up."""
    for _ in range(MAX_STEPS_PER_ANSWER):
        if step_id is None:
            ctx.response.hangup()
            ctx.log("end", ctx.call.current_step)
            return
        step = ctx.script.steps.get(step_id)
        if step is None:
            raise FlowError(f"script has no step {step_id!r}")
        ctx.call.current_step = step_id
        ctx.log("enter", step_id, step.kind)
        step_id = _render(ctx, step_id, step)
        if step_id is None:
            return
    raise FlowError(f"more than {MAX_STEPS_PER_ANSWER} steps without waiting for the caller")


def apologise_and_hang_up(ctx: FlowContext) -> None:
    ctx.say(phrase("technical_error", ctx.language))
    ctx.response.hangup()


def _step(ctx: FlowContext, step_id: str, kind: type[Step]) -> Step:
    step = ctx.script.steps.get(step_id)
    if not isinstance(step, kind):
        raise FlowError(f"step {step_id!r} is not a {kind.__name__}")
    return step


def start_call(ctx: FlowContext) -> None:
    ctx.log("call_started", None, f"script v{ctx.call.script_version}")
    if ctx.media_stream_url is not None:
        # Fork the caller's audio to our WebSocket for the whole call; call data travels
        # as <Parameter>s because Twilio strips query strings from stream URLs.
        start = Start()
        stream = start.stream(url=ctx.media_stream_url, track="inbound_track")
        stream.parameter(name="callSid", value=ctx.call.call_sid)
        stream.parameter(name="token", value=ctx.media_stream_token)
        ctx.response.append(start)
        ctx.log("speech", None, "listening")
    run_from(ctx, ctx.script.start)


def goto_step(ctx: FlowContext, step_id: str) -> None:
    run_from(ctx, step_id)


def on_menu_input(ctx: FlowContext, step_id: str, *, attempt: int, digits: str,
                  misheard: str | None = None) -> None:
    step = _step(ctx, step_id, MenuStep)
    assert isinstance(step, MenuStep)
    nxt = menu.handle_input(ctx, step_id, step, attempt=attempt, digits=digits,
                            misheard=misheard)
    if nxt is not None:
        run_from(ctx, nxt)


def on_recorded(ctx: FlowContext, step_id: str, *, recording: RecordingInfo) -> None:
    step = _step(ctx, step_id, MessageStep)
    assert isinstance(step, MessageStep)
    run_from(ctx, message.handle_recorded(ctx, step_id, step, recording=recording))


def on_no_recording(ctx: FlowContext, step_id: str) -> None:
    step = _step(ctx, step_id, MessageStep)
    assert isinstance(step, MessageStep)
    run_from(ctx, message.handle_no_recording(ctx, step_id, step))


def on_dial_result(ctx: FlowContext, step_id: str, *, status: str,
                   duration: int | None) -> None:
    step = _step(ctx, step_id, TransferStep)
    assert isinstance(step, TransferStep)
    nxt = transfer.handle_result(ctx, step_id, step, status=status, duration=duration)
    if nxt is not None:
        run_from(ctx, nxt)
    else:
        ctx.log("end", step_id)


def on_booking_input(ctx: FlowContext, step_id: str, *, stage: str, digits: str,
                     attempt: int, slots: str, slot: int | None, appointment_id: int | None,
                     recording_url: str | None) -> None:
    """A callback of the booking dialogue (`book` or `manage_booking`)."""
    step = ctx.script.steps.get(step_id)
    if not isinstance(step, BookStep | ManageBookingStep):
        raise FlowError(f"step {step_id!r} is not a booking step")
    moving = book.own_appointment(ctx, appointment_id)
    nxt: str | None
    if stage == "manage" and isinstance(step, ManageBookingStep):
        nxt = manage_booking.on_choice(ctx, step_id, step, moving, digits=digits,
                                       attempt=attempt)
    elif stage == "name" and isinstance(step, BookStep):
        nxt = book.on_name(ctx, step_id, step, appointment=moving, recording_url=recording_url)
    elif stage in ("offer", "confirm"):
        agenda = book.agenda_for(ctx, step, moving)
        if agenda is None:
            ctx.log("booking_unavailable", step_id, "agenda gone: fallback")
            nxt = step.fallback
        elif stage == "offer":
            nxt = book.on_offer(ctx, step_id, step, agenda, slots=book.slots_of(slots),
                                digits=digits, attempt=attempt,
                                moving=moving.id if moving is not None else None)
        elif slot is None:
            raise FlowError("confirmation without a slot")
        else:
            nxt = book.on_confirm(ctx, step_id, step, agenda,
                                  slot=from_epoch(slot), digits=digits, attempt=attempt,
                                  moving=moving)
    else:
        raise FlowError(f"stage {stage!r} does not belong to step {step_id!r}")
    if nxt is not None:
        run_from(ctx, nxt)
