from __future__ import annotations

from receptionist.call_flows.actions import Callback
from receptionist.call_flows.listening import (
    Chose,
    Ignore,
    ListenFor,
    Send,
    SpokenOption,
    hear,
    names_an_option,
)

MENU = ListenFor(answer="choice", options=(
    SpokenOption(intent="book", digit="1", phrases=("appointment",), goto="book"),
    SpokenOption(intent="message", digit="2", phrases=("leave a message",), goto="take")))
KEYS = ListenFor(answer="key", route="book", query=(("step", "book"), ("seq", 4)), options=(
    SpokenOption(intent="key1", digit="1", phrases=("yes",)),
    SpokenOption(intent="key2", digit="2", phrases=("no",))))


def test_a_menu_phrase_chooses_its_option() -> None:
    heard = hear(MENU, "I'd like an appointment", "en-US", step="menu", seq=3, attempt=0)
    assert isinstance(heard, Chose) and heard.option.goto == "book"


def test_words_that_pick_nothing_are_a_wrong_key_at_a_menu() -> None:
    heard = hear(MENU, "what's the weather", "en-US", step="menu", seq=3, attempt=1)
    assert heard == Send(Callback.to("menu", step="menu", attempt=1, seq=3,
                                     heard="what's the weather"))


def test_at_a_key_prompt_words_stand_for_keys_or_are_ignored() -> None:
    assert hear(KEYS, "yes", "en-US", step="book", seq=4, attempt=0) == Send(
        Callback("book", (("step", "book"), ("seq", 4), ("pressed", "1"))))
    assert hear(KEYS, "the weather", "en-US", step="book", seq=4, attempt=0) == Ignore()


def test_stored_and_read_back_typed() -> None:
    assert ListenFor.load(KEYS.dump()) == KEYS
    assert ListenFor.load(None) is None
    assert ListenFor.load('{"voice": []}') is None  # an older or broken record: ignored


def test_partial_results_name_an_option_or_not() -> None:
    assert names_an_option(MENU, "appointment", "en-US") is not None
    assert names_an_option(MENU, "hmm", "en-US") is None
