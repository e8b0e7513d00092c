"""`menu`: a prompt inside a keypad gather (and, with speech, the choices' phrases);
retries, then the script's no-match branch."""

from __future__ import annotations

from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.events import Event, KeyPressed
from receptionist.call_flows.listening import ListenFor, SpokenOption
from receptionist.call_flows.phrases import phrase
from receptionist.call_flows.schema import Loc, MenuChoice, MenuStep
from receptionist.call_flows.step_kind import Exit, StepKind, unexpected


def render(ctx: FlowContext, step_id: str, step: MenuStep, *, attempt: int = 0,
           preface: str | None = None) -> str | None:
    seq = ctx.wait_here(step_id)
    ctx.call.attempt = attempt
    gather = Gather(Callback.to("menu", step=step_id, attempt=attempt, seq=seq),
                    timeout=step.timeout)
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(step.prompt, into=gather)
    ctx.do(gather)
    ctx.listen(listen_for(step))
    ctx.log("prompt", step_id, f"attempt {attempt + 1}")
    return None


def listen_for(step: MenuStep) -> ListenFor:
    """Speech may pick any choice by its phrases or its key's name."""
    return ListenFor(answer="choice", options=tuple(
        SpokenOption(intent=c.intent, digit=c.digit, phrases=tuple(c.phrases), goto=c.goto)
        for c in step.choices))


def choice_for_digit(step: MenuStep, digits: str) -> MenuChoice | None:
    return next((c for c in step.choices if c.digit is not None and c.digit == digits), None)


def resume(ctx: FlowContext, step_id: str, step: MenuStep, event: Event) -> str | None:
    """The step to enter next, or None when the menu was rendered again for a retry.
    `misheard`: the caller spoke, but nothing they said matches a choice."""
    if not isinstance(event, KeyPressed):
        raise unexpected(step_id, event)
    digits, attempt = event.digits, event.attempt
    if event.misheard is not None:
        ctx.log("invalid_speech", step_id, f"heard={event.misheard!r}")
        preface = step.reprompt or phrase("invalid_choice", ctx.language)
    elif digits:
        choice = choice_for_digit(step, digits)
        if choice is not None:
            ctx.log("choice", step_id, f"intent={choice.intent} digit={digits} via=keypad")
            return choice.goto
        ctx.log("invalid_key", step_id, f"digit={digits}")
        preface = step.reprompt or phrase("invalid_choice", ctx.language)
    else:
        ctx.log("no_input", step_id)
        preface = step.reprompt or phrase("no_input", ctx.language)
    if attempt < step.retries:
        render(ctx, step_id, step, attempt=attempt + 1, preface=preface)
        return None
    ctx.log("no_match", step_id, f"after {attempt + 1} attempts")
    return step.no_match


def exits(step: MenuStep) -> list[Exit]:
    return [*(Exit(f"{c.digit or '-'} / {c.intent}", c.goto, ("choices", i, "goto"))
              for i, c in enumerate(step.choices)),
            Exit("no_match", step.no_match, ("no_match",))]


def problems(step: MenuStep) -> list[tuple[Loc, str]]:
    """Digits and intents used once; every choice reachable by a key or by words."""
    found: list[tuple[Loc, str]] = []
    seen_digits: dict[str, int] = {}
    seen_intents: dict[str, int] = {}
    for i, choice in enumerate(step.choices):
        if choice.digit is not None:
            if choice.digit in seen_digits:
                found.append((("choices", i, "digit"),
                              f"digit {choice.digit!r} is already used by choice "
                              f"{seen_digits[choice.digit] + 1}"))
            seen_digits.setdefault(choice.digit, i)
        if choice.intent in seen_intents:
            found.append((("choices", i, "intent"),
                          f"intent {choice.intent!r} is already used by choice "
                          f"{seen_intents[choice.intent] + 1}"))
        seen_intents.setdefault(choice.intent, i)
        if choice.digit is None and not choice.phrases:
            found.append((("choices", i),
                          "a choice needs a digit or phrases, or it can never be chosen"))
    return found


KIND = StepKind("menu", MenuStep, render, exits, resume, problems)
