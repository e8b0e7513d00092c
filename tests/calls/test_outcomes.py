"""How a call ended, read from its timeline."""

from __future__ import annotations

import pytest

from receptionist.calls import outcomes
from receptionist.calls.events import EventFields, EventKind

Ev = tuple[str, str | None, EventFields]


def ev(kind: str, step: str | None = None, intent: str | None = None) -> Ev:
    return EventKind(kind), step, EventFields(intent=intent)


@pytest.mark.parametrize(("events", "outcome", "intent"), [
    ([ev("enter", "menu"), ev("choice", "menu", "book"),
      ev("enter", "book"), ev("booked", "book")], "booked", "book"),
    ([ev("choice", "menu", "location")], "answered", "location"),
    ([ev("choice", "menu", "hours"),
      ev("choice", "menu", "message"),
      ev("message_recorded", "message")], "message", "hours"),
    # Nobody took the transfer: missed, even with a message left after it.
    ([ev("choice", "menu", "transfer"), ev("transfer_failed", "t"),
      ev("message_recorded")], "missed", "transfer"),
    ([ev("choice", "menu", "transfer"), ev("transfer_failed", "t"),
      ev("transfer_completed", "t")], "transferred", "transfer"),  # the second number
    # What the caller did to their appointment, not "booked" for all of it.
    ([ev("choice", "menu", "manage_booking"), ev("appointment_found", "m"),
      ev("cancelled", "m")], "cancelled", "manage_booking"),
    ([ev("choice", "menu", "manage_booking"), ev("moved", "m")], "moved", "manage_booking"),
    ([ev("choice", "menu", "manage_booking"), ev("kept", "m")], "answered",
     "manage_booking"),
    ([ev("choice", "menu", "transfer"), ev("transfer_completed", "t")],
     "transferred", "transfer"),
    ([ev("enter", "menu"), ev("no_input", "menu")], "abandoned", None),
])
def test_outcome_and_first_intent(events: list[Ev], outcome: str,
                                  intent: str | None) -> None:
    timeline = outcomes.read(events)
    assert (timeline.outcome, timeline.intent) == (outcome, intent)


def test_where_the_caller_got_stuck() -> None:
    timeline = outcomes.read([
        ev("enter", "menu"), ev("invalid_speech", "menu"), ev("confirm_refused", "menu"),
        ev("choice", "menu", "book"), ev("enter", "book"), ev("slot_declined", "book"),
        ev("no_match", "book")])
    assert timeline.stuck == [("re-prompt", "menu"), ("confirmation refused", "menu"),
                              ("confirmation refused", "book"), ("gave up on", "book")]
    assert (timeline.outcome, timeline.last_step) == ("abandoned", "book")
    assert outcomes.read([], screened=True).outcome == "screened"
