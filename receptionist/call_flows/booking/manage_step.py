"""`manage_booking`: the caller (known by caller ID) hears their next appointment and can
cancel it, move it (the `book` step's offer and confirm stages) or keep it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from receptionist.appointments import booking, lookups
from receptionist.appointments.models import Agenda, Appointment
from receptionist.appointments.spoken import spoken_slot
from receptionist.call_flows import announce
from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.booking import slots
from receptionist.call_flows.booking.phrases import voice_choices
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, Event
from receptionist.call_flows.schema import ManageBookingStep
from receptionist.call_flows.step_kind import StepKind, unexpected
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.i18n import gettext
from receptionist.understanding.when import TimeWish, parse_when

RETRIES = 2


def _when(ctx: FlowContext, agenda: Agenda, moment: datetime) -> str:
    return spoken_slot(moment.astimezone(ZoneInfo(agenda.timezone)), ctx.language)


def render(ctx: FlowContext, step_id: str, step: ManageBookingStep) -> str | None:
    assert ctx.call.tenant_id is not None
    appointment = lookups.upcoming_for_caller(
        ctx.session, tenant_id=ctx.call.tenant_id, caller_number=ctx.call.from_number,
        now=ctx.now)
    if appointment is None:
        ctx.log(EventKind.no_appointment, step_id,
                EventFields(number=ctx.call.from_number or None))
        ctx.say(gettext(ctx.language, "booking.not_found"))
        return step.fallback
    ask(ctx, step_id, step, appointment)
    return None


def ask(ctx: FlowContext, step_id: str, step: ManageBookingStep, appointment: Appointment,
        *, attempt: int = 0, preface: str | None = None) -> None:
    agenda = ctx.session.get(Agenda, appointment.agenda_id)
    assert agenda is not None
    seq = ctx.wait_here(step_id)
    assert appointment.id is not None
    query: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": "manage",
                                   "appointment": appointment.id, "attempt": attempt}
    gather = Gather(Callback.to("book", **query), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(gettext(ctx.language, "booking.found",
                    when=_when(ctx, agenda, appointment.starts_at)), into=gather,
            personal=True)
    ctx.do(gather)
    ctx.log(EventKind.appointment_found, step_id, EventFields(appointment=appointment.id))
    slots.listen_for(ctx, query, voice_choices("manage", ctx.language))


def on_choice(ctx: FlowContext, step_id: str, step: ManageBookingStep,
              appointment: Appointment | None, *, digits: str, attempt: int) -> str | None:
    if appointment is None or appointment.caller_number != ctx.call.from_number:
        ctx.log(EventKind.no_appointment, step_id, EventFields(reason=Reason.appointment_gone))
        return step.fallback
    agenda = ctx.session.get(Agenda, appointment.agenda_id)
    assert agenda is not None
    when = _when(ctx, agenda, appointment.starts_at)
    if digits == "1":
        booking.cancel(ctx.session, appointment=appointment, agenda=agenda, now=ctx.now,
                       sms_sender=ctx.call.to_number, by="phone")
        ctx.log(EventKind.cancelled, step_id, EventFields(appointment=appointment.id))
        ctx.say(gettext(ctx.language, "booking.cancelled", when=when), personal=True)
        return step.next
    if digits == "2":
        plan = slots.plan_for_move(ctx, appointment)
        wish = _new_time_asked(ctx, agenda, appointment)
        if plan is not None and wish is not None:
            return slots.on_time_wish(ctx, step_id, step, plan, wish=wish, said="")
        offered = slots.first_offer(ctx, plan) if plan is not None else []
        if plan is None or not offered:
            ctx.say(gettext(ctx.language, "booking.no_slot"))
            return step.fallback
        slots.offer(ctx, step_id, step, plan, offered)
        return None
    if digits == "3":
        ctx.log(EventKind.kept, step_id, EventFields(appointment=appointment.id))
        ctx.say(gettext(ctx.language, "booking.kept", when=when), personal=True)
        return step.next
    ctx.log(EventKind.invalid_key if digits else EventKind.no_input, step_id,
            EventFields(digit=digits))
    if attempt >= RETRIES:
        return step.fallback
    ask(ctx, step_id, step, appointment, attempt=attempt + 1,
        preface=slots.retry_preface(ctx, digits))
    return None


def _new_time_asked(ctx: FlowContext, agenda: Agenda, appointment: Appointment
                    ) -> TimeWish | None:
    """The day or time the caller asked to move to, in the words that brought them here
    ("I can't make it on Monday, can we move it to Tuesday": Tuesday, the day said last);
    None when they named only the appointment's own day, or nothing."""
    said = announce.reason(ctx).said
    if not said:
        return None
    tz = ZoneInfo(agenda.timezone)
    wish = parse_when(said, ctx.language, ctx.now.astimezone(tz).date())
    if wish is None or (wish.earliest and not (wish.has_day or wish.has_window or wish.at)):
        return wish
    current = appointment.starts_at.astimezone(tz).date()
    if wish.first_day == wish.last_day == current and not wish.at:
        return None  # "my appointment on Monday": where it is, not where it goes
    return wish


def resume(ctx: FlowContext, step_id: str, step: ManageBookingStep,
           event: Event) -> str | None:
    if not isinstance(event, BookingAnswer):
        raise unexpected(step_id, event)
    moving = slots.own_appointment(ctx, event.appointment_id)
    if event.stage == "manage":
        digits = event.digits
        if event.said is not None and not digits:
            digits = slots.said_key(ctx, "manage", event.said) or slots.WORDS
        return on_choice(ctx, step_id, step, moving, digits=digits, attempt=event.attempt)
    return slots.resume_slots(ctx, step_id, step, event, moving)


KIND = StepKind("manage_booking", ManageBookingStep, render, slots.exits, resume)
