"""say, hours, hangup: steps that never wait for the caller."""

from __future__ import annotations

from datetime import UTC, datetime

from receptionist.call_flows.actions import Hangup
from receptionist.call_flows.steps import hangup, hours, say
from tests.call_flows.flow_helpers import logged, make_ctx, said


def test_say_speaks_and_goes_on() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["welcome"]
    assert say.render(ctx, "welcome", step) == "when"  # type: ignore[arg-type]
    assert said(ctx.actions) == ["Bonjour."]
    assert [(e.label, e.target, e.instant) for e in say.exits(step)] == [  # type: ignore[arg-type]
        ("next", "when", True)]


def test_hours_branches_in_the_business_time_zone() -> None:
    step = make_ctx().script.steps["when"]
    cases = {datetime(2026, 3, 2, 8, 30, tzinfo=UTC): "menu",     # Mon 09:30 Paris
             datetime(2026, 3, 2, 17, 30, tzinfo=UTC): "closed",  # Mon 18:30 Paris
             datetime(2026, 3, 3, 10, 0, tzinfo=UTC): "closed",   # Tuesday: no hours
             datetime(2026, 12, 25, 10, 0, tzinfo=UTC): "holiday"}
    for moment, expected in cases.items():
        ctx = make_ctx(now=moment)
        assert hours.render(ctx, "when", step) == expected, moment  # type: ignore[arg-type]
        assert logged(ctx) == [("hours", "when")]
    assert [e.target for e in hours.exits(step)] == [  # type: ignore[arg-type]
        "menu", "closed", "holiday"]


def test_hangup_says_goodbye_and_ends_the_call() -> None:
    ctx = make_ctx()
    assert hangup.render(ctx, "bye", ctx.script.steps["bye"]) is None  # type: ignore[arg-type]
    assert said(ctx.actions) == ["Au revoir."] and ctx.actions[-1] == Hangup()
    assert ctx.call.current_step == "bye"
    assert [(e.label, e.target) for e in hangup.exits(
        ctx.script.steps["bye"])] == [("", None)]  # type: ignore[arg-type]
