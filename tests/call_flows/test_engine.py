from __future__ import annotations

import pytest

from receptionist.call_flows import engine
from receptionist.call_flows.actions import Gather, Hangup, Say, StreamAudio
from receptionist.call_flows.events import DialResult, KeyPressed
from tests.call_flows.flow_helpers import logged, make_ctx, said


def test_instant_steps_run_until_one_waits_for_the_caller() -> None:
    ctx = make_ctx()
    engine.start_call(ctx)
    assert said(ctx.actions) == ["Bonjour.",
                                 "Tapez 1 pour un message, 2 pour parler à quelqu'un."]
    assert isinstance(ctx.actions[-1], Gather)
    assert (ctx.call.current_step, ctx.call.seq) == ("menu", 1)
    assert [k for k, _ in logged(ctx)] == ["call_started", "enter", "enter", "hours", "enter",
                                           "prompt"]


def test_the_media_stream_is_forked_before_the_first_words() -> None:
    ctx = make_ctx()
    ctx.media_stream_url, ctx.media_stream_token = "wss://example.com/twilio/media", "tok"
    engine.start_call(ctx)
    assert ctx.actions[0] == StreamAudio("wss://example.com/twilio/media",
                                         (("callSid", ctx.call.call_sid), ("token", "tok")))


def test_an_answer_resumes_the_step_that_asked() -> None:
    ctx = make_ctx()
    engine.run_from(ctx, "menu")
    ctx.actions = []
    engine.resume(ctx, "menu", KeyPressed("2", attempt=0))
    assert ctx.call.current_step == "person"
    assert ("choice", "menu") in logged(ctx) and ("transfer", "person") in logged(ctx)


def test_the_end_of_the_script_hangs_up() -> None:
    ctx = make_ctx()
    engine.run_from(ctx, None)
    assert ctx.actions == [Hangup()]


def test_answers_the_step_cannot_take_are_flow_errors() -> None:
    ctx = make_ctx()
    with pytest.raises(engine.FlowError, match="does not wait"):
        engine.resume(ctx, "welcome", KeyPressed("1", attempt=0))
    with pytest.raises(engine.FlowError, match="cannot take DialResult"):
        engine.resume(ctx, "menu", DialResult("completed", 3))
    with pytest.raises(engine.FlowError, match="no step 'nowhere'"):
        engine.resume(ctx, "nowhere", KeyPressed("1", attempt=0))


def test_a_loop_of_instant_steps_is_stopped() -> None:
    ctx = make_ctx()
    looping = ctx.script.steps["welcome"].model_copy(update={"next": "welcome"})
    ctx.script.steps["welcome"] = looping
    with pytest.raises(engine.FlowError, match="without waiting"):
        engine.run_from(ctx, "welcome")


def test_apology_speaks_the_script_language_and_hangs_up() -> None:
    ctx = make_ctx()
    engine.apologise_and_hang_up(ctx)
    assert isinstance(ctx.actions[0], Say) and ctx.actions[0].language == "fr-FR"
    assert ctx.actions[-1] == Hangup()


