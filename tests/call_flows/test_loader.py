from __future__ import annotations

import pytest

from receptionist.call_flows.loader import ScriptError, parse_script, script_warnings
from receptionist.call_flows.schema import MenuStep
from receptionist.demo import demo_script_text

MINIMAL = """\
business: Test Plumbing
timezone: Europe/Paris
language: fr-FR
start: menu
steps:
  menu:
    kind: menu
    prompt: Tapez 1.
    no_match: bye
    choices:
      - intent: message
        digit: "1"
        goto: bye
  bye:
    kind: hangup
"""


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ScriptError) as info:
        parse_script(text)
    return [(p.line, p.path, p.reason) for p in info.value.problems]


@pytest.mark.parametrize("name", ["demo.yaml", "demo-fr.yaml"])
def test_demo_scripts_are_valid_and_offer_the_contract_menu(name: str) -> None:
    script = parse_script(demo_script_text(name))
    menu = script.main_menu_step()
    assert isinstance(menu, MenuStep)
    assert {(c.intent, c.digit) for c in menu.choices} == {
        ("book", "1"), ("message", "2"), ("hours", "3"), ("manage_booking", "4"),
        ("transfer", "0")}
    goto = {c.intent: script.steps[c.goto].kind for c in menu.choices}
    assert goto["manage_booking"] == "manage_booking" and goto["book"] == "book"
    assert menu.prompt in ("How can I help you today?", "Comment puis-je vous aider ?")
    assert sorted(script.booking.practitioners) == ["lee", "martin", "okafor"]
    assert len(script.booking.types) == 3
    assert script_warnings(demo_script_text(name))[1] == []  # every built-in has a place


def test_warnings_name_the_built_in_intents_a_main_menu_cannot_send_anywhere() -> None:
    script, warnings = script_warnings(MINIMAL)
    assert script.business == "Test Plumbing"
    line = MINIMAL[:MINIMAL.index("    choices:")].count("\n") + 1
    assert {(w.line, w.path) for w in warnings} == {(line, "steps.menu.choices")}
    reasons = [w.reason for w in warnings]
    assert reasons[0].startswith("callers who ask to book an appointment (intent 'book')")
    assert any("(intent 'manage_booking')" in r for r in reasons)
    with pytest.raises(ScriptError):
        script_warnings(MINIMAL.replace("no_match: bye", "no_match: nowhere"))


def test_minimal_script_parses() -> None:
    script = parse_script(MINIMAL)
    assert script.business == "Test Plumbing"
    assert script.menu_step_id() == "menu"


def test_missing_step_is_reported_with_its_line() -> None:
    text = MINIMAL.replace("no_match: bye", "no_match: nowhere")
    assert problems(text) == [(9, "steps.menu.no_match", "refers to missing step 'nowhere'")]


def test_missing_start_step() -> None:
    assert problems(MINIMAL.replace("start: menu", "start: hello")) == [
        (4, "start", "refers to missing step 'hello'")]


def test_digit_used_twice() -> None:
    text = MINIMAL.replace('        goto: bye\n  bye:', '        goto: bye\n'
                           '      - intent: other\n        digit: "1"\n        goto: bye\n  bye:')
    assert problems(text) == [
        (15, "steps.menu.choices.1.digit", "digit '1' is already used by choice 1")]


def test_unknown_step_kind_points_at_kind_line() -> None:
    text = MINIMAL + "  extra:\n    kind: dance\n"
    [(line, path, reason)] = problems(text)
    assert (line, path) == (17, "steps.extra.kind")
    assert reason.startswith("unknown step kind 'dance'")


def test_invalid_time_zone() -> None:
    [(line, path, reason)] = problems(MINIMAL.replace("Europe/Paris", "Europe/Atlantis"))
    assert (line, path) == (2, "timezone")
    assert "unknown time zone 'Europe/Atlantis'" in reason


def test_unsupported_language_and_unknown_field() -> None:
    text = MINIMAL.replace("language: fr-FR", "language: de-DE\ncolour: blue")
    found = problems(text)
    assert (3, "language") in [(line, path) for line, path, _ in found]
    assert (4, "colour", "unknown field") in found


def test_bad_opening_hours() -> None:
    text = MINIMAL.replace("start: menu", "hours:\n  mon: [18:00-09:00]\nstart: menu")
    [(line, path, reason)] = problems(text)
    assert (line, path) == (4, "hours")
    assert reason == "mon: opening range '18:00-09:00' ends before it starts"


def test_invalid_yaml_gives_line() -> None:
    [(line, _, reason)] = problems(MINIMAL.replace("    prompt: Tapez 1.", "    prompt: [oops"))
    assert line is not None and line >= 8
    assert reason.startswith("invalid YAML")


def test_duplicate_key_is_rejected() -> None:
    [(line, _, reason)] = problems(MINIMAL.replace("  bye:\n    kind: hangup\n",
                                                   "  bye:\n    kind: hangup\n  bye:\n"
                                                   "    kind: hangup\n"))
    assert line is not None
    assert "invalid YAML" in reason


def test_steps_that_never_wait_cannot_loop() -> None:
    text = MINIMAL + ("  a:\n    kind: say\n    text: A\n    next: b\n"
                      "  b:\n    kind: say\n    text: B\n    next: a\n")
    [(_, _, reason)] = problems(text)
    assert "loop without ever waiting" in reason


def test_not_a_mapping() -> None:
    assert problems("- just\n- a list\n") == [(1, "", "a script must be a mapping of fields")]


def test_choice_that_can_never_be_chosen() -> None:
    text = MINIMAL.replace('        digit: "1"\n', "")
    assert problems(text) == [
        (11, "steps.menu.choices.0", "a choice needs a digit, phrases or examples, or it "
                                      "can never be chosen"),
        # and its prompt says « Tapez 1 » to callers
        (8, "steps.menu.prompt", "this tells callers to press 1, but no choice of this menu "
                                 "has that key: change the words or give a choice that key")]


def test_faq_and_bands_are_checked() -> None:
    text = MINIMAL.replace("steps:\n", """faq:
  - answer: Nous sommes au 3 rue Haute.
  - intent: location
    answer: Rue Haute.
    next: nowhere
  - intent: location
    answer: Encore.
understanding: {route: 0.3, confirm: 0.5}
steps:
""", 1)
    found = {(path, reason) for _, path, reason in problems(text)}
    assert found == {
        ("understanding.confirm", "must not be above `route`"),
        ("faq.0", "an answer needs `questions` (or a built-in `intent` such as location), "
                  "or it can never be asked"),
        ("faq.1.next", "refers to missing step 'nowhere'"),
        ("faq.2.intent", "intent 'location' is already answered by entry 2"),
    }


def test_examples_are_bounded_sentences() -> None:
    text = MINIMAL.replace('        digit: "1"\n',
                           '        digit: "1"\n        examples: ["", "ok"]\n')
    assert [path for _, path, _ in problems(text)] == ["steps.menu.choices.0.examples"]
    long = MINIMAL.replace('        digit: "1"\n',
                           '        digit: "1"\n        examples: ["' + "x" * 301 + '"]\n')
    assert [path for _, path, _ in problems(long)] == ["steps.menu.choices.0.examples.0"]
