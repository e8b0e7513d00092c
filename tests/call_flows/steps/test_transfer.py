from __future__ import annotations

from receptionist.call_flows.actions import Callback, Dial, Hangup
from receptionist.call_flows.events import DialResult
from receptionist.call_flows.schema import TransferStep
from receptionist.call_flows.steps import transfer
from tests.call_flows.flow_helpers import logged, make_ctx


def test_a_completed_transfer_ends_the_call_without_a_next_step() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["person"]
    assert isinstance(step, TransferStep)
    assert transfer.resume(ctx, "person", step, DialResult("completed", 42)) is None
    assert ctx.actions == [Hangup()]
    assert ("transfer_completed", "person") in logged(ctx) and ("end", "person") in logged(ctx)
    assert [e.label for e in transfer.exits(step)] == ["fallback"]


def test_transfer_dials_and_takes_a_message_when_nobody_answers() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["person"]
    assert isinstance(step, TransferStep)
    assert transfer.render(ctx, "person", step) is None
    assert ctx.actions[-1] == Dial("+33100000001", timeout=step.timeout,
                                   callback=Callback.to("dialed", step="person", seq=1))
    for status in ("busy", "no-answer", "failed", "canceled", "weird"):
        assert transfer.resume(ctx, "person", step, DialResult(status, None)) == "take"
    assert ctx.events[-1]["detail"] == "unknown status 'weird'"

