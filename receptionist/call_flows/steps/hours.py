"""`hours`: branch on open / closed / holiday in the business's time zone."""

from __future__ import annotations

from receptionist.call_flows.context import FlowContext
from receptionist.call_flows.hours import business_state
from receptionist.call_flows.schema import HoursStep
from receptionist.call_flows.step_kind import Exit, StepKind
from receptionist.calls.events import EventFields, EventKind


def render(ctx: FlowContext, step_id: str, step: HoursStep) -> str | None:
    state = business_state(ctx.script, ctx.now)
    ctx.log(EventKind.hours, step_id, EventFields(state=state))
    if state == "holiday":
        return step.holiday or step.closed
    return step.open if state == "open" else step.closed


def exits(step: HoursStep) -> list[Exit]:
    return [Exit(name, target, (name,), instant=True)
            for name, target in (("open", step.open), ("closed", step.closed),
                                 ("holiday", step.holiday)) if target]


KIND = StepKind("hours", HoursStep, render, exits)
