"""A script's steps and requests in words, never their ids."""

from __future__ import annotations

from receptionist.admin.script_words import intent_label, intent_title, step_label
from receptionist.call_flows.loader import parse_script
from receptionist.demo import demo_script_text

DEMO = parse_script(demo_script_text("demo.yaml"))
DEMO_FR = parse_script(demo_script_text("demo-fr.yaml"))


def test_steps_in_words() -> None:
    assert step_label(DEMO, "main_menu", "en") == "Main menu"
    assert step_label(DEMO, "main_menu", "fr") == "Menu principal"
    assert step_label(DEMO, "greeting", "en") == "Greeting"
    assert step_label(DEMO, "book", "en") == "Booking"
    assert step_label(DEMO, "my_appointment", "fr") == "Modification d'un rendez-vous"
    # Two message steps: told apart by what they say.
    assert step_label(DEMO, "message", "en") == (
        "Message recording “Please leave your name, number and…”")
    assert step_label(DEMO, "booking_request", "fr").startswith(
        "Enregistrement d'un message «\u202fWe cannot offer you a time")
    assert step_label(DEMO, "gone_step", "en") == "A step no longer in the script"
    assert step_label(None, "main_menu", "en") == "A step no longer in the script"


def test_requests_in_words() -> None:
    # The script's own label for its FAQ entries, the catalog's for built-in intents.
    assert intent_label(DEMO, "faq_2", "en") == "know our prices"
    assert intent_title(DEMO, "book", "en") == "Book an appointment"
    assert intent_title(DEMO, "book", "fr") == "Prendre rendez-vous"
    # A French script read in English: the built-in intents in English, its own labels
    # as the script says them.
    assert intent_title(DEMO_FR, "transfer", "en") == "Speak with someone"
    assert intent_title(None, "custom_thing", "en") == "Custom thing"
    assert intent_title(DEMO, None, "fr") == "Aucun choix"
