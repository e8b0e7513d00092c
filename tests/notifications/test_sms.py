"""The SMS channel's own rules."""

from __future__ import annotations

from receptionist.notifications.sms import plain_spaces


def test_french_no_break_spaces_become_plain_for_the_sms_alphabet() -> None:
    said = "Message de Mme\u00a0Durand\u202f: rappeler demain\u202f? «\u202furgent\u202f»"
    assert plain_spaces(said) == "Message de Mme Durand : rappeler demain ? « urgent »"
    assert plain_spaces("Call back: tomorrow") == "Call back: tomorrow"
