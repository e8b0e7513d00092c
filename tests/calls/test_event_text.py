"""An event's readable line, made from its fields: the wording the timeline always had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from receptionist.calls.event_text import describe
from receptionist.calls.events import EventFields, EventKind, Ranked, Reason, SlotOffered

PARIS = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("kind", "fields", "line"), [
    (EventKind.choice, EventFields(intent="message", digit="1", via="keypad"),
     "intent=message digit=1 via=keypad"),
    (EventKind.choice, EventFields(intent="book", via="speech"), "intent=book via=speech"),
    (EventKind.understood, EventFields(
        heard="it's urgent", band="confirm", intent="urgent", confidence=0.612,
        heard_confidence=0.35, alternatives=(Ranked(intent="urgent", probability=0.7),
                                             Ranked(intent="book", probability=0.1))),
     "heard=\"it's urgent\" band=confirm intent=urgent confidence=0.61 "
     "heard_confidence=0.35 next=urgent:0.70 book:0.10"),
    (EventKind.prompt, EventFields(attempt=2), "attempt 2"),
    (EventKind.no_match, EventFields(attempt=3), "after 3 attempts"),
    (EventKind.no_input, EventFields(), ""),
    (EventKind.no_input, EventFields(digit=""), "digit="),
    (EventKind.transfer_completed, EventFields(duration_s=95, number="+33100000001"),
     "talked 95s with +33100000001"),
    (EventKind.transfer_failed, EventFields(status="busy"), "busy"),
    (EventKind.transfer_failed, EventFields(reason=Reason.declined, number="+3310"),
     "declined by +3310"),
    (EventKind.transfer_failed, EventFields(reason=Reason.silent, number="+3310"),
     "answered by +3310 but no key pressed (voicemail?)"),
    (EventKind.transfer_failed, EventFields(reason=Reason.nobody_available, state="holiday"),
     "nobody takes calls now (holiday)"),
    (EventKind.transfer, EventFields(numbers=("+1", "+2"), screened=True),
     "dialing +1, +2 (screened)"),
    (EventKind.transfer_announced, EventFields(number="+1", attempt=2), "to +1 again"),
    (EventKind.booked, EventFields(appointment=3, at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                                   agenda="martin", type="cleaning"),
     "appointment 3 at 2026-03-02T09:00:00+00:00 agenda=martin type=cleaning"),
    (EventKind.offer, EventFields(offered=(
        SlotOffered(at=datetime(2026, 3, 2, 10, tzinfo=PARIS)),
        SlotOffered(at=datetime(2026, 3, 2, 11, tzinfo=PARIS)))), "Mon 02 10:00, Mon 02 11:00"),
    (EventKind.booking_unavailable, EventFields(reason=Reason.no_agenda, type="cleaning"),
     "no agenda for Want(type='cleaning', who=''): fallback"),
    (EventKind.rejected, EventFields(reason=Reason.rate_limit, limit=2),
     "over the limit of 2 new calls per minute"),
    (EventKind.status_timeout, EventFields(duration_s=15300),
     "no final status from Twilio after 4:15:00"),
    (EventKind.challenge_missed, EventFields(digit="1"), "key '1'"),
    (EventKind.type_chosen, EventFields(type="cleaning", heard="a cleaning"),
     "type=cleaning heard='a cleaning'"),
    (EventKind.end, EventFields(reason=Reason.goodbye), "the caller said goodbye"),
    (EventKind.hangup, EventFields(), ""),
])
def test_lines_read_as_the_timeline_always_did(kind: EventKind, fields: EventFields,
                                               line: str) -> None:
    assert describe(kind, fields) == line


def test_a_note_is_the_line_and_an_unknown_kind_shows_its_fields() -> None:
    assert describe(EventKind.offer, EventFields(note="Mon 06 10:00 main")) == "Mon 06 10:00 main"
    assert describe(EventKind.slot_taken, EventFields(note="no longer free")) == "no longer free"
    assert describe("retired_kind", EventFields(intent="book", attempt=1)) == (
        "intent=book attempt=1")
