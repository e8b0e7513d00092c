from __future__ import annotations

import pytest

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import MenuChoice
from receptionist.demo import demo_script_text
from receptionist.understanding.phrase_match import match_intent, normalize, word_similarity


def choices(name: str) -> list[MenuChoice]:
    menu = parse_script(demo_script_text(name)).main_menu_step()
    assert menu is not None
    return menu.choices


EN = choices("demo.yaml")
FR = choices("demo-fr.yaml")


@pytest.mark.parametrize(("text", "intent"), [
    ("I'd like to book an appointment", "book"),
    ("Um, I need an APOINTMENT, please!", "book"),  # case, filler, typo
    ("booking", "book"),
    ("leave a mesage", "message"),
    ("can you call me back", "message"),
    ("What are your opening hours?", "hours"),
    ("when are you open", "hours"),
    ("Can I speak to someone?", "transfer"),
    ("operator", "transfer"),
    ("press two", "message"),
    ("zero", "transfer"),
    ("3", "hours"),
    ("I want a pizza", None),
    ("hello", None),
    ("", None),
    ("I want to book or leave a message", None),  # two wishes: ask again
])
def test_english(text: str, intent: str | None) -> None:
    assert match_intent(text, EN, "en-US").intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("Je voudrais prendre un rendez-vous", "book"),
    ("rendez vous", "book"),
    ("RENDEZVOUS", "book"),
    ("réservation", "book"),
    ("je souhaiterais reserver", "book"),  # accent missing
    ("laisser un message s'il vous plaît", "message"),
    ("messagerie", "message"),
    ("Quels sont vos horaires ?", "hours"),
    ("horaire", "hours"),
    ("je voudrais parler à quelqu'un", "transfer"),
    ("le secrétariat", "transfer"),
    ("tapez deux", "message"),
    ("un", "book"),
    ("une pizza", None),
    ("euh bonjour", None),
])
def test_french(text: str, intent: str | None) -> None:
    assert match_intent(text, FR, "fr-FR").intent == intent


def test_result_keeps_transcript_and_confidence() -> None:
    result = match_intent("  Book an appointment ", EN, "en-US")
    assert result.transcript == "Book an appointment"
    assert result.confidence == 1.0
    assert result.choice is not None and result.choice.goto == "book"
    miss = match_intent("pizza", EN, "en-US")
    assert miss.intent is None and miss.confidence < 0.75


def test_normalize_strips_accents_and_punctuation() -> None:
    assert normalize("Ré-server, S'IL vous plaît !") == ["re", "server", "s", "il", "vous",
                                                          "plait"]


def test_short_words_must_match_exactly() -> None:
    assert word_similarity("bok", "box") == 0.0
    assert word_similarity("appointment", "apointment") > 0.9


def test_a_key_named_politely_or_by_number_is_that_key() -> None:
    from receptionist.understanding.phrase_match import normalize, spoken_digit

    assert spoken_digit(normalize("number two please"), "en-US") == "2"
    assert spoken_digit(normalize("Press 2."), "en-US") == "2"
    assert spoken_digit(normalize("le trois s'il vous plaît"), "fr-FR") == "3"
    assert spoken_digit(normalize("two or three"), "en-US") is None


def test_a_word_cut_in_two_by_the_recogniser_is_still_heard() -> None:
    people = [MenuChoice(intent="okafor", digit="2", phrases=["dr okafor"], goto="x"),
              MenuChoice(intent="martin", digit="1", phrases=["dr martin"], goto="x")]
    assert match_intent("Dr. Oka for please", people, "en").intent == "okafor"
    types = [MenuChoice(intent="checkup", digit="1", phrases=["checkup"], goto="x"),
             MenuChoice(intent="cleaning", digit="2", phrases=["cleaning"], goto="x")]
    assert match_intent("I'd like a check up", types, "en").intent == "checkup"
