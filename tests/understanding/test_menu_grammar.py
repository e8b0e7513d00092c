from __future__ import annotations

from receptionist.call_flows.loader import parse_script
from receptionist.demo import demo_script_text
from receptionist.understanding.menu_grammar import menu_phrases, speakable


def test_menu_phrases_include_spoken_digits() -> None:
    menu = parse_script(demo_script_text("demo.yaml")).main_menu_step()
    assert menu is not None
    phrases = menu_phrases([(c.phrases, c.digit) for c in menu.choices], "en-US")
    assert {"appointment", "leave a message", "press one", "zero"} <= set(phrases)
    assert len(phrases) == len(set(phrases))


def test_french_phrases_are_speakable() -> None:
    menu = parse_script(demo_script_text("demo-fr.yaml")).main_menu_step()
    assert menu is not None
    phrases = menu_phrases([(c.phrases, c.digit) for c in menu.choices], "fr-FR")
    assert {"rendez vous", "parler à quelqu'un", "tapez deux", "deux"} <= set(phrases)
    assert speakable("« Ré-server ! »") == "ré server"
