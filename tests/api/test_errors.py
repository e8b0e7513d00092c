from __future__ import annotations

from receptionist.api.errors import status_of
from receptionist.appointments.booking import BookingError, NotASlot, SlotTaken
from receptionist.db import WriteConflict
from receptionist.i18n import N_


def test_domain_errors_map_to_http_statuses() -> None:
    # The API says a refusal in English, as its catalog text.
    assert status_of(SlotTaken(N_("refusal.booking.no_longer_free"))) == (
        409, "this time is no longer free")
    assert status_of(WriteConflict("UNIQUE constraint failed")) == (
        409, "this time was just taken")
    assert status_of(NotASlot(N_("refusal.booking.too_soon"), minutes=60)) == (
        422, "too soon: at least 60 minutes' notice")
    assert status_of(BookingError(N_("refusal.booking.cancelled"))) == (
        422, "this appointment is cancelled")
