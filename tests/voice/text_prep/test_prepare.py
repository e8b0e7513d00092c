"""The whole preparation, in the order that keeps each concern's figures apart."""

from __future__ import annotations

from receptionist.voice.text_prep.prepare import for_speech


def test_english_prompt() -> None:
    assert for_speech("Welcome to DemoDental. Dr Martin can see you on Thursday, "
                      "December 3rd at 9:30 AM; a check-up is $80. Call 415 555 0100.",
                      "en-US") == (
        "Welcome to Demo Dental. Doctor Martin can see you on Thursday, December third at "
        "nine thirty a m; a check-up is 80 dollars. Call 4 1 5, 5 5 5, 0 1 0 0.")


def test_french_prompt() -> None:
    assert for_speech("Bienvenue au CabinetDupont. Le Dr Martin vous reçoit le 1er "
                      "décembre à 9 h 30 ; une consultation coûte 43 €. Rappelez le "
                      "06 12 34 56 78.", "fr-FR") == (
        "Bienvenue au Cabinet Dupont. Le docteur Martin vous reçoit le premier décembre à "
        "9 heures 30 ; une consultation coûte 43 euros. Rappelez le "
        "0 6, 12, 34, 56, 78.")


def test_plain_text_is_untouched() -> None:
    for text, language in (("How can I help you today?", "en-US"),
                           ("Comment puis-je vous aider ?", "fr-FR")):
        assert for_speech(text, language) == text


def test_french_no_break_spaces_are_read_as_plain_ones() -> None:
    assert for_speech("Vous souhaitez un rendez-vous\u202f? «\u202fOui\u202f»\u00a0: merci",
                      "fr-FR") == "Vous souhaitez un rendez-vous ? « Oui » : merci"
