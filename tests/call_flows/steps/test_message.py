from __future__ import annotations

from receptionist.call_flows.actions import Callback, Record, Redirect
from receptionist.call_flows.events import NoRecording
from receptionist.call_flows.schema import MessageStep
from receptionist.call_flows.steps import message
from tests.call_flows.flow_helpers import logged, make_ctx, said


def test_message_records_then_falls_through_when_nothing_is_said() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["take"]
    assert isinstance(step, MessageStep)
    assert message.render(ctx, "take", step) is None
    record, redirect = ctx.actions[-2:]
    assert isinstance(record, Record) and isinstance(redirect, Redirect)
    assert record.callback == Callback.to("recorded", step="take", seq=1)
    assert record.status_callback == Callback.to("recording-status", step="take")
    assert redirect.callback == Callback.to("no-recording", step="take", seq=1)
    ctx.actions = []
    assert message.resume(ctx, "take", step, NoRecording()) == "bye"
    assert said(ctx.actions) == ["Je n'ai pas entendu de message."]
    assert ("message_absent", "take") in logged(ctx)
