from __future__ import annotations

from receptionist.call_flows.actions import Callback, Gather
from receptionist.call_flows.events import KeyPressed
from receptionist.call_flows.listening import ListenFor
from receptionist.call_flows.schema import MenuStep
from receptionist.call_flows.steps import menu
from tests.call_flows.flow_helpers import logged, make_ctx, said


def _menu() -> tuple[object, MenuStep]:
    ctx = make_ctx()
    step = ctx.script.steps["menu"]
    assert isinstance(step, MenuStep)
    return ctx, step


def test_render_waits_in_a_gather_and_listens_for_the_choices() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["menu"]
    assert isinstance(step, MenuStep)
    assert menu.render(ctx, "menu", step) is None
    gather = ctx.actions[-1]
    assert isinstance(gather, Gather)
    assert gather.callback == Callback.to("menu", step="menu", attempt=0, seq=1)
    listen = ListenFor.load(ctx.call.step_data)
    assert listen is not None and listen.answer == "choice"
    assert [(o.intent, o.digit, o.goto) for o in listen.options] == [
        ("message", "1", "take"), ("transfer", "2", "person")]


def test_a_key_picks_its_choice() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["menu"]
    assert isinstance(step, MenuStep)
    assert menu.resume(ctx, "menu", step, KeyPressed("1", attempt=0)) == "take"
    assert ctx.events[-1]["detail"] == "intent=message digit=1 via=keypad"


def test_wrong_keys_silence_and_words_retry_then_give_up() -> None:
    for event, kind, preface in (
            (KeyPressed("7", attempt=0), "invalid_key", "Désolé, ce choix n'est pas valide."),
            (KeyPressed("", attempt=0), "no_input", "Désolé, je n'ai rien entendu."),
            (KeyPressed("", attempt=0, misheard="la météo"), "invalid_speech",
             "Désolé, ce choix n'est pas valide.")):
        ctx = make_ctx()
        step = ctx.script.steps["menu"]
        assert isinstance(step, MenuStep)
        assert menu.resume(ctx, "menu", step, event) is None  # asked again
        assert said(ctx.actions)[0] == preface
        assert (kind, "menu") in logged(ctx) and ctx.call.attempt == 1
        last = KeyPressed(event.digits, attempt=1, misheard=event.misheard)
        assert menu.resume(ctx, "menu", step, last) == "bye"  # retries: 1
        assert ("no_match", "menu") in logged(ctx)


def test_exits_and_checks() -> None:
    ctx = make_ctx()
    step = ctx.script.steps["menu"]
    assert isinstance(step, MenuStep)
    assert [(e.label, e.target) for e in menu.exits(step)] == [
        ("1 / message", "take"), ("2 / transfer", "person"), ("no_match", "bye")]
    assert menu.problems(step) == []
    twice = step.model_copy(update={"choices": [step.choices[0], step.choices[0]]})
    assert [loc for loc, _ in menu.problems(twice)] == [("choices", 1, "digit"),
                                                        ("choices", 1, "intent")]
