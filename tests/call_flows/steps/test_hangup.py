from __future__ import annotations

from receptionist.call_flows.actions import Hangup
from receptionist.call_flows.steps import hangup
from tests.call_flows.flow_helpers import make_ctx, said


def test_hangup_says_goodbye_and_ends_the_call() -> None:
    ctx = make_ctx()
    assert hangup.render(ctx, "bye", ctx.script.steps["bye"]) is None  # type: ignore[arg-type]
    assert said(ctx.actions) == ["Au revoir."] and ctx.actions[-1] == Hangup()
    assert ctx.call.current_step == "bye"
    assert [(e.label, e.target) for e in hangup.exits(
        ctx.script.steps["bye"])] == [("", None)]  # type: ignore[arg-type]

