from __future__ import annotations

from receptionist.understanding.bands import Thresholds, band_of, understand
from receptionist.understanding.intent_model import builtin_model


def test_bands_follow_the_thresholds() -> None:
    thresholds = Thresholds(route=0.6, confirm=0.3)
    assert band_of("book", 0.9, thresholds) == "route"
    assert band_of("book", 0.6, thresholds) == "route"
    assert band_of("book", 0.45, thresholds) == "confirm"
    assert band_of("book", 0.1, thresholds) == "reprompt"
    assert band_of("out_of_scope", 0.99, thresholds) == "reprompt"


def test_a_clear_sentence_is_routed_with_alternatives() -> None:
    result = understand(builtin_model("en-US"), "I'd like to book an appointment please")
    assert (result.intent, result.band, result.top) == ("book", "route", "book")
    assert len(result.alternatives) == 3
    assert all(a.intent != "book" for a in result.alternatives)


def test_mostly_unknown_words_lower_the_confidence() -> None:
    model = builtin_model("en-US")
    plain = understand(model, "I want to book")
    elsewhere = understand(model, "I want to book a flight to Paris on Lufthansa")
    assert elsewhere.confidence < plain.confidence
    assert elsewhere.band != "route"


def test_outside_the_offered_intents_is_a_reprompt() -> None:
    result = understand(builtin_model("fr-FR"), "au revoir", among=frozenset({"yes", "no"}))
    assert result.band == "reprompt" and result.intent is None and result.top == "goodbye"


def test_stricter_thresholds_ask_more() -> None:
    model = builtin_model("en-US")
    text = "I was wondering about coming in"
    loose = understand(model, text, Thresholds(route=0.05, confirm=0.01))
    strict = understand(model, text, Thresholds(route=1.0, confirm=0.99))
    assert loose.band == "route" and strict.band == "reprompt"


def test_bad_input_gets_a_band_and_no_crash() -> None:
    model = builtin_model("fr-FR")
    for text in ["", " ", "x" * 10_000, "🙂🚑🙂", "I want un rendez-vous please merci",
                 "0123456789", "\x00\t\n", "<script>alert(1)</script>"]:
        result = understand(model, text)
        assert result.band in ("route", "confirm", "reprompt")
        assert len(result.transcript) <= 200
        assert (result.intent is None) == (result.band == "reprompt")


def test_the_engines_doubt_turns_a_route_into_a_question() -> None:
    from receptionist.understanding.bands import HEARD_FLOOR, HEARD_ROUTE, weigh_hearing

    assert weigh_hearing("route", None) == "route"  # typed words
    assert weigh_hearing("route", HEARD_ROUTE) == "route"
    assert weigh_hearing("route", HEARD_ROUTE - 0.01) == "confirm"
    assert weigh_hearing("confirm", 0.3) == "confirm"
    assert weigh_hearing("route", HEARD_FLOOR - 0.01) == "reprompt"
    assert weigh_hearing("reprompt", 0.99) == "reprompt"
