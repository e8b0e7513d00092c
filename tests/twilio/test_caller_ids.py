"""Twilio's forms of a caller ID, as the call flows read them."""

from __future__ import annotations

import pytest

from receptionist.contacts import service as contacts
from receptionist.twilio.caller_ids import caller_number


@pytest.mark.parametrize("hidden", ["anonymous", "Anonymous", "ANONYMOUS", " restricted ",
                                    "Restricted", "unknown", "Private", "unavailable",
                                    "+266696687", "+7378742833", "+2562533", "+8656696",
                                    "+86282452253"])
def test_every_hidden_form_is_anonymous(hidden: str) -> None:
    assert caller_number(hidden) == "anonymous"
    assert contacts.is_anonymous(caller_number(hidden))


@pytest.mark.parametrize("caller", ["+15551230001", "+33612345678", "client:alice",
                                    "sip:alice@example.sip.twilio.com", ""])
def test_numbers_and_identities_are_kept(caller: str) -> None:
    assert caller_number(caller) == caller


def test_a_long_sip_identity_is_cut_to_what_a_call_row_keeps() -> None:
    long = "sip:" + "a" * 100 + "@example.sip.twilio.com"
    assert caller_number(long) == long[:64]
