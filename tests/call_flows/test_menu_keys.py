"""What a menu's prompts say about its keys: the keys named (English and French wording),
the check that refuses a key no choice has, and the sentence written from the choices."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.menu_keys import keys_named, keys_sentence, unknown_keys
from receptionist.call_flows.schema import MenuStep
from receptionist.cli.app import app
from receptionist.demo import demo_script_text
from tests.call_flows.test_loader import problems


@pytest.mark.parametrize(("text", "language", "keys"), [
    ("For our opening hours, press 3.", "en-US", ["3"]),
    ("Press 1 to book, 2 to leave a message, 4 to change or cancel, or 0 to speak with "
     "someone.", "en-US", ["1", "2", "4", "0"]),
    ("Press the 5 key. Hit star to hear this again. Press three for our hours.", "en-US",
     ["5", "*", "3"]),
    ("Pour nos horaires, tapez 3.", "fr-FR", ["3"]),
    ("Pour nos horaires, appuyez sur le 3 ; pour un message, appuyez sur la touche 2.",
     "fr-FR", ["3", "2"]),
    ("Tapez 1 pour prendre rendez-vous, 2 pour laisser un message ou 0 pour parler à "
     "quelqu'un.", "fr-FR", ["1", "2", "0"]),
    ("Faites le trois, ou appuyez sur la touche dièse.", "fr-FR", ["3", "#"]),
])
def test_the_keys_a_prompt_names(text: str, language: str, keys: list[str]) -> None:
    assert keys_named(text, language) == keys


@pytest.mark.parametrize(("text", "language", "keys"), [
    ("We are open Monday to Friday, 9 to 5, or 10 to 2 on Saturdays.", "en-US", []),
    ("Press 1 to book an appointment within 24 hours, from 9:00.", "en-US", ["1"]),
    ("Nous sommes ouverts de 9 h à 18 h, et 2 samedis par mois.", "fr-FR", []),
    ("Tapez 1 pour prendre un rendez-vous.", "fr-FR", ["1"]),  # « un » is no key there
])
def test_numbers_that_are_no_key(text: str, language: str, keys: list[str]) -> None:
    assert keys_named(text, language) == keys


def _menu(text: str) -> MenuStep:
    menu = parse_script(text).steps["main_menu"]
    assert isinstance(menu, MenuStep)
    return menu


@pytest.mark.parametrize("name", ["demo.yaml", "demo-fr.yaml"])
def test_moving_the_hours_key_while_the_prompt_says_3_is_refused(name: str) -> None:
    text = demo_script_text(name)
    assert unknown_keys(_menu(text), "en-US" if name == "demo.yaml" else "fr-FR") == []
    moved = text.replace('digit: "3"', 'digit: "7"')
    found = problems(moved)
    assert [(path, reason.split(",")[0]) for _, path, reason in found] == [
        ("steps.main_menu.reprompt", "this tells callers to press 3")]
    assert found[0][0] == moved.splitlines().index("    reprompt: >-") + 1


def test_the_cli_check_refuses_it_too(tmp_path: Path) -> None:
    path = tmp_path / "moved.yaml"
    path.write_text(demo_script_text("demo.yaml").replace('digit: "3"', 'digit: "7"'))
    result = CliRunner().invoke(app, ["script", "check", str(path)])
    assert result.exit_code == 1 and "press 3" in result.output


@pytest.mark.parametrize("name", ["demo.yaml", "demo-fr.yaml"])
def test_the_sentence_written_from_the_choices_names_each_key(name: str) -> None:
    script = parse_script(demo_script_text(name))
    menu = script.main_menu_step()
    assert menu is not None
    sentence = keys_sentence(menu.choices, script.language)
    assert keys_named(sentence, script.language) == ["1", "2", "3", "4", "0"]
    assert ("3 to know our opening hours" in sentence if name == "demo.yaml"
            else "3 pour connaître nos horaires" in sentence)
    # Written into the prompt, it passes the check whatever the keys became.
    moved = [c.model_copy(update={"digit": "7"}) if c.intent == "hours" else c
             for c in menu.choices]
    assert keys_named(keys_sentence(moved, script.language), script.language)[2] == "7"
    assert keys_sentence([c.model_copy(update={"digit": None}) for c in menu.choices],
                         script.language) == ""
