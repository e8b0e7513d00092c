from __future__ import annotations

from receptionist.call_flows.actions import Callback
from receptionist.call_flows.listening import (
    Ignore,
    ListenFor,
    Send,
    SpokenOption,
    hear,
    names_an_option,
)

MENU = ListenFor(answer="said", route="menu",
                 query=(("step", "menu"), ("attempt", 1), ("seq", 3)), options=(
                     SpokenOption(intent="book", digit="1", phrases=("appointment",)),
                     SpokenOption(intent="message", digit="2", phrases=("leave a message",))))
KEYS = ListenFor(answer="key", route="book", query=(("step", "book"), ("seq", 4)), options=(
    SpokenOption(intent="key1", digit="1", phrases=("yes",)),
    SpokenOption(intent="key2", digit="2", phrases=("no",))))
OFFER = KEYS.model_copy(update={"times": True})


def test_at_a_menu_whatever_was_said_goes_to_the_prompts_callback() -> None:
    heard = hear(MENU, "could I come in sometime this week?", "en-US")
    assert heard == Send(Callback("menu", (("step", "menu"), ("attempt", 1), ("seq", 3),
                                           ("said", "could I come in sometime this week?"))))


def test_silence_and_symbols_are_no_answer() -> None:
    assert hear(MENU, "", "en-US") == Ignore()
    assert hear(MENU, " 🙂 ... ", "en-US") == Ignore()


def test_a_long_transcript_is_clipped_in_the_callback() -> None:
    heard = hear(MENU, "word " * 2000, "en-US")
    assert isinstance(heard, Send)
    said = dict(heard.callback.query)["said"]
    assert isinstance(said, str) and len(said) <= 200


def test_at_a_key_prompt_words_stand_for_keys_or_are_ignored() -> None:
    assert hear(KEYS, "yes", "en-US") == Send(
        Callback("book", (("step", "book"), ("seq", 4), ("pressed", "1"))))
    assert hear(KEYS, "the weather", "en-US") == Ignore()
    assert hear(KEYS, "Thursday afternoon", "en-US") == Ignore()  # not an offer


def test_at_an_offer_a_day_or_time_is_an_answer() -> None:
    assert hear(OFFER, "Thursday afternoon", "en-US") == Send(
        Callback("book", (("step", "book"), ("seq", 4), ("said", "Thursday afternoon"))))
    assert isinstance(hear(OFFER, "demain matin", "fr-FR"), Send)
    assert hear(OFFER, "the weather", "en-US") == Ignore()


def test_stored_and_read_back_typed() -> None:
    assert ListenFor.load(KEYS.dump()) == KEYS
    assert ListenFor.load(OFFER.dump()) == OFFER
    assert ListenFor.load(None) is None
    assert ListenFor.load('{"voice": []}') is None  # an older or broken record: ignored


def test_partial_results_name_an_option_or_not() -> None:
    assert names_an_option(MENU, "appointment", "en-US") is not None
    assert names_an_option(MENU, "hmm", "en-US") is None


def test_the_engines_confidence_travels_with_the_words() -> None:
    from receptionist.call_flows.listening import keypad_please

    heard = hear(MENU, "I want to book", "en-US", 0.734)
    assert heard == Send(Callback("menu", (("step", "menu"), ("attempt", 1), ("seq", 3),
                                           ("said", "I want to book"), ("heard", "0.73"))))
    # Words the engine barely heard are no answer: noise turned into words.
    assert hear(MENU, "thank you", "en-US", 0.05) == Ignore()
    assert hear(KEYS, "yes", "en-US", 0.05) == Ignore()
    # Speech not decoded (recognition saturated): a menu asks for the keypad.
    assert keypad_please(MENU) == Send(Callback("menu", (
        ("step", "menu"), ("attempt", 1), ("seq", 3), ("keypad", 1))))
    assert keypad_please(KEYS) == Ignore()


def test_a_booking_confirmation_takes_how_whisper_writes_yes_and_no_in_both_languages(
        ) -> None:
    from receptionist.call_flows.booking.phrases import voice_choices

    for language, yes, no in (("en-US", "Yeah, please", "Nope"),
                              ("fr-FR", "Ouais", "Non merci")):
        confirm = ListenFor(answer="key", route="book", options=tuple(
            SpokenOption(intent=f"key{d}", digit=d, phrases=tuple(p))
            for d, p in voice_choices("confirm", language).items()))
        assert hear(confirm, yes, language, 0.5) == Send(Callback("book", (("pressed", "1"),)))
        assert hear(confirm, no, language, 0.5) == Send(Callback("book", (("pressed", "2"),)))


def test_words_the_step_reads_itself_come_before_the_keys() -> None:
    """The booking offer: "no thanks" or a plain yes go to the step as words (it asks
    which one, or books nothing), where "no" alone would have pressed 2."""
    offer = OFFER.model_copy(update={"words": ("no thanks", "sure")})
    query = (("step", "book"), ("seq", 4))
    assert hear(offer, "No thanks.", "en-US") == Send(
        Callback("book", (*query, ("said", "No thanks."))))
    assert hear(offer, "sure", "en-US") == Send(Callback("book", (*query, ("said", "sure"))))
    assert hear(offer, "no", "en-US") == Send(Callback("book", (*query, ("pressed", "2"))))
    assert hear(offer, "thanksgiving", "en-US") == Ignore()
    assert ListenFor.load(offer.dump()) == offer


def test_where_the_step_reads_the_whole_utterance_a_keys_phrase_comes_as_words() -> None:
    """What to book, with whom, the confirmation: "no, Thursday would be better" keeps
    its Thursday, "a check-up on Friday" its Friday; other words are still ignored."""
    confirm = OFFER.model_copy(update={"whole": True})
    query = (("step", "book"), ("seq", 4))
    assert hear(confirm, "No, sorry, Thursday would be better", "en-US") == Send(
        Callback("book", (*query, ("said", "No, sorry, Thursday would be better"))))
    assert hear(confirm, "yes", "en-US") == Send(Callback("book", (*query, ("said", "yes"))))
    assert hear(confirm, "the weather", "en-US") == Ignore()
    assert names_an_option(confirm, "no", "en-US") is not None
    assert ListenFor.load(confirm.dump()) == confirm
    # A "no" may go on ("no, sorry, Thursday…"): where its key is late, a partial "no"
    # decides nothing; a yes still decides at once.
    waiting = confirm.model_copy(update={"late": ("2",)})
    assert names_an_option(waiting, "No, sorry,", "en-US") is None
    assert names_an_option(waiting, "yes", "en-US") is not None
    assert ListenFor.load(waiting.dump()) == waiting


def test_what_to_book_and_with_whom_take_any_words() -> None:
    """Asked what to book, "move it" goes to the step (which takes the caller to their
    appointment); a confirmation still ignores words that are none of its answers."""
    asking = KEYS.model_copy(update={"whole": True, "any_words": True})
    query = (("step", "book"), ("seq", 4))
    assert hear(asking, "move it", "en-US") == Send(
        Callback("book", (*query, ("said", "move it"))))
    assert hear(asking, "thank you", "en-US", 0.05) == Ignore()  # barely heard: noise
    confirm = OFFER.model_copy(update={"whole": True})
    assert hear(confirm, "thank you for your help", "en-US") == Ignore()
    # The end of the words is awaited there ("a check-up…" before "…on Friday"); a
    # confirmation decides early as before.
    assert names_an_option(asking, "yes", "en-US") is None
    assert names_an_option(confirm, "yes", "en-US") is not None


def test_a_backchannel_over_a_menu_answers_nothing_but_answers_a_yes_or_no_question(
        ) -> None:
    """"Mm-hm", "yeah", « d'accord »: the caller follows the prompt, they do not choose."""
    from receptionist.call_flows.booking.phrases import voice_choices

    for language, said in (("en-US", ["Mm-hmm.", "Yeah.", "Okay", "uh huh", "all right"]),
                           ("fr-FR", ["D'accord.", "Oui oui", "Ah oui", "Ouais", "Hm hm"])):
        confirm = ListenFor(answer="said", route="menu", options=tuple(
            SpokenOption(intent=f"key{d}", digit=d, phrases=tuple(p))
            for d, p in voice_choices("confirm", language).items()))
        for words in said:
            assert hear(MENU, words, language, 0.9) == Ignore(), words
            assert isinstance(hear(confirm, words, language, 0.9), Send), words
    # With more words it is a request; at a menu whose choices are yes and no, an answer.
    assert isinstance(hear(MENU, "Okay, I'd like an appointment", "en-US", 0.9), Send)
    urgent = MENU.model_copy(update={"options": (
        SpokenOption(intent="urgent", digit="1", phrases=("yes",)),
        SpokenOption(intent="later", digit="2", phrases=("no",)))})
    assert isinstance(hear(urgent, "yeah", "en-US", 0.9), Send)
