"""`book`: offer the first free slots of the next open day, let the caller pick one by
keypad (9: another day) or by voice ("the second one", "Thursday at two thirty",
« demain matin », "the earliest you have"), confirm, book, then record the caller's name.

The dialogue's state (what was offered, which slot is being confirmed, which appointment
is being moved) travels in the callback URLs, which Twilio signs. Booking re-checks the
slot and relies on the database's slot claims, so a caller who loses a race is told and
offered the next free times. `manage_booking` reuses the offer and confirm stages to move
an appointment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from receptionist.appointments import service as appointments
from receptionist.appointments.availability import epoch, from_epoch
from receptionist.appointments.models import Agenda, Appointment
from receptionist.appointments.spoken import spoken_day, spoken_slot, spoken_time
from receptionist.call_flows.actions import Callback, Gather, Record, Redirect
from receptionist.call_flows.booking_phrases import booking_phrase, voice_choices
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer, Event
from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.meaning import yes_or_no
from receptionist.call_flows.phrases import phrase
from receptionist.call_flows.schema import BookStep, ManageBookingStep
from receptionist.call_flows.step_kind import Exit, FlowError, StepKind, unexpected
from receptionist.understanding.phrase_match import match_intent
from receptionist.understanding.when import TimeWish, parse_when

OTHER_DAY = "9"
RETRIES = 2
NAME_SECONDS = 6


def _agenda(ctx: FlowContext, slug: str) -> Agenda | None:
    assert ctx.call.tenant_id is not None
    return appointments.get_agenda(ctx.session, tenant_id=ctx.call.tenant_id, slug=slug)


def _local(agenda: Agenda, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(agenda.timezone))


def render(ctx: FlowContext, step_id: str, step: BookStep) -> str | None:
    agenda = _agenda(ctx, step.agenda)
    if agenda is None:
        ctx.log("booking_unavailable", step_id, f"no agenda {step.agenda!r}: fallback")
        return step.fallback
    slots = appointments.first_day_with_slots(ctx.session, agenda, now=ctx.now)
    if not slots:
        ctx.log("no_slot", step_id, f"agenda {agenda.slug} is full: fallback")
        ctx.say(booking_phrase("no_slot", ctx.language))
        return step.fallback
    offer(ctx, step_id, step, agenda, slots)
    return None


def offer(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep, agenda: Agenda,
          slots: list[datetime], *, attempt: int = 0, moving: int | None = None,
          preface: str | None = None) -> None:
    seq = ctx.wait_here(step_id)
    query: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": "offer",
                                "slots": ",".join(str(epoch(s)) for s in slots),
                                "attempt": attempt}
    if moving is not None:
        query["appointment"] = moving
    gather = Gather(Callback.to("book", **query), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    first = _local(agenda, slots[0])
    parts = [booking_phrase("offer_intro", ctx.language, day=spoken_day(first, ctx.language))]
    parts += [booking_phrase("offer_item", ctx.language,
                             time=spoken_time(_local(agenda, slot), ctx.language),
                             digit=str(index + 1)) for index, slot in enumerate(slots)]
    parts.append(booking_phrase("offer_other_day", ctx.language))
    ctx.say(" ".join(parts), into=gather)
    ctx.do(gather)
    listen_for(ctx, query, voice_choices("offer", ctx.language, offered=len(slots)),
               times=True)
    ctx.log("offer", step_id, ", ".join(_local(agenda, s).strftime("%a %d %H:%M")
                                        for s in slots))


def confirm(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
            agenda: Agenda, slot: datetime, *, attempt: int = 0, moving: int | None = None,
            preface: str | None = None) -> None:
    seq = ctx.wait_here(step_id)
    query: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": "confirm",
                                "slot": epoch(slot), "attempt": attempt}
    if moving is not None:
        query["appointment"] = moving
    gather = Gather(Callback.to("book", **query), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(booking_phrase("confirm", ctx.language,
                           when=spoken_slot(_local(agenda, slot), ctx.language)), into=gather)
    ctx.do(gather)
    listen_for(ctx, query, voice_choices("confirm", ctx.language))


def listen_for(ctx: FlowContext, query: dict[str, str | int],
               keys: dict[str, list[str]], *, times: bool = False) -> None:
    """Let speech answer this prompt: a phrase stands for its key, sent to the prompt's
    own callback as if pressed (call_flows.listening); `times`: a day or time too."""
    ctx.listen(ListenFor(answer="key", route="book", query=tuple(query.items()), times=times,
                         options=_options(keys)))


def _options(keys: dict[str, list[str]]) -> tuple[SpokenOption, ...]:
    return tuple(SpokenOption(intent=f"key{digit}", digit=digit, phrases=tuple(phrases))
                 for digit, phrases in keys.items())


def said_key(ctx: FlowContext, stage: str, said: str, *, offered: int = 0) -> str:
    """The key a caller's words stand for at a booking prompt ("" when none): the
    prompt's key phrases ("the second one", "another day", "cancel it"), or, at a
    confirmation, a yes or a no."""
    match = match_intent(said, _options(voice_choices(stage, ctx.language, offered=offered)),
                         ctx.language)
    if match.choice is not None and match.choice.digit is not None:
        return match.choice.digit
    if stage == "confirm":
        answer = yes_or_no(ctx.script, said)
        if answer is not None:
            return "1" if answer else "2"
    return ""


def slots_for_wish(ctx: FlowContext, agenda: Agenda, wish: TimeWish, *,
                   moving: int | None, count: int = 3) -> list[datetime]:
    """The free slots that fit what the caller asked for, on the first day that has any:
    the asked time first if free, else those nearest to it."""
    if wish.earliest and wish.first_day is None and wish.after is None:
        return appointments.first_day_with_slots(ctx.session, agenda, now=ctx.now,
                                                 ignore=moving, count=count)
    tz = ZoneInfo(agenda.timezone)
    start = ctx.now
    if wish.first_day is not None:
        start = max(start, datetime.combine(wish.first_day, datetime.min.time(), tz))
    end = ctx.now + timedelta(days=agenda.horizon_days)
    if wish.last_day is not None:
        end = min(end, datetime.combine(wish.last_day + timedelta(days=1),
                                        datetime.min.time(), tz))
    if start >= end:
        return []
    fitting = [slot for slot in appointments.available(ctx.session, agenda, now=ctx.now,
                                                       start=start, end=end, ignore=moving)
               if wish.fits(_local(agenda, slot).date(), _local(agenda, slot).time())]
    if not fitting:
        return []
    first_day = _local(agenda, fitting[0]).date()
    day = [slot for slot in fitting if _local(agenda, slot).date() == first_day]
    if wish.at is None:
        return day[:count]
    asked = datetime.combine(first_day, wish.at, tz)
    exact = [slot for slot in day if slot == asked]
    if exact:
        return exact
    nearest = sorted(day, key=lambda slot: (abs((slot - asked).total_seconds()), slot))
    return sorted(nearest[:count])


def on_time_wish(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
                 agenda: Agenda, *, wish: TimeWish, said: str, moving: int | None
                 ) -> str | None:
    """The caller named a day or time at the offer: offer what fits (or confirm the very
    slot they asked for when it is free)."""
    slots = slots_for_wish(ctx, agenda, wish, moving=moving)
    ctx.log("time_asked", step_id, f"heard={said[:200]!r} found={len(slots)}")
    if len(slots) == 1 and wish.at is not None:
        confirm(ctx, step_id, step, agenda, slots[0], moving=moving)
        return None
    if slots:
        offer(ctx, step_id, step, agenda, slots, moving=moving)
        return None
    return _offer_again(ctx, step_id, step, agenda, moving=moving,
                        preface=booking_phrase("no_fit", ctx.language))


def _retry_preface(ctx: FlowContext, digits: str) -> str:
    return phrase("invalid_choice" if digits else "no_input", ctx.language)


def on_offer(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
             agenda: Agenda, *, slots: list[datetime], digits: str, attempt: int,
             moving: int | None) -> str | None:
    if digits.isdigit() and 1 <= int(digits) <= len(slots):
        chosen = slots[int(digits) - 1]
        ctx.log("slot_chosen", step_id, f"{_local(agenda, chosen):%a %d %H:%M} digit={digits}")
        confirm(ctx, step_id, step, agenda, chosen, moving=moving)
        return None
    if digits == OTHER_DAY:
        later = appointments.first_day_with_slots(ctx.session, agenda, now=ctx.now,
                                                  after=slots[-1], ignore=moving)
        if later:
            ctx.log("other_day", step_id)
            offer(ctx, step_id, step, agenda, later, moving=moving)
            return None
        ctx.log("no_other_day", step_id)
        return _offer_again(ctx, step_id, step, agenda, moving=moving,
                            preface=booking_phrase("no_other_day", ctx.language))
    ctx.log("invalid_key" if digits else "no_input", step_id, f"digit={digits}")
    if attempt >= RETRIES:
        ctx.log("no_match", step_id, f"after {attempt + 1} attempts")
        return step.fallback
    fresh = appointments.first_day_with_slots(ctx.session, agenda, now=ctx.now, ignore=moving)
    if not fresh:
        return _no_slot(ctx, step_id, step)
    offer(ctx, step_id, step, agenda, fresh, attempt=attempt + 1, moving=moving,
          preface=_retry_preface(ctx, digits))
    return None


def _offer_again(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
                 agenda: Agenda, *, moving: int | None, preface: str) -> str | None:
    slots = appointments.first_day_with_slots(ctx.session, agenda, now=ctx.now, ignore=moving)
    if not slots:
        return _no_slot(ctx, step_id, step)
    offer(ctx, step_id, step, agenda, slots, moving=moving, preface=preface)
    return None


def _no_slot(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep) -> str:
    ctx.log("no_slot", step_id, "fallback")
    ctx.say(booking_phrase("no_slot", ctx.language))
    return step.fallback


def on_confirm(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
               agenda: Agenda, *, slot: datetime, digits: str, attempt: int,
               moving: Appointment | None) -> str | None:
    moving_id = moving.id if moving is not None else None
    if digits == "2":
        ctx.log("slot_declined", step_id)
        return _offer_again(ctx, step_id, step, agenda, moving=moving_id, preface="")
    if digits != "1":
        ctx.log("invalid_key" if digits else "no_input", step_id, f"digit={digits}")
        if attempt >= RETRIES:
            ctx.log("no_match", step_id, f"after {attempt + 1} attempts")
            return step.fallback
        confirm(ctx, step_id, step, agenda, slot, attempt=attempt + 1, moving=moving_id,
                preface=_retry_preface(ctx, digits))
        return None
    try:
        if moving is not None:
            appointment = appointments.move(ctx.session, appointment=moving, agenda=agenda,
                                            starts_at=slot, now=ctx.now,
                                            sms_sender=ctx.call.to_number, savepoint=True)
        else:
            appointment = appointments.book(
                ctx.session, agenda=agenda, starts_at=slot, now=ctx.now,
                caller_number=ctx.call.from_number, language=ctx.language,
                source="phone", call_sid=ctx.call.call_sid, sms_sender=ctx.call.to_number,
                savepoint=True)
    except appointments.BookingError as exc:
        ctx.log("slot_taken", step_id, str(exc))
        return _offer_again(ctx, step_id, step, agenda, moving=moving_id,
                            preface=booking_phrase("taken", ctx.language))
    when = spoken_slot(_local(agenda, appointment.starts_at), ctx.language)
    ctx.log("moved" if moving is not None else "booked", step_id,
            f"appointment {appointment.id} at {appointment.starts_at.isoformat()}")
    said = booking_phrase("moved" if moving is not None else "booked", ctx.language, when=when)
    if appointment.caller_number.startswith("+"):
        said += " " + booking_phrase("sms_follows", ctx.language)
    ctx.say(said)
    if isinstance(step, BookStep) and step.ask_name and moving is None:
        assert appointment.id is not None
        ask_name(ctx, step_id, appointment.id)
        return None
    return step.next


def ask_name(ctx: FlowContext, step_id: str, appointment_id: int) -> None:
    seq = ctx.wait_here(step_id)
    ctx.recording_notice(step_id)
    ctx.say(booking_phrase("ask_name", ctx.language))
    after = Callback.to("book", step=step_id, seq=seq, stage="name", appointment=appointment_id)
    ctx.do(Record(after, max_length=NAME_SECONDS, timeout=3, finish_on_key="#"))
    ctx.do(Redirect(after))  # said nothing: the provider skips the callback, comes here


def on_name(ctx: FlowContext, step_id: str, step: BookStep, *,
            appointment: Appointment | None, recording_url: str | None) -> str | None:
    if appointment is not None and recording_url:
        appointment.name_recording_url = recording_url
        appointment.name_status = "pending"  # transcribed by the worker (speech.names)
        appointment.name_next_at = None
        ctx.session.add(appointment)
        ctx.log("name_recorded", step_id, f"appointment {appointment.id}")
        ctx.say(booking_phrase("name_thanks", ctx.language))
    return step.next


def own_appointment(ctx: FlowContext, appointment_id: int | None) -> Appointment | None:
    if appointment_id is None or ctx.call.tenant_id is None:
        return None
    return appointments.get_appointment(ctx.session, tenant_id=ctx.call.tenant_id,
                                        appointment_id=appointment_id)


def agenda_for(ctx: FlowContext, step: BookStep | ManageBookingStep,
               moving: Appointment | None) -> Agenda | None:
    """The agenda a booking callback works on: the moved appointment's, or the step's."""
    if moving is not None:
        return ctx.session.get(Agenda, moving.agenda_id)
    return _agenda(ctx, step.agenda) if isinstance(step, BookStep) else None


def slots_of(query_slots: str) -> list[datetime]:
    return [from_epoch(int(s)) for s in query_slots.split(",") if s]


def resume(ctx: FlowContext, step_id: str, step: BookStep, event: Event) -> str | None:
    if not isinstance(event, BookingAnswer):
        raise unexpected(step_id, event)
    moving = own_appointment(ctx, event.appointment_id)
    if event.stage == "name":
        return on_name(ctx, step_id, step, appointment=moving, recording_url=event.recording_url)
    return resume_slots(ctx, step_id, step, event, moving)


def resume_slots(ctx: FlowContext, step_id: str, step: BookStep | ManageBookingStep,
                 event: BookingAnswer, moving: Appointment | None) -> str | None:
    """The offer and confirm stages, shared with `manage_booking` (moving a booking)."""
    if event.stage not in ("offer", "confirm"):
        raise FlowError(f"stage {event.stage!r} does not belong to step {step_id!r}")
    agenda = agenda_for(ctx, step, moving)
    if agenda is None:
        ctx.log("booking_unavailable", step_id, "agenda gone: fallback")
        return step.fallback
    moving_id = moving.id if moving is not None else None
    if event.stage == "offer":
        slots = slots_of(event.slots)
        digits = event.digits
        if event.said is not None and not digits:
            digits = said_key(ctx, "offer", event.said, offered=len(slots))
            today = ctx.now.astimezone(ZoneInfo(agenda.timezone)).date()
            wish = None if digits else parse_when(event.said, ctx.language, today)
            if wish is not None:
                return on_time_wish(ctx, step_id, step, agenda, wish=wish, said=event.said,
                                    moving=moving_id)
            digits = digits or "?"  # words that are no answer here: like a wrong key
        return on_offer(ctx, step_id, step, agenda, slots=slots, digits=digits,
                        attempt=event.attempt, moving=moving_id)
    if event.slot is None:
        raise FlowError("confirmation without a slot")
    digits = event.digits
    if event.said is not None and not digits:
        digits = said_key(ctx, "confirm", event.said) or "?"
    return on_confirm(ctx, step_id, step, agenda, slot=from_epoch(event.slot),
                      digits=digits, attempt=event.attempt, moving=moving)


def exits(step: BookStep | ManageBookingStep) -> list[Exit]:
    return [*([Exit("next", step.next, ("next",))] if step.next else []),
            Exit("fallback", step.fallback, ("fallback",), instant=True)]


KIND = StepKind("book", BookStep, render, exits, resume)
