"""The booking dialogue's offer and confirm stages, shared by `book` and `manage_booking`
(moving a booking): offer the first free times of the next open day (9: another day), take
a key or words ("the second one", "Thursday at two thirty", « demain matin », "the
earliest you have"), confirm, book or move, then (`book`) record the caller's name.

What is being booked travels as a `Plan` (the type, with whom, whose agendas, what it
occupies, the appointment being moved); its state between webhooks travels in the
callback URLs, which Twilio signs. Booking re-checks the slot and relies on the
database's slot claims, so a caller who loses a race is told and offered the next free
times. The owner's limit of bookings per caller per day is checked at the confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from receptionist.appointments import agendas, booking, free_times, lookups
from receptionist.appointments.availability import epoch, from_epoch
from receptionist.appointments.free_times import Kind
from receptionist.appointments.models import Agenda, Appointment
from receptionist.appointments.spoken import spoken_day, spoken_slot, spoken_time
from receptionist.call_flows.actions import Callback, Gather, Record, Redirect
from receptionist.call_flows.booking import choice
from receptionist.call_flows.booking.choice import ANYONE, Want
from receptionist.call_flows.booking.phrases import heard_words, says_done, voice_choices
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import BookingAnswer
from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.meaning import yes_or_no
from receptionist.call_flows.schema import BookStep, ManageBookingStep
from receptionist.call_flows.step_kind import Exit, FlowError
from receptionist.calls.events import EventFields, EventKind, Reason, SlotOffered
from receptionist.i18n import format_list, gettext
from receptionist.understanding.phrase_match import match_intent, normalize
from receptionist.understanding.when import TimeWish, parse_when

OTHER_DAY = "9"
RETRIES = 2
NAME_SECONDS = 6
AnyStep = BookStep | ManageBookingStep
Offered = list[tuple[datetime, Agenda]]


@dataclass(frozen=True)
class Plan:
    """One webhook's view of the booking: what is wanted, whose agendas serve it, what a
    booking occupies (None: the agenda's own slot), the appointment being moved, and the
    days and part of the day the caller asked for (kept across the dialogue's turns: a
    new offer never silently falls back to today or the first free day)."""

    want: Want
    agendas: list[Agenda]
    kind: Kind | None
    moving: Appointment | None = None
    wish: TimeWish | None = None

    @property
    def moving_id(self) -> int | None:
        return self.moving.id if self.moving is not None else None

    def query(self) -> dict[str, str | int]:
        extra = dict(self.want.query())
        if self.moving is not None and self.moving.id is not None:
            extra["appointment"] = self.moving.id
        if self.wish is not None and (kept := self.wish.encode()):
            extra["wish"] = kept
        return extra


def agenda_named(ctx: FlowContext, slug: str) -> Agenda | None:
    assert ctx.call.tenant_id is not None
    return agendas.get_agenda(ctx.session, tenant_id=ctx.call.tenant_id, slug=slug)


def _local(agenda: Agenda, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(agenda.timezone))


def plan_for(ctx: FlowContext, step: AnyStep, want: Want) -> Plan:
    agendas = [found for slug in choice.agenda_slugs(ctx.script, step, want)
               if (found := agenda_named(ctx, slug)) is not None]
    return Plan(want, agendas, choice.kind(ctx.script, want.type))


def plan_for_move(ctx: FlowContext, appointment: Appointment) -> Plan | None:
    """Moving keeps the appointment's practitioner, type, length and buffer."""
    agenda = ctx.session.get(Agenda, appointment.agenda_id)
    if agenda is None:
        return None
    kind = Kind.of_appointment(appointment) if appointment.appointment_type else None
    return Plan(Want(), [agenda], kind, appointment)


def offer(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, offered: Offered, *,
          attempt: int = 0, preface: str | None = None) -> None:
    seq = ctx.wait_here(step_id)
    query: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": "offer",
                                   "slots": ",".join(str(epoch(s)) for s, _ in offered),
                                   "attempt": attempt, **plan.query()}
    if plan.want.who:
        query["seats"] = ",".join(agenda.slug for _, agenda in offered)
    gather = Gather(Callback.to("book", **query), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    first_slot, first_agenda = offered[0]
    name_each = plan.want.who == ANYONE and len({a.slug for _, a in offered}) > 1
    parts = [gettext(ctx.language, "booking.offer_intro",
                     day=spoken_day(_local(first_agenda, first_slot), ctx.language))]
    for index, (slot, agenda) in enumerate(offered):
        time = spoken_time(_local(agenda, slot), ctx.language)
        if name_each:
            parts.append(gettext(ctx.language, "booking.offer_item_with", time=time,
                                 who=choice.who_name(ctx.script, agenda.slug),
                                 digit=str(index + 1)))
        else:
            parts.append(gettext(ctx.language, "booking.offer_item", time=time,
                                 digit=str(index + 1)))
    parts.append(gettext(ctx.language, "booking.offer_other_day"))
    ctx.say(" ".join(parts), into=gather, personal=True)
    ctx.do(gather)
    listen_for(ctx, query, voice_choices("offer", ctx.language, offered=len(offered)),
               times=True, words=(*heard_words("offer", ctx.language),
                                  *_names_heard(ctx, step, plan)))
    ctx.log(EventKind.offer, step_id, EventFields(offered=tuple(
        SlotOffered(at=_local(agenda, s), agenda=agenda.slug if plan.want.who else None)
        for s, agenda in offered)))


def _names_heard(ctx: FlowContext, step: AnyStep, plan: Plan) -> tuple[str, ...]:
    """The practitioners' names (normalized) a live caller may say at an offer or a
    confirmation to change whom they see (`other_practitioner`): sent to the step."""
    script = ctx.script
    if plan.moving is not None or not isinstance(step, BookStep) or step.practitioner or (
            not script.booking.practitioners):
        return ()
    words = choice.who_words(script, choice.offering(script, plan.want.type), ctx.language)
    return tuple(dict.fromkeys(" ".join(normalize(phrase)) for key, phrases in words.items()
                               if key != choice.ANYONE_KEY
                               for phrase in phrases if normalize(phrase)))


def _what(ctx: FlowContext, plan: Plan, agenda: Agenda) -> str:
    """What is booked, as said ("a cleaning with Dr Martin"); "" for a plain slot."""
    script, language = ctx.script, ctx.language
    kind_name = choice.type_name(script, plan.kind.type_id) if plan.kind is not None else ""
    who = choice.who_name(script, agenda.slug) if script.booking.practitioners else ""
    if kind_name and who:
        return gettext(language, "booking.what_with", what=kind_name, who=who)
    if who:
        return gettext(language, "booking.appointment_with", who=who)
    return kind_name


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def confirm(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, slot: datetime,
            agenda: Agenda, *, attempt: int = 0, preface: str | None = None) -> None:
    seq = ctx.wait_here(step_id)
    query: dict[str, str | int] = {"step": step_id, "seq": seq, "stage": "confirm",
                                   "slot": epoch(slot), "attempt": attempt, **plan.query()}
    if plan.want.who:
        query["seat"] = agenda.slug
    gather = Gather(Callback.to("book", **query), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    when = spoken_slot(_local(agenda, slot), ctx.language)
    what = _what(ctx, plan, agenda) if plan.moving is None else ""
    if what:
        ctx.say(gettext(ctx.language, "booking.confirm_what", what=_capital(what), when=when),
                into=gather, personal=True)
    else:
        ctx.say(gettext(ctx.language, "booking.confirm", when=when), into=gather, personal=True)
    ctx.do(gather)
    # "No, Thursday would be better": the whole answer, the correction with the no.
    listen_for(ctx, query, voice_choices("confirm", ctx.language), times=True, whole=True,
               words=(*heard_words("confirm", ctx.language), *_names_heard(ctx, step, plan)),
               late=("2",))


def listen_for(ctx: FlowContext, query: dict[str, str | int],
               keys: dict[str, list[str]], *, times: bool = False,
               words: tuple[str, ...] = (), whole: bool = False,
               any_words: bool = False, late: tuple[str, ...] = ()) -> None:
    """Let speech answer this prompt: a phrase stands for its key, sent to the prompt's
    own callback as if pressed (call_flows.listening); `times`: a day or time too;
    `whole`: the step reads the whole utterance (sent as words, a key's phrase and what
    comes with it); `any_words`: other words are sent too; `late`: keys whose phrases
    wait for the end of the utterance."""
    ctx.listen(ListenFor(answer="key", route="book", query=tuple(query.items()), times=times,
                         options=_options(keys), words=words, whole=whole,
                         any_words=any_words, late=late))


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


def first_offer(ctx: FlowContext, plan: Plan, *, after: datetime | None = None) -> Offered:
    """The first free times (on the first day after the day of `after`); within the
    caller's kept wish when there is one ("tomorrow afternoon")."""
    if plan.wish is not None and (plan.wish.has_day or plan.wish.has_window):
        wish = plan.wish
        since = None
        if after is not None:  # another day: the same part of the day, on a later day
            wish = TimeWish(after=wish.after, before=wish.before)
            since = free_times.day_bounds(plan.agendas[0], after)[1]
        return slots_for_wish(ctx, plan, wish, since=since)
    return free_times.first_day_among(ctx.session, plan.agendas, now=ctx.now, after=after,
                                      ignore=plan.moving_id, kind=plan.kind)


def slots_for_wish(ctx: FlowContext, plan: Plan, wish: TimeWish, *, count: int = 3,
                   since: datetime | None = None) -> Offered:
    """The free slots that fit what the caller asked for, on the first day that has any
    (from `since` on): the asked time first if free, else those nearest to it."""
    if wish.earliest and wish.first_day is None and wish.after is None and since is None:
        return first_offer(ctx, replace(plan, wish=None))
    agenda = plan.agendas[0]
    tz = ZoneInfo(agenda.timezone)
    start = ctx.now if since is None else max(ctx.now, since)
    if wish.first_day is not None:
        start = max(start, datetime.combine(wish.first_day, datetime.min.time(), tz))
    horizon = max(free_times.rules_of(a, plan.kind).horizon_s for a in plan.agendas)
    end = ctx.now + timedelta(seconds=horizon)
    if wish.last_day is not None:
        end = min(end, datetime.combine(wish.last_day + timedelta(days=1),
                                        datetime.min.time(), tz))
    if start >= end:
        return []
    fitting = [(slot, where) for slot, where in free_times.available_among(
        ctx.session, plan.agendas, now=ctx.now, start=start, end=end, ignore=plan.moving_id,
        kind=plan.kind) if wish.fits(_local(where, slot).date(), _local(where, slot).time())]
    if not fitting:
        return []
    first_day = _local(agenda, fitting[0][0]).date()
    day = [pair for pair in fitting if _local(agenda, pair[0]).date() == first_day]
    if wish.at is None:
        return day[:count]
    asked = datetime.combine(first_day, wish.at, tz)
    exact = [pair for pair in day if pair[0] == asked]
    if exact:
        return exact[:1]
    nearest = sorted(day, key=lambda pair: (abs((pair[0] - asked).total_seconds()), pair[0]))
    return sorted(nearest[:count], key=lambda pair: pair[0])


def on_time_wish(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, *,
                 wish: TimeWish, said: str) -> str | None:
    """The caller named a day or time: offer what fits (or confirm the very slot they
    asked for when it is free). The days and part of the day are kept for the next
    turns; when nothing fits the caller is told so before the first free times."""
    offered = slots_for_wish(ctx, plan, wish)
    ctx.log(EventKind.time_asked, step_id, EventFields(heard=said[:200], found=len(offered)))
    kept = replace(plan, wish=wish.lasting())
    if len(offered) == 1 and wish.at is not None:
        confirm(ctx, step_id, step, kept, *offered[0])
        return None
    if offered:
        offer(ctx, step_id, step, kept, offered)
        return None
    return offer_again(ctx, step_id, step, replace(plan, wish=None),
                        preface=gettext(ctx.language, "booking.no_fit"))


def which_one(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan,
              offered: Offered) -> None:
    """A plain "yes" to several times: ask which one, never pick one for the caller."""
    ctx.log(EventKind.which_one, step_id)
    times = [spoken_time(_local(agenda, slot), ctx.language) for slot, agenda in offered]
    offer(ctx, step_id, step, plan, offered, preface=gettext(
        ctx.language, "booking.which_one", times=format_list(ctx.language, times, "or")))


def on_offer_words(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, *,
                   offered: Offered, said: str, attempt: int) -> str | None:
    """Words at an offer: a key's phrase ("the second one", "another day"), "no thanks"
    (nothing is booked), a day or time (a correction, "no, Thursday": what was asked
    before is completed, never forgotten; one of the offered times: chosen), a plain
    yes (one time offered: confirm it; several: which one?), a plain no (the next
    times that fit), or none of these (like a wrong key)."""
    digits = said_key(ctx, "offer", said, offered=len(offered))
    if digits:
        return on_offer(ctx, step_id, step, plan, offered=offered, digits=digits,
                        attempt=attempt)
    if says_done(said, ctx.language):
        return nothing_booked(ctx, step_id, step)
    today = ctx.now.astimezone(ZoneInfo(plan.agendas[0].timezone)).date()
    wish = parse_when(said, ctx.language, today)
    if wish is not None:
        if wish.at is not None and not wish.has_day:
            named = [(slot, agenda) for slot, agenda in offered
                     if _local(agenda, slot).time() == wish.at]
            if named:
                chosen, agenda = named[0]
                ctx.log(EventKind.slot_chosen, step_id,
                        EventFields(at=_local(agenda, chosen), heard=said[:200]))
                confirm(ctx, step_id, step, plan, chosen, agenda)
                return None
        return on_time_wish(ctx, step_id, step, plan, wish=wish.merged_into(plan.wish),
                            said=said)
    answer = yes_or_no(ctx.script, said)
    if answer is True:
        if len(offered) == 1:
            chosen, agenda = offered[0]
            ctx.log(EventKind.slot_chosen, step_id,
                    EventFields(at=_local(agenda, chosen), heard=said[:200]))
            confirm(ctx, step_id, step, plan, chosen, agenda)
            return None
        which_one(ctx, step_id, step, plan, offered)
        return None
    if answer is False:
        ctx.log(EventKind.slot_declined, step_id)
        later = _next_times(ctx, plan, offered)
        preface = gettext(ctx.language, "booking.what_suits")
        offer(ctx, step_id, step, plan, later or offered, preface=preface)
        return None
    return on_offer(ctx, step_id, step, plan, offered=offered, digits=WORDS, attempt=attempt)


def _next_times(ctx: FlowContext, plan: Plan, offered: Offered) -> Offered:
    """The free times after the last one offered, within the kept wish (the same day's
    later times first, then the next days')."""
    last = offered[-1][0]
    wish = plan.wish or TimeWish()
    later = slots_for_wish(ctx, plan, TimeWish(wish.first_day, wish.last_day, wish.after,
                                               wish.before),
                           since=last + timedelta(seconds=1))
    if later:
        return later
    return first_offer(ctx, plan, after=last)


def nothing_booked(ctx: FlowContext, step_id: str, step: AnyStep) -> str | None:
    """"No thanks", "that's all": end the booking dialogue politely, booking nothing."""
    ctx.log(EventKind.booking_declined, step_id)
    ctx.say(gettext(ctx.language, "booking.nothing_booked"))
    return step.next or step.fallback


# The "key" of words that stood for no key of the prompt: the caller said something
# that was not understood (not a wrong key, not silence).
WORDS = "?"


def retry_preface(ctx: FlowContext, digits: str) -> str:
    """What the caller hears before a booking question is asked again: a wrong key is
    "not a valid choice", words that answered nothing "I did not understand" (never
    "not a valid choice" to someone who spoke, nor "I did not hear anything" when the
    media stream heard words that answered nothing), nothing at all "I did not hear
    anything"."""
    if digits == WORDS or (not digits and ctx.spoke_unanswered()):
        return gettext(ctx.language, "call.not_understood")
    if digits:
        return gettext(ctx.language, "call.invalid_choice")
    return gettext(ctx.language, "call.no_input")


def on_offer(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, *, offered: Offered,
             digits: str, attempt: int) -> str | None:
    if digits.isdigit() and 1 <= int(digits) <= len(offered):
        chosen, agenda = offered[int(digits) - 1]
        ctx.log(EventKind.slot_chosen, step_id,
                EventFields(at=_local(agenda, chosen), digit=digits))
        confirm(ctx, step_id, step, plan, chosen, agenda)
        return None
    if digits == OTHER_DAY:
        later = first_offer(ctx, plan, after=offered[-1][0])
        if later:
            ctx.log(EventKind.other_day, step_id)
            offer(ctx, step_id, step, plan, later)
            return None
        ctx.log(EventKind.no_other_day, step_id)
        return offer_again(ctx, step_id, step, plan,
                            preface=gettext(ctx.language, "booking.no_other_day"))
    ctx.log(EventKind.invalid_key if digits else EventKind.no_input, step_id,
            EventFields(digit=digits))
    if attempt >= RETRIES:
        ctx.log(EventKind.no_match, step_id, EventFields(attempt=attempt + 1))
        return step.fallback
    fresh = first_offer(ctx, plan)
    if not fresh:
        return _no_slot(ctx, step_id, step)
    offer(ctx, step_id, step, plan, fresh, attempt=attempt + 1,
          preface=retry_preface(ctx, digits))
    return None


def offer_again(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, *,
                 preface: str, after: datetime | None = None) -> str | None:
    offered = first_offer(ctx, plan, after=after)
    if not offered:
        return _no_slot(ctx, step_id, step)
    offer(ctx, step_id, step, plan, offered, preface=preface)
    return None


def _no_slot(ctx: FlowContext, step_id: str, step: AnyStep) -> str:
    ctx.log(EventKind.no_slot, step_id)
    ctx.say(gettext(ctx.language, "booking.no_slot"))
    return step.fallback


def _over_day_limit(ctx: FlowContext, plan: Plan, agenda: Agenda, slot: datetime) -> bool:
    """The owner's limit of appointments per caller per day, on the slot's day."""
    limit = ctx.script.booking.max_per_caller_per_day
    number = ctx.call.from_number
    if limit is None or not number or ctx.call.tenant_id is None:
        return False
    start, end = free_times.day_bounds(agenda, slot)
    return lookups.bookings_on(ctx.session, tenant_id=ctx.call.tenant_id,
                               caller_number=number, start=start, end=end,
                               ignore=plan.moving_id) >= limit


def on_confirm(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan, *, slot: datetime,
               agenda: Agenda, digits: str, attempt: int) -> str | None:
    if digits == "2":
        ctx.log(EventKind.slot_declined, step_id)
        return offer_again(ctx, step_id, step, plan,
                            preface=gettext(ctx.language, "booking.what_suits"))
    if digits != "1":
        ctx.log(EventKind.invalid_key if digits else EventKind.no_input, step_id,
                EventFields(digit=digits))
        if attempt >= RETRIES:
            ctx.log(EventKind.no_match, step_id, EventFields(attempt=attempt + 1))
            return step.fallback
        confirm(ctx, step_id, step, plan, slot, agenda, attempt=attempt + 1,
                preface=retry_preface(ctx, digits))
        return None
    if _over_day_limit(ctx, plan, agenda, slot):
        ctx.log(EventKind.day_limit, step_id, EventFields(at=_local(agenda, slot)))
        return offer_again(ctx, step_id, step, plan, after=slot,
                            preface=gettext(ctx.language, "booking.day_limit"))
    try:
        if plan.moving is not None:
            appointment = booking.move(ctx.session, appointment=plan.moving, agenda=agenda,
                                       starts_at=slot, now=ctx.now,
                                       sms_sender=ctx.call.to_number, savepoint=True,
                                       by="phone")
        else:
            appointment = booking.book(
                ctx.session, agenda=agenda, starts_at=slot, now=ctx.now,
                caller_number=ctx.call.from_number, language=ctx.language,
                source="phone", call_sid=ctx.call.call_sid, sms_sender=ctx.call.to_number,
                savepoint=True, kind=plan.kind)
    except booking.BookingError as exc:
        ctx.log(EventKind.slot_taken, step_id, EventFields(note=str(exc)))
        return offer_again(ctx, step_id, step, plan,
                            preface=gettext(ctx.language, "booking.taken"))
    when = spoken_slot(_local(agenda, appointment.starts_at), ctx.language)
    ctx.log(EventKind.moved if plan.moving is not None else EventKind.booked, step_id,
            EventFields(appointment=appointment.id, at=appointment.starts_at,
                        agenda=agenda.slug if plan.want.who else None,
                        type=plan.kind.type_id if plan.kind is not None else None))
    what = _what(ctx, plan, agenda) if plan.moving is None else ""
    if plan.moving is not None:
        said = gettext(ctx.language, "booking.moved", when=when)
    elif what:
        said = gettext(ctx.language, "booking.booked_what", when=when, what=what)
    else:
        said = gettext(ctx.language, "booking.booked", when=when)
    if appointment.caller_number.startswith("+"):
        said += " " + gettext(ctx.language, "booking.sms_follows")
    ctx.say(said, personal=True)
    if isinstance(step, BookStep) and step.ask_name and plan.moving is None:
        assert appointment.id is not None
        ask_name(ctx, step_id, appointment.id)
        return None
    return step.next


def ask_name(ctx: FlowContext, step_id: str, appointment_id: int) -> None:
    seq = ctx.wait_here(step_id)
    ctx.recording_notice(step_id)
    ctx.say(gettext(ctx.language, "booking.ask_name"))
    after = Callback.to("book", step=step_id, seq=seq, stage="name", appointment=appointment_id)
    ctx.do(Record(after, max_length=NAME_SECONDS, timeout=3, finish_on_key="#"))
    ctx.do(Redirect(after))  # said nothing: the provider skips the callback, comes here


def own_appointment(ctx: FlowContext, appointment_id: int | None) -> Appointment | None:
    if appointment_id is None or ctx.call.tenant_id is None:
        return None
    return lookups.get_appointment(ctx.session, tenant_id=ctx.call.tenant_id,
                                   appointment_id=appointment_id)


def slots_of(query_slots: str) -> list[datetime]:
    return [from_epoch(int(s)) for s in query_slots.split(",") if s]


def _plan_of(ctx: FlowContext, step: AnyStep, event: BookingAnswer,
             moving: Appointment | None) -> Plan | None:
    if moving is not None:
        return plan_for_move(ctx, moving)
    if isinstance(step, ManageBookingStep):
        return None
    plan = plan_for(ctx, step, Want(event.type, event.who))
    return plan if plan.agendas else None


def with_kept_wish(plan: Plan, event: BookingAnswer) -> Plan:
    """The plan with the days and part of the day the caller asked for earlier."""
    return replace(plan, wish=TimeWish.decode(event.wish))


def _seat(ctx: FlowContext, plan: Plan, slug: str) -> Agenda | None:
    """The agenda an offered slot belongs to (the plan's only one when not named)."""
    if not slug:
        return plan.agendas[0] if len(plan.agendas) == 1 else None
    return next((a for a in plan.agendas if a.slug == slug), None)


def other_practitioner(ctx: FlowContext, step_id: str, step: AnyStep, plan: Plan,
                       said: str, seat: str = "") -> str | Plan | None:
    """"No, I'd rather see Dr Okafor" at an offer or a confirmation: the times of the
    practitioner now named, within the day and time asked for, in these words or before.
    Returns the plan unchanged when the words name no other practitioner who offers the
    type (nor "anyone": "any of those" is a pick), say yes ("yes, Dr Martin is fine"), or
    name the one whose time is being confirmed (`seat`); moving keeps the appointment's."""
    script = ctx.script
    if plan.moving is not None or not isinstance(step, BookStep) or step.practitioner or (
            not script.booking.practitioners):
        return plan
    who = choice.who_in(script, choice.offering(script, plan.want.type), said, ctx.language)
    # Named only: "any of those" at an offer is no "anyone".
    if who in (None, ANYONE, plan.want.who, seat) or yes_or_no(script, said) is True:
        return plan
    assert who is not None
    ctx.log(EventKind.who_chosen, step_id, EventFields(who=who, heard=said[:200]))
    changed = plan_for(ctx, step, replace(plan.want, who=who))
    if not changed.agendas:
        return plan
    today = ctx.now.astimezone(ZoneInfo(changed.agendas[0].timezone)).date()
    wish = parse_when(said, ctx.language, today)
    kept = wish.merged_into(plan.wish) if wish is not None else plan.wish
    if kept is not None:
        return on_time_wish(ctx, step_id, step, changed, wish=kept, said=said)
    return offer_again(ctx, step_id, step, changed, preface="")


def resume_slots(ctx: FlowContext, step_id: str, step: AnyStep, event: BookingAnswer,
                 moving: Appointment | None) -> str | None:
    """The offer and confirm stages, shared with `manage_booking` (moving a booking)."""
    if event.stage not in ("offer", "confirm"):
        raise FlowError(f"stage {event.stage!r} does not belong to step {step_id!r}")
    plan = _plan_of(ctx, step, event, moving)
    if plan is None:
        ctx.log(EventKind.booking_unavailable, step_id, EventFields(reason=Reason.agenda_gone))
        return step.fallback
    plan = with_kept_wish(plan, event)
    if event.said is not None and not event.digits:
        changed = other_practitioner(ctx, step_id, step, plan, event.said,
                                     seat=event.seat if event.stage == "confirm" else "")
        if not isinstance(changed, Plan):
            return changed
    if event.stage == "offer":
        seats = event.seats.split(",") if event.seats else []
        offered: Offered = []
        for index, slot in enumerate(slots_of(event.slots)):
            agenda = _seat(ctx, plan, seats[index] if index < len(seats) else "")
            if agenda is None:
                ctx.log(EventKind.booking_unavailable, step_id,
                        EventFields(reason=Reason.practitioner_gone))
                return offer_again(ctx, step_id, step, plan, preface="")
            offered.append((slot, agenda))
        if event.said is not None and not event.digits:
            return on_offer_words(ctx, step_id, step, plan, offered=offered, said=event.said,
                                  attempt=event.attempt)
        digits = event.digits
        return on_offer(ctx, step_id, step, plan, offered=offered, digits=digits,
                        attempt=event.attempt)
    if event.slot is None:
        raise FlowError("confirmation without a slot")
    agenda = _seat(ctx, plan, event.seat)
    if agenda is None:
        ctx.log(EventKind.booking_unavailable, step_id,
                EventFields(reason=Reason.practitioner_gone))
        return offer_again(ctx, step_id, step, plan, preface="")
    digits = event.digits
    if event.said is not None and not digits:
        if says_done(event.said, ctx.language):
            return nothing_booked(ctx, step_id, step)
        today = ctx.now.astimezone(ZoneInfo(agenda.timezone)).date()
        key = said_key(ctx, "confirm", event.said)
        wish = None if key == "1" else parse_when(event.said, ctx.language, today)
        if wish is not None:  # "no, Thursday" / « non, plutôt vendredi matin »
            ctx.log(EventKind.slot_declined, step_id)
            return on_time_wish(ctx, step_id, step, plan, wish=wish.merged_into(plan.wish),
                                said=event.said)
        digits = key or WORDS
    return on_confirm(ctx, step_id, step, plan, slot=from_epoch(event.slot), agenda=agenda,
                      digits=digits, attempt=event.attempt)


def exits(step: AnyStep) -> list[Exit]:
    return [*([Exit("next", step.next, ("next",))] if step.next else []),
            Exit("fallback", step.fallback, ("fallback",), instant=True)]
