from __future__ import annotations

from receptionist.call_flows.steps import say
from tests.call_flows.flow_helpers import make_ctx, said


def test_say_speaks_and_goes_on() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["welcome"]
    assert say.render(ctx, "welcome", step) == "when"  # type: ignore[arg-type]
    assert said(ctx.actions) == ["Bonjour."]
    assert [(e.label, e.target, e.instant) for e in say.exits(step)] == [  # type: ignore[arg-type]
        ("next", "when", True)]
