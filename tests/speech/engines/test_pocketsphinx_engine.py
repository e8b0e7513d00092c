"""Real recognition on synthesized speech sent through Twilio's channel (8 kHz μ-law):
pocketsphinx decodes freely (no grammar cage) and, being weak, never routes on its own."""

from __future__ import annotations

import numpy as np
import pytest

from receptionist.call_flows.loader import parse_script
from receptionist.call_flows.meaning import meaning_at_menu
from receptionist.call_flows.schema import MenuStep
from receptionist.demo import demo_script_text
from receptionist.speech.audio import resample
from receptionist.speech.engines.pocketsphinx_engine import WEAK, PocketsphinxRecognizer
from receptionist.speech.recognizer import ModelUnavailable, recognize
from receptionist.understanding.menu_grammar import menu_phrases
from tests.conftest import Speak

SCRIPT = parse_script(demo_script_text("demo.yaml"))
_MENU = SCRIPT.main_menu_step()
assert isinstance(_MENU, MenuStep)
MENU: MenuStep = _MENU
PHRASES = menu_phrases([(c.phrases, c.digit) for c in MENU.choices], "en-US")


@pytest.fixture(scope="module")
def engine() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


def test_free_decoding_hears_what_it_can_with_a_weak_confidence(
        engine: PocketsphinxRecognizer, speak: Speak) -> None:
    # The bundled general model is weak on espeak's voice; this phrase it hears reliably.
    samples, rate = speak("good morning")
    heard = recognize(engine, samples, rate, language="en-US", phrases=PHRASES)
    assert (heard.transcript, heard.confidence) == ("good morning", WEAK)


@pytest.mark.parametrize("said", ["pizza", "appointment", "operator", "leave a message",
                                  "I would like to book an appointment"])
def test_its_words_are_confirmed_at_best_never_routed(
        engine: PocketsphinxRecognizer, speak: Speak, said: str) -> None:
    # With a grammar of the menu's phrases, "pizza" was forced onto "see" (of "see the
    # dentist") with confidence 1.0; decoding freely, nothing is forced.
    samples, rate = speak(said)
    heard = recognize(engine, samples, rate, language="en-US", phrases=PHRASES)
    assert heard.confidence <= WEAK
    assert meaning_at_menu(SCRIPT, MENU, heard.transcript, heard.confidence).band != "route"


def test_streaming_reports_the_utterance_when_the_caller_stops(
        engine: PocketsphinxRecognizer, speak: Speak) -> None:
    samples, rate = speak("good morning")
    audio = np.concatenate([resample(samples, rate, 16000), np.zeros(16000, np.int16)])
    stream = engine.stream(language="en-US", phrases=PHRASES)
    results = [r for i in range(0, audio.size, 320) if (r := stream.accept(audio[i:i + 320]))]
    assert [r.transcript for r in results] == ["good morning"]  # before the end of the audio
    assert stream.finish() is None


def test_decoders_are_few_and_shared(speak: Speak) -> None:
    engine = PocketsphinxRecognizer(max_decoders=2)
    engine.prewarm(["en-US"])
    samples, rate = speak("good morning")
    streams = [engine.stream(language="en-US", phrases=None) for _ in range(6)]
    audio = np.concatenate([resample(samples, rate, 16000), np.zeros(16000, np.int16)])
    heard = [[r.transcript for i in range(0, audio.size, 320)
              if (r := s.accept(audio[i:i + 320]))] for s in streams]
    assert heard == [["good morning"]] * 6
    assert engine._created == 2  # six concurrent streams, two decoders


def test_french_needs_another_engine(engine: PocketsphinxRecognizer) -> None:
    assert not engine.supports("fr-FR")
    with pytest.raises(ModelUnavailable, match="en-US only"):
        engine.stream(language="fr-FR", phrases=["message"])
