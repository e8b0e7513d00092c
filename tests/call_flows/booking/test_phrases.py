"""What a caller may say in the booking dialogue besides a key."""

from __future__ import annotations

import pytest

from receptionist.call_flows.booking.phrases import says_done


@pytest.mark.parametrize(("said", "language", "done"), [
    ("No thanks.", "en", True), ("that's all, thank you", "en", True),
    ("never mind, I'll call back", "en", True), ("no", "en", False),
    ("no, Thursday", "en", False), ("thanks, the first one", "en", False),
    ("Non merci.", "fr", True), ("c'est tout", "fr", True), ("ça ira merci", "fr", True),
    ("non, jeudi", "fr", False), ("oui merci", "fr", False),
])
def test_what_ends_the_booking_dialogue(said: str, language: str, done: bool) -> None:
    assert says_done(said, language) is done
