"""`menu`: a prompt inside a keypad gather that callers may also answer in their own words.

Keys pick a choice as always. Words go through the script's intent model
(call_flows.meaning) and its bands: sure → the choice (or an FAQ answer, the opening
hours, a repeat, goodbye; "no thanks" is goodbye; a built-in intent the menu has no
choice for gets an honest answer and the nearest choice: "I can't change appointments by
phone, but I can take a message"); fairly sure → "You'd like to book an appointment, is that
right?" (yes / no by voice, 1 / 2 by key); unsure → "Sorry, I did not understand" and the
retry path, then the script's no-match branch.
"""

from __future__ import annotations

from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.booking.phrases import voice_choices
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import Event, KeyPressed
from receptionist.call_flows.hours import hours_answer
from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.meaning import (
    OUT_OF_SCOPE,
    Meaning,
    Target,
    confirmation,
    meaning_at_menu,
    out_of_scope,
    target_for,
    yes_or_no,
)
from receptionist.call_flows.schema import MenuChoice, MenuStep
from receptionist.call_flows.step_kind import Exit, Problem, StepKind, unexpected
from receptionist.calls.events import EventFields, EventKind, Ranked, Reason, Via
from receptionist.catalog_text import CatalogText
from receptionist.i18n import N_, gettext
from receptionist.understanding.bands import HEARD_FLOOR


def render(ctx: FlowContext, step_id: str, step: MenuStep, *, attempt: int = 0,
           preface: str | None = None, full_prompt: bool = True) -> str | None:
    seq = ctx.wait_here(step_id)
    ctx.call.attempt = attempt
    gather = Gather(Callback.to("menu", step=step_id, attempt=attempt, seq=seq),
                    timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    if full_prompt:
        ctx.say(step.prompt, into=gather)
    ctx.do(gather)
    ctx.listen(ListenFor(answer="said", options=spoken_options(step), route="menu",
                         query=(("step", step_id), ("attempt", attempt), ("seq", seq))))
    ctx.log(EventKind.prompt, step_id, EventFields(attempt=attempt + 1))
    return None


def spoken_options(step: MenuStep) -> tuple[SpokenOption, ...]:
    """The choices' words and keys: the recogniser's hints at this menu."""
    return tuple(SpokenOption(intent=c.intent, digit=c.digit, phrases=tuple(c.phrases))
                 for c in step.choices)


def choice_for_digit(step: MenuStep, digits: str) -> MenuChoice | None:
    return next((c for c in step.choices if c.digit is not None and c.digit == digits), None)


def ask_to_confirm(ctx: FlowContext, step_id: str, step: MenuStep, target: Target, *,
                   attempt: int, preface: str | None = None) -> None:
    seq = ctx.wait_here(step_id)
    gather = Gather(Callback.to("menu", step=step_id, attempt=attempt, seq=seq,
                                confirm=target.intent), timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(confirmation(target, ctx.language), into=gather)
    ctx.do(gather)
    hints = voice_choices("confirm", ctx.language)  # the booking's yes / no words
    ctx.listen(ListenFor(answer="said", route="menu", options=tuple(
        SpokenOption(intent=f"key{digit}", digit=digit, phrases=tuple(words))
        for digit, words in hints.items()),
        query=(("step", step_id), ("attempt", attempt), ("seq", seq),
               ("confirm", target.intent)),
        late=("2",)))  # "no, I wanted to cancel": the end of the words is awaited
    ctx.log(EventKind.confirm_asked, step_id, EventFields(intent=target.intent))


def act(ctx: FlowContext, step_id: str, step: MenuStep, target: Target, *, attempt: int,
        via: Via) -> str | None:
    """Do what the caller asked for; the step to go to, or None (the menu waits again)."""
    ctx.log(EventKind.choice, step_id, EventFields(intent=target.intent, via=via))
    if target.kind == "choice":
        assert target.choice is not None
        return target.choice.goto
    if target.kind == "faq":
        assert target.faq is not None
        if target.faq.next is not None:
            ctx.say(target.faq.answer)
            return target.faq.next
        _answer_then_listen(ctx, step_id, step, target.faq.answer)
        return None
    if target.kind == "hours":
        _answer_then_listen(ctx, step_id, step, hours_answer(ctx.script, ctx.now))
        return None
    if target.kind == "instead":
        assert target.note is not None
        if target.choice is not None:  # "I can't …, but I can take a message"
            ctx.say(gettext(ctx.language, target.note))
            return target.choice.goto
        _answer_then_listen(ctx, step_id, step, gettext(ctx.language, target.note))
        return None
    if target.kind == "again":  # "yes" to "Anything else?"
        render(ctx, step_id, step, attempt=attempt,
               preface=gettext(ctx.language, "call.what_can_i_do"), full_prompt=False)
        return None
    if target.kind == "goodbye":
        ctx.say(gettext(ctx.language, "call.goodbye"))
        ctx.hang_up()
        ctx.log(EventKind.end, step_id, EventFields(reason=Reason.goodbye))
        return None
    render(ctx, step_id, step, attempt=attempt)  # repeat
    return None


def _answer_then_listen(ctx: FlowContext, step_id: str, step: MenuStep, answer: str) -> None:
    """An answer, then "Anything else?" with the menu listening (its prompt comes back
    if the caller says nothing)."""
    anything_else = gettext(ctx.language, "call.anything_else")
    render(ctx, step_id, step, preface=f"{answer} {anything_else}", full_prompt=False)


def _on_words(ctx: FlowContext, step_id: str, step: MenuStep, said: str, attempt: int,
              heard: float | None = None) -> str | Meaning | None:
    """Words at the menu: act, ask to confirm, or (returned) the meaning to retry on.
    `heard`: the speech engine's confidence in the words (None: typed)."""
    meaning = meaning_at_menu(ctx.script, step, said, heard)
    understood = meaning.understood
    ctx.log(EventKind.understood, step_id, EventFields(
        heard=said[:200], band=meaning.band, intent=understood.top,
        confidence=round(understood.confidence, 4),
        heard_confidence=None if heard is None else round(heard, 4),
        alternatives=tuple(Ranked(intent=r.intent, probability=round(r.probability, 4))
                           for r in understood.alternatives)))
    if meaning.target is None or meaning.band == "reprompt":
        return meaning
    if meaning.band == "confirm":
        ask_to_confirm(ctx, step_id, step, meaning.target, attempt=attempt)
        return None
    return act(ctx, step_id, step, meaning.target, attempt=attempt,
               via="speech-key" if meaning.via_key else "speech")


def _on_confirmation(ctx: FlowContext, step_id: str, step: MenuStep, event: KeyPressed,
                     intent: str) -> str | None:
    target = target_for(ctx.script, step, intent)
    if target is None:  # the script changed under the call: start the menu over
        render(ctx, step_id, step, attempt=event.attempt)
        return None
    answer: bool | None
    if event.digits:
        answer = {"1": True, "2": False}.get(event.digits)
    elif event.said is not None and (event.heard is None
                                     or event.heard >= HEARD_FLOOR):
        answer = yes_or_no(ctx.script, event.said)
        if answer is None:
            # Not a yes or a no: maybe a new request ("no, I want to leave a message").
            outcome = _on_words(ctx, step_id, step, event.said, event.attempt, event.heard)
            if not isinstance(outcome, Meaning):
                return outcome
    else:
        answer = None
    if answer is True:
        ctx.log(EventKind.confirmed, step_id, EventFields(intent=intent))
        return act(ctx, step_id, step, target, attempt=event.attempt, via="confirmed")
    if answer is False:
        ctx.log(EventKind.confirm_refused, step_id, EventFields(intent=intent))
        # "All right. What can I do for you?" asks already: not the menu's prompt after it.
        render(ctx, step_id, step, attempt=event.attempt,
               preface=gettext(ctx.language, "call.what_can_i_do"), full_prompt=False)
        return None
    silent = not event.digits and event.said is None and not ctx.spoke_unanswered()
    return _retry(ctx, step_id, step, event.attempt,
                  gettext(ctx.language, "call.no_input") if silent
                  else gettext(ctx.language, "call.not_understood"))


def resume(ctx: FlowContext, step_id: str, step: MenuStep, event: Event) -> str | None:
    """The step to enter next, or None when the menu (or a question) waits again."""
    if not isinstance(event, KeyPressed):
        raise unexpected(step_id, event)
    digits, attempt = event.digits, event.attempt
    if event.keypad and not digits:
        # The caller spoke but recognition was saturated: keypad, same attempt.
        ctx.log(EventKind.speech_busy, step_id)
        render(ctx, step_id, step, attempt=attempt,
               preface=gettext(ctx.language, "call.use_keypad"))
        return None
    if event.confirm is not None:
        return _on_confirmation(ctx, step_id, step, event, event.confirm)
    if digits:
        choice = choice_for_digit(step, digits)
        if choice is not None:
            ctx.log(EventKind.choice, step_id,
                    EventFields(intent=choice.intent, digit=digits, via="keypad"))
            return choice.goto
        ctx.log(EventKind.invalid_key, step_id, EventFields(digit=digits))
        preface = step.reprompt or gettext(ctx.language, "call.invalid_choice")
    elif event.said is not None and event.said.strip():
        outcome = _on_words(ctx, step_id, step, event.said, attempt, event.heard)
        if not isinstance(outcome, Meaning):
            return outcome
        ctx.log(EventKind.invalid_speech, step_id, EventFields(heard=event.said[:200]))
        if out_of_scope(ctx.script, outcome):
            preface = gettext(ctx.language, OUT_OF_SCOPE)  # understood: honestly declined
        else:
            preface = step.reprompt or gettext(ctx.language, "call.not_understood")
    else:
        ctx.log(EventKind.no_input, step_id)
        preface = step.reprompt or (
            gettext(ctx.language, "call.not_understood") if ctx.spoke_unanswered()
            else gettext(ctx.language, "call.no_input"))
    return _retry(ctx, step_id, step, attempt, preface)


def _retry(ctx: FlowContext, step_id: str, step: MenuStep, attempt: int, preface: str
           ) -> str | None:
    if attempt < step.retries:
        render(ctx, step_id, step, attempt=attempt + 1, preface=preface)
        return None
    ctx.log(EventKind.no_match, step_id, EventFields(attempt=attempt + 1))
    return step.no_match


def exits(step: MenuStep) -> list[Exit]:
    return [*(Exit(f"{c.digit or '-'} / {c.intent}", c.goto, ("choices", i, "goto"))
              for i, c in enumerate(step.choices)),
            Exit("no_match", step.no_match, ("no_match",))]


def problems(step: MenuStep) -> list[Problem]:
    """Digits and intents used once; every choice reachable by a key or by words."""
    found: list[Problem] = []
    seen_digits: dict[str, int] = {}
    seen_intents: dict[str, int] = {}
    for i, choice in enumerate(step.choices):
        if choice.digit is not None:
            if choice.digit in seen_digits:
                found.append((("choices", i, "digit"), CatalogText(
                    N_("script.problem.menu_digit_twice"), digit=choice.digit,
                    choice=str(seen_digits[choice.digit] + 1))))
            seen_digits.setdefault(choice.digit, i)
        if choice.intent in seen_intents:
            found.append((("choices", i, "intent"), CatalogText(
                N_("script.problem.menu_intent_twice"), intent=choice.intent,
                choice=str(seen_intents[choice.intent] + 1))))
        seen_intents.setdefault(choice.intent, i)
        if choice.digit is None and not choice.phrases and not choice.examples:
            found.append((("choices", i), CatalogText(N_("script.problem.menu_unchoosable"))))
    return found


KIND = StepKind("menu", MenuStep, render, exits, resume, problems)
