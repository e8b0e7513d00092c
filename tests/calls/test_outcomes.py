"""How a call ended, read from its timeline."""

from __future__ import annotations

import pytest

from receptionist.calls import outcomes


def ev(kind: str, step: str | None = None, detail: str = "") -> tuple[str, str | None, str]:
    return kind, step, detail


@pytest.mark.parametrize(("events", "outcome", "intent"), [
    ([ev("enter", "menu"), ev("choice", "menu", "intent=book digit=1 via=keypad"),
      ev("enter", "book"), ev("booked", "book", "appointment 3")], "booked", "book"),
    ([ev("choice", "menu", "intent=location via=speech")], "answered", "location"),
    ([ev("choice", "menu", "intent=hours via=keypad"),
      ev("choice", "menu", "intent=message via=speech"),
      ev("message_recorded", "message")], "message", "hours"),
    ([ev("choice", "menu", "intent=transfer via=keypad"), ev("transfer_failed", "t"),
      ev("message_recorded")], "message", "transfer"),
    ([ev("choice", "menu", "intent=transfer"), ev("transfer_completed", "t")],
     "transferred", "transfer"),
    ([ev("enter", "menu"), ev("no_input", "menu")], "abandoned", None),
])
def test_outcome_and_first_intent(events: list[tuple[str, str | None, str]], outcome: str,
                                  intent: str | None) -> None:
    timeline = outcomes.read(events)
    assert (timeline.outcome, timeline.intent) == (outcome, intent)


def test_where_the_caller_got_stuck() -> None:
    timeline = outcomes.read([
        ev("enter", "menu"), ev("invalid_speech", "menu"), ev("confirm_refused", "menu"),
        ev("choice", "menu", "intent=book"), ev("enter", "book"), ev("slot_declined", "book"),
        ev("no_match", "book")])
    assert timeline.stuck == [("re-prompt", "menu"), ("confirmation refused", "menu"),
                              ("confirmation refused", "book"), ("gave up on", "book")]
    assert (timeline.outcome, timeline.last_step) == ("abandoned", "book")
    assert outcomes.read([], screened=True).outcome == "screened"
