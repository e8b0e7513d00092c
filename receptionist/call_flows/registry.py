"""Every step kind, by the name scripts use (`kind: menu`). Adding a kind: a module in
`steps/` (or, for the booking dialogue, `booking/`) with its `KIND`, its config in
`schema.py`, and one line here."""

from __future__ import annotations

from typing import Any

from receptionist.call_flows.booking import book_step, manage_step
from receptionist.call_flows.schema import Step
from receptionist.call_flows.step_kind import FlowError, StepKind
from receptionist.call_flows.steps import hangup, hours, menu, message, say, transfer

KINDS: dict[str, StepKind[Any]] = {kind.name: kind for kind in (
    say.KIND, hours.KIND, menu.KIND, message.KIND, transfer.KIND, book_step.KIND,
    manage_step.KIND, hangup.KIND)}


def kind_of(step: Step) -> StepKind[Any]:
    kind = KINDS.get(step.kind)
    if kind is None or not isinstance(step, kind.config):
        raise FlowError(f"unsupported step kind {step.kind!r}")
    return kind
