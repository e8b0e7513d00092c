from __future__ import annotations

from receptionist.api.errors import status_of
from receptionist.appointments.booking import BookingError, NotASlot, SlotTaken
from receptionist.db import WriteConflict


def test_domain_errors_map_to_http_statuses() -> None:
    assert status_of(SlotTaken("that time is taken")) == (409, "that time is taken")
    assert status_of(WriteConflict("UNIQUE constraint failed")) == (
        409, "this time was just taken")
    assert status_of(NotASlot("not a slot")) == (422, "not a slot")
    assert status_of(BookingError("cancelled")) == (422, "cancelled")
