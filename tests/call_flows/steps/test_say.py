from __future__ import annotations

from receptionist.call_flows.steps import say
from receptionist.text_fields import fill
from tests.call_flows.flow_helpers import make_ctx, said


def test_say_speaks_and_goes_on() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["welcome"]
    assert say.render(ctx, "welcome", step) == "when"  # type: ignore[arg-type]
    assert said(ctx.actions) == ["Bonjour."]
    assert [(e.label, e.target, e.instant) for e in say.exits(step)] == [  # type: ignore[arg-type]
        ("next", "when", True)]


def test_an_unknown_field_is_refused_with_its_line_and_braces_stay_literal() -> None:
    import pytest

    from receptionist.call_flows.loader import ScriptError, parse_script
    from tests.call_flows.flow_helpers import SCRIPT

    with pytest.raises(ScriptError) as raised:
        parse_script(SCRIPT.replace("text: Bonjour.", "text: Bonjour {caller}."))
    [problem] = raised.value.problems
    assert problem.path == "steps.welcome.text" and problem.line == 13
    assert "unknown field {caller}" in problem.reason and "{caller_name}" in problem.reason
    literal = parse_script(SCRIPT.replace("text: Bonjour.", 'text: "Bonjour {{ici}}."'))
    assert literal.steps["welcome"].text == "Bonjour {{ici}}."  # type: ignore[union-attr]


def test_a_stranger_is_greeted_without_a_name() -> None:
    def nameless(text: str, language: str) -> str:
        return say._without_name(fill(text, {"caller_name": ""}), language)

    assert nameless("Hello {caller_name}, welcome!", "en-US") == "Hello, welcome!"
    assert nameless("Hello {caller_name}!", "en-US") == "Hello!"
    assert nameless("Bonjour {caller_name} !", "fr-FR") == "Bonjour !"
    assert nameless("{caller_name}, hello.", "en-US") == "hello."
