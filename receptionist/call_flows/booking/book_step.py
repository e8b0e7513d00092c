"""`book`: find what the caller wants to book, then offer, confirm and book it
(`call_flows/booking/slots.py`), then record the caller's name.

When the script declares appointment types and practitioners (`booking`), the step first
asks which type and with whom ("anyone": whoever is free first), unless the step fixes
them, there is one, or the words that brought the caller here already said so ("a
cleaning with Dr Martin next week"). The owner's rules apply before anything is offered
(known callers only, a type not booked by phone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

from receptionist.appointments import lookups
from receptionist.appointments.models import Appointment, NameStatus
from receptionist.call_flows import announce
from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.booking import choice
from receptionist.call_flows.booking.choice import ANYONE, Want
from receptionist.call_flows.booking.slots import (
    RETRIES,
    WORDS,
    exits,
    listen_for,
    offer_again,
    on_time_wish,
    own_appointment,
    plan_for,
    resume_slots,
    retry_preface,
)
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, Event
from receptionist.call_flows.meaning import script_model, target_for, thresholds
from receptionist.call_flows.schema import BookStep
from receptionist.call_flows.step_kind import StepKind, unexpected
from receptionist.calls.events import SPOKEN, EventFields, EventKind, Reason
from receptionist.contacts import service as contacts
from receptionist.i18n import gettext
from receptionist.understanding.bands import understand
from receptionist.understanding.when import TimeWish, parse_when

# What a caller may ask for instead of answering "What kind of appointment?" or "Who would
# you like to see?" ("no, I want to cancel my appointment", "can I just leave a message"):
# the main menu's choice for it is taken when the model is sure.
OTHER_REQUESTS = ("manage_booking", "message", "transfer", "urgent")


def _routing_words(ctx: FlowContext) -> str:
    """The words that brought the caller to this step, when a menu understood them just
    now ("a cleaning with Dr Martin next week"): they may already say what to book."""
    choices = [e for e in ctx.events if e.kind == EventKind.choice]
    if not choices or choices[-1].fields.via not in SPOKEN:
        return ""
    return announce.reason(ctx).said


def render(ctx: FlowContext, step_id: str, step: BookStep) -> str | None:
    if ctx.script.booking.known_callers_only and not _known(ctx):
        ctx.log(EventKind.booking_refused, step_id, EventFields(reason=Reason.unknown_caller))
        ctx.say(gettext(ctx.language, "booking.known_only"))
        return step.fallback
    words = _routing_words(ctx)
    script, language = ctx.script, ctx.language
    kind_id = step.type or (next(iter(script.booking.types)) if len(script.booking.types) == 1
                            else choice.type_in(script, words, language)) or ""
    who = step.practitioner or choice.who_in(script, choice.offering(script, kind_id), words,
                                             language) or ""
    if words and (kind_id or who):
        ctx.log(EventKind.booking_wish, step_id,
                EventFields(type=kind_id or None, who=who or None))
    return proceed(ctx, step_id, step, Want(kind_id, who), words,
                   _wish_in(ctx, step, words, None))


def _known(ctx: FlowContext) -> bool:
    """A contact of the business, or a caller who booked with it before."""
    assert ctx.call.tenant_id is not None
    number = ctx.call.from_number
    if contacts.is_anonymous(number):
        return False
    listing = contacts.standing(ctx.session, tenant_id=ctx.call.tenant_id, number=number)
    return listing.contact is not None or lookups.has_booked(
        ctx.session, tenant_id=ctx.call.tenant_id, caller_number=number)


def _wish_in(ctx: FlowContext, step: BookStep, words: str, kept: TimeWish | None
             ) -> TimeWish | None:
    """The day and time in the caller's words, completed by what they asked before
    ("tomorrow afternoon" at the menu, then "a cleaning": tomorrow afternoon is kept)."""
    if not words:
        return kept
    today = ctx.now.astimezone(ZoneInfo(ctx.script.timezone)).date()
    wish = parse_when(words, ctx.language, today)
    return kept if wish is None else wish.merged_into(kept)


def _kept(wish: TimeWish | None) -> dict[str, str | int]:
    encoded = wish.encode() if wish is not None else ""  # an exact time too: not offered yet
    return {"wish": encoded} if encoded else {}


def proceed(ctx: FlowContext, step_id: str, step: BookStep, want: Want, words: str = "",
            wish: TimeWish | None = None) -> str | None:
    """Ask what is still unknown (the type, then the practitioner), then offer (within
    the day and time the caller asked for, kept across these questions: `wish`)."""
    booking = ctx.script.booking
    if want.type not in booking.types:  # none chosen yet, or the script changed meanwhile
        want = replace(want, type="")
        if booking.types:
            ask_type(ctx, step_id, step, wish=wish, who=want.who)
            return None
    if want.type and not booking.types[want.type].by_phone:
        kind = booking.types[want.type]
        ctx.log(EventKind.booking_refused, step_id,
                EventFields(reason=Reason.not_by_phone, type=want.type))
        ctx.say(kind.instead or gettext(ctx.language, "booking.not_by_phone", what=kind.name))
        return step.fallback
    offering = choice.offering(ctx.script, want.type)
    if booking.practitioners and want.who != ANYONE and want.who not in offering:
        if len(offering) != 1:
            ask_who(ctx, step_id, step, want, wish=wish)
            return None
        want = replace(want, who=offering[0])
    plan = plan_for(ctx, step, want)
    if not plan.agendas:
        ctx.log(EventKind.booking_unavailable, step_id, EventFields(
            reason=Reason.no_agenda, type=want.type or None, who=want.who or None))
        return step.fallback
    if wish is not None:
        return on_time_wish(ctx, step_id, step, plan, wish=wish, said=words)
    return offer_again(ctx, step_id, step, plan, preface="")


def _ask(ctx: FlowContext, step_id: str, step: BookStep, stage: str, query: dict[str, str | int],
         parts: list[str], keys: dict[str, list[str]], preface: str) -> None:
    seq = ctx.wait_here(step_id)
    full: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": stage, **query}
    gather = Gather(Callback.to("book", **full), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(" ".join(parts), into=gather)
    ctx.do(gather)
    # "A cleaning with Sam Lee on Friday": the step reads it all (the day, whom), and a
    # change of course ("actually, I'd like to cancel my appointment").
    listen_for(ctx, full, keys, whole=True, any_words=True)


def ask_type(ctx: FlowContext, step_id: str, step: BookStep, *, attempt: int = 0,
             preface: str = "", wish: TimeWish | None = None, who: str = "") -> None:
    """"What kind of appointment?"; `who`, a practitioner already named ("I want to see
    Dr Martin"), is kept for after the answer."""
    types = ctx.script.booking.types
    parts = [gettext(ctx.language, "booking.ask_type")]
    parts += [gettext(ctx.language, "booking.type_item", name=types[tid].name, digit=digit)
              for digit, tid in choice.type_keys(ctx.script).items()]
    _ask(ctx, step_id, step, "type", {**Want("", who).query(), "attempt": attempt,
                                      **_kept(wish)}, parts,
         choice.type_words(ctx.script), preface)
    ctx.log(EventKind.ask_type, step_id)


def ask_who(ctx: FlowContext, step_id: str, step: BookStep, want: Want, *, attempt: int = 0,
            preface: str = "", wish: TimeWish | None = None) -> None:
    ids = choice.offering(ctx.script, want.type)
    people = ctx.script.booking.practitioners
    parts = [gettext(ctx.language, "booking.ask_who")]
    parts += [gettext(ctx.language, "booking.who_item", name=people[pid].name, digit=digit)
              for digit, pid in choice.who_keys(ctx.script, ids).items() if pid != ANYONE]
    parts.append(gettext(ctx.language, "booking.who_anyone"))
    _ask(ctx, step_id, step, "who", {**Want(want.type).query(), "attempt": attempt,
                                     **_kept(wish)}, parts,
         choice.who_words(ctx.script, ids, ctx.language), preface)
    ctx.log(EventKind.ask_who, step_id, EventFields(type=want.type or None))


def on_type(ctx: FlowContext, step_id: str, step: BookStep, event: BookingAnswer
            ) -> str | None:
    script, language = ctx.script, ctx.language
    said = event.said or ""
    kept = TimeWish.decode(event.wish)
    if not script.booking.types:  # the script changed during the call
        return proceed(ctx, step_id, step, Want("", step.practitioner or ""), said,
                       _wish_in(ctx, step, said, kept))
    kind_id = choice.type_keys(script).get(event.digits) if event.digits else (
        choice.type_in(script, said, language))
    if kind_id is None:
        return _ask_again(ctx, step_id, step, event, lambda attempt, preface: ask_type(
            ctx, step_id, step, attempt=attempt, preface=preface, wish=kept, who=event.who))
    ctx.log(EventKind.type_chosen, step_id, EventFields(
        type=kind_id, digit=event.digits or None, heard=None if event.digits else said[:200]))
    # "A cleaning with Dr Martin on Friday" answers the next questions too; a practitioner
    # named before the question ("I want to see Dr Martin") is kept.
    who = step.practitioner or choice.who_in(script, choice.offering(script, kind_id), said,
                                             language) or event.who
    return proceed(ctx, step_id, step, Want(kind_id, who), said,
                   _wish_in(ctx, step, said, kept))


def on_who(ctx: FlowContext, step_id: str, step: BookStep, event: BookingAnswer
           ) -> str | None:
    script, said = ctx.script, event.said or ""
    kept = TimeWish.decode(event.wish)
    if not script.booking.practitioners:  # the script changed during the call
        return proceed(ctx, step_id, step, Want(event.type), said,
                       _wish_in(ctx, step, said, kept))
    ids = choice.offering(script, event.type)
    who = choice.who_keys(script, ids).get(event.digits) if event.digits else (
        choice.who_in(script, ids, said, ctx.language))
    want = Want(event.type)
    if who is None:
        return _ask_again(ctx, step_id, step, event, lambda attempt, preface: ask_who(
            ctx, step_id, step, want, attempt=attempt, preface=preface, wish=kept))
    ctx.log(EventKind.who_chosen, step_id, EventFields(
        who=who, digit=event.digits or None, heard=None if event.digits else said[:200]))
    return proceed(ctx, step_id, step, replace(want, who=who), said,
                   _wish_in(ctx, step, said, kept))


def _ask_again(ctx: FlowContext, step_id: str, step: BookStep, event: BookingAnswer,
               ask: Callable[[int, str], None]) -> str | None:
    elsewhere = _other_request(ctx, step_id, event.said) if not event.digits else None
    if elsewhere is not None:
        return elsewhere
    ctx.log(EventKind.invalid_key if event.digits or event.said else EventKind.no_input,
            step_id, EventFields(digit=event.digits))
    if event.attempt >= RETRIES:
        ctx.log(EventKind.no_match, step_id, EventFields(attempt=event.attempt + 1))
        return step.fallback
    ask(event.attempt + 1, retry_preface(ctx, event.digits or (WORDS if event.said else "")))
    return None


def _other_request(ctx: FlowContext, step_id: str, said: str | None) -> str | None:
    """The step of the main menu's choice for what the caller asks instead of answering
    (OTHER_REQUESTS, understood in the route band), or None: they are asked again."""
    script = ctx.script
    menu = script.main_menu_step()
    if menu is None or not said or not said.strip():
        return None
    understood = understand(script_model(script), said, thresholds(script))
    if understood.band != "route" or understood.intent not in OTHER_REQUESTS:
        return None
    target = target_for(script, menu, understood.intent)
    if target is None or target.kind != "choice" or target.choice is None:
        return None
    ctx.log(EventKind.understood, step_id, EventFields(
        heard=said[:200], band=understood.band, intent=understood.intent,
        confidence=round(understood.confidence, 4)))
    ctx.log(EventKind.choice, step_id, EventFields(intent=understood.intent, via="speech"))
    return target.choice.goto


def on_name(ctx: FlowContext, step_id: str, step: BookStep, *,
            appointment: Appointment | None, recording_url: str | None) -> str | None:
    if appointment is not None and recording_url:
        appointment.name_recording_url = recording_url
        appointment.name_status = NameStatus.pending  # transcribed by the worker (spoken_names)
        appointment.name_next_at = None
        ctx.session.add(appointment)
        ctx.log(EventKind.name_recorded, step_id, EventFields(appointment=appointment.id))
        ctx.say(gettext(ctx.language, "booking.name_thanks"))
    return step.next


def resume(ctx: FlowContext, step_id: str, step: BookStep, event: Event) -> str | None:
    if not isinstance(event, BookingAnswer):
        raise unexpected(step_id, event)
    moving = own_appointment(ctx, event.appointment_id)
    if event.stage == "name":
        return on_name(ctx, step_id, step, appointment=moving, recording_url=event.recording_url)
    if event.stage == "type":
        return on_type(ctx, step_id, step, event)
    if event.stage == "who":
        return on_who(ctx, step_id, step, event)
    return resume_slots(ctx, step_id, step, event, moving)


KIND = StepKind("book", BookStep, render, exits, resume)
