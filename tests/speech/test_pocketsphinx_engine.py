"""Real recognition on synthesized speech sent through Twilio's channel (8 kHz μ-law)."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.schema import MenuStep
from receptionist.demo import demo_script_text
from receptionist.speech.audio import resample
from receptionist.speech.grammar import menu_phrases
from receptionist.speech.pocketsphinx_engine import PocketsphinxRecognizer
from receptionist.speech.recognizer import ModelUnavailable, recognize
from receptionist.understanding.phrase_match import match_intent
from tests.conftest import Speak

_MENU = parse_script(demo_script_text("demo.yaml")).main_menu_step()
assert isinstance(_MENU, MenuStep)
MENU: MenuStep = _MENU
PHRASES = menu_phrases([(c.phrases, c.digit) for c in MENU.choices], "en-US")


@pytest.fixture(scope="module")
def engine() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


@pytest.mark.parametrize(("said", "intent"), [
    ("appointment", "book"),
    ("book an appointment", "book"),
    ("message", "message"),
    ("leave a message", "message"),
    ("opening hours", "hours"),
    ("operator", "transfer"),
    ("pizza", None),
])
def test_menu_words_are_routed(engine: PocketsphinxRecognizer, speak: Speak, said: str,
                               intent: str | None) -> None:
    samples, rate = speak(said)
    heard = recognize(engine, samples, rate, language="en-US", phrases=PHRASES)
    assert match_intent(heard.transcript, MENU.choices, "en-US").intent == intent
    if intent is not None:
        assert heard.transcript == said


def test_streaming_reports_the_utterance_when_the_caller_stops(
        engine: PocketsphinxRecognizer, speak: Speak) -> None:
    samples, rate = speak("operator")
    audio = np.concatenate([resample(samples, rate, 16000), np.zeros(16000, np.int16)])
    stream = engine.stream(language="en-US", phrases=PHRASES)
    results = [r for i in range(0, audio.size, 320) if (r := stream.accept(audio[i:i + 320]))]
    assert [r.transcript for r in results] == ["operator"]  # before the end of the audio
    assert stream.finish() is None


def test_full_vocabulary_mode(engine: PocketsphinxRecognizer, speak: Speak) -> None:
    # The bundled general model is weak on espeak's voice; this phrase it hears reliably.
    samples, rate = speak("good morning")
    assert recognize(engine, samples, rate, language="en-US",
                     phrases=None).transcript == "good morning"


def test_decoders_are_few_and_shared(speak: Speak) -> None:
    engine = PocketsphinxRecognizer(max_decoders=2)
    engine.prewarm(["en-US"])
    samples, rate = speak("operator")
    streams = [engine.stream(language="en-US", phrases=PHRASES) for _ in range(6)]
    audio = np.concatenate([resample(samples, rate, 16000), np.zeros(16000, np.int16)])
    heard = [[r.transcript for i in range(0, audio.size, 320)
              if (r := s.accept(audio[i:i + 320]))] for s in streams]
    assert heard == [["operator"]] * 6
    assert engine._created == 2  # six concurrent streams, two decoders


def test_french_needs_another_engine(engine: PocketsphinxRecognizer) -> None:
    assert not engine.supports("fr-FR")
    with pytest.raises(ModelUnavailable, match="en-US only"):
        engine.stream(language="fr-FR", phrases=["message"])


def test_phrases_outside_the_dictionary_are_left_out(engine: PocketsphinxRecognizer) -> None:
    with pytest.raises(ModelUnavailable, match="dictionary"):
        engine.stream(language="en-US", phrases=["zzqxw"])
    stream = engine.stream(language="en-US", phrases=["zzqxw", "operator"])
    assert stream.finish() is None
