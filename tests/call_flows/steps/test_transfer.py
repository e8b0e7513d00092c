from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from receptionist.call_flows.actions import Callback, Dial, Hangup
from receptionist.call_flows.events import DialResult
from receptionist.call_flows.loader import ScriptError, parse_script
from receptionist.call_flows.schema import TransferStep
from receptionist.call_flows.steps import transfer
from receptionist.calls.event_text import describe
from receptionist.calls.events import EventFields, EventKind, Reason
from receptionist.demo import demo_script_text
from tests.call_flows.flow_helpers import SCRIPT, demo_ctx, logged, make_ctx
from tests.conftest import FixedClock

GROUPS = SCRIPT.replace('''    number: "+33100000001"
    fallback: take''', '''    targets:
      - when: open
        numbers: ["+33100000001", "+33100000002"]
        seconds: 12
      - when: [closed]
        numbers: ["+33600000009", "+33600000008"]
        ring: all_at_once
    caller_id: business
    fallback: take''')


def _step(ctx: object) -> TransferStep:
    step = ctx.script.steps["person"]  # type: ignore[attr-defined]
    assert isinstance(step, TransferStep)
    return step


def test_a_taken_transfer_ends_the_call_without_a_next_step() -> None:
    ctx = make_ctx()
    step = _step(ctx)
    taken = DialResult("completed", 42, answer="accepted", by="+33100000001")
    assert transfer.resume(ctx, "person", step, taken) is None
    assert ctx.actions == [Hangup()]
    assert ("transfer_completed", "person") in logged(ctx) and ("end", "person") in logged(ctx)
    assert ctx.events[0].fields == EventFields(duration_s=42, number="+33100000001")
    assert describe(ctx.events[0].kind, ctx.events[0].fields) == "talked 42s with +33100000001"
    assert [e.label for e in transfer.exits(step)] == ["fallback"]


def test_transfer_dials_screened_and_takes_a_message_when_nobody_answers() -> None:
    ctx = make_ctx()
    step = _step(ctx)
    assert transfer.render(ctx, "person", step) is None
    assert ctx.actions[-1] == Dial(
        ("+33100000001",), timeout=step.timeout,
        callback=Callback.to("dialed", step="person", seq=1, group=0, ring=0),
        screen=Callback.to("screen", step="person", seq=1, parent=ctx.call.call_sid))
    for status in ("busy", "no-answer", "failed", "canceled", "weird"):
        assert transfer.resume(ctx, "person", step, DialResult(status, None)) == "take"
    assert ctx.events[-1].fields == EventFields(status="weird", reason=Reason.unknown_status)
    assert describe("transfer_failed", ctx.events[-1].fields) == "unknown status 'weird'"


@pytest.mark.parametrize(("answer", "why"), [
    (None, "answered but not taken"),
    ("declined", "declined by +33100000001"),
    ("silent", "answered by +33100000001 but no key pressed (voicemail?)"),
])
def test_an_answer_nobody_accepted_is_not_a_transfer(answer: str | None, why: str) -> None:
    """A voicemail picking up is 'completed' for the provider: only the key counts."""
    ctx = make_ctx()
    event = DialResult("completed", 30, answer=answer, by="+33100000001")
    assert transfer.resume(ctx, "person", _step(ctx), event) == "take"
    assert ctx.events[-1].kind == EventKind.transfer_failed
    assert describe(ctx.events[-1].kind, ctx.events[-1].fields) == why


def test_without_screening_an_answer_is_a_transfer() -> None:
    ctx = make_ctx(SCRIPT.replace("    fallback: take\n  closed:",
                                  "    screen: false\n    fallback: take\n  closed:"))
    step = _step(ctx)
    transfer.render(ctx, "person", step)
    dial = ctx.actions[-1]
    assert isinstance(dial, Dial) and dial.screen is None
    assert transfer.resume(ctx, "person", step, DialResult("completed", 9)) is None


def test_a_group_rings_in_order_then_falls_back() -> None:
    ctx = make_ctx(GROUPS)
    step = _step(ctx)
    transfer.render(ctx, "person", step)
    first = ctx.actions[-1]
    assert isinstance(first, Dial)
    assert (first.numbers, first.timeout, first.caller_id) == (
        ("+33100000001",), 12, "+33100000000")
    assert transfer.resume(ctx, "person", step, DialResult("no-answer", None, 0, 0)) is None
    second = ctx.actions[-1]
    assert isinstance(second, Dial) and second.numbers == ("+33100000002",)
    assert dict(second.callback.query)["ring"] == 1
    assert transfer.resume(ctx, "person", step, DialResult("busy", None, 0, 1)) == "take"


def test_after_hours_the_on_call_group_rings_all_at_once() -> None:
    evening = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 20:00 in Paris, closed
    ctx = make_ctx(GROUPS, now=evening)
    step = _step(ctx)
    transfer.render(ctx, "person", step)
    dial = ctx.actions[-1]
    assert isinstance(dial, Dial)
    assert dial.numbers == ("+33600000009", "+33600000008") and dial.timeout == step.timeout
    assert transfer.resume(ctx, "person", step, DialResult("no-answer", None, 1, 0)) == "take"


def test_nobody_on_duty_on_a_holiday_goes_to_the_fallback_without_ringing() -> None:
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
    ctx = make_ctx(GROUPS, now=christmas)
    assert transfer.render(ctx, "person", _step(ctx)) == "take"
    assert not any(isinstance(a, Dial) for a in ctx.actions)
    assert ctx.events[-1].fields == EventFields(reason=Reason.nobody_available, state="holiday")
    assert describe("transfer_failed", ctx.events[-1].fields) == "nobody takes calls now (holiday)"


def test_only_urgent_calls_are_transferred(session: Session, clock: FixedClock) -> None:
    text = demo_script_text("demo.yaml").replace(
        "    fallback: transfer_failed",
        "    only_if: urgent\n    unqualified: message\n    fallback: transfer_failed")
    ctx = demo_ctx(session, clock, text)
    step = ctx.script.steps["transfer"]
    assert isinstance(step, TransferStep)
    assert transfer.render(ctx, "transfer", step) == "message"
    assert ctx.events[-1].kind == EventKind.transfer_skipped
    ctx.log(EventKind.choice, "main_menu", EventFields(intent="urgent", via="speech"))
    assert transfer.render(ctx, "transfer", step) is None




@pytest.mark.parametrize(("change", "where", "reason"), [
    ('    number: "+33100000001"', "steps.person.numbers.1",
     "String should match pattern"),
    ('    number: "+33100000001"', "steps.person.targets.0.numbers",
     "at least 1 item"),
    ('    number: "+33100000001"', "steps.person.numbers", "expected a list of numbers"),
    ('    number: "+33100000001"', "steps.person.announce", "unknown field {name}"),
    ('    number: "+33100000001"', "steps.person", "needs `number`, `numbers` or `targets`"),
    ('    number: "+33100000001"', "steps.person.decline_key", "must differ"),
])
def test_bad_transfers_are_refused_with_their_line(change: str, where: str,
                                                   reason: str) -> None:
    replacement = {
        "steps.person.numbers.1": '    numbers: ["+33100000001", "01 23 45 67 89"]',
        "steps.person.targets.0.numbers": "    targets:\n      - when: open\n"
                                          "        numbers: []",
        "steps.person.numbers": '    numbers: "+33100000001, +33100000002"',
        "steps.person.announce": '    number: "+33100000001"\n    announce: "Call from {name}"',
        "steps.person": "    prompt: Un instant.",
        "steps.person.decline_key": '    number: "+33100000001"\n    accept_key: "2"',
    }[where]
    with pytest.raises(ScriptError) as raised:
        parse_script(SCRIPT.replace(change, replacement))
    problems = raised.value.problems
    assert any(p.path == where and reason in p.reason and p.line is not None
               for p in problems), problems
