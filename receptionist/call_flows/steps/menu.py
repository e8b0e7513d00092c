"""`menu`: a prompt inside a keypad <Gather>; retries, then the script's no-match branch."""

from __future__ import annotations

from twilio.twiml.voice_response import Gather

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.phrases import phrase
from receptionist.call_flows.schema import MenuChoice, MenuStep


def render(ctx: FlowContext, step_id: str, step: MenuStep, *, attempt: int = 0,
           preface: str | None = None) -> str | None:
    seq = ctx.wait_here(step_id)
    ctx.call.attempt = attempt
    gather = Gather(
        input="dtmf", num_digits=1, timeout=step.timeout, action_on_empty_result=True,
        action=ctx.url("menu", step=step_id, attempt=attempt, seq=seq),
    )
    if preface:
        ctx.say(preface, into=gather)
    ctx.say(step.prompt, into=gather)
    ctx.response.append(gather)
    ctx.log("prompt", step_id, f"attempt {attempt + 1}")
    return None


def choice_for_digit(step: MenuStep, digits: str) -> MenuChoice | None:
    return next((c for c in step.choices if c.digit is not None and c.digit == digits), None)


def handle_input(ctx: FlowContext, step_id: str, step: MenuStep, *, attempt: int,
                 digits: str, misheard: str | None = None) -> str | None:
    """The step to enter next, or None when the menu was rendered again for a retry.
    `misheard`: the caller spoke, but nothing they said matches a choice."""
    if misheard is not None:
        ctx.log("invalid_speech", step_id, f"heard={misheard!r}")
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
