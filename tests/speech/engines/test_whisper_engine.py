"""faster-whisper on phone audio: free transcripts of espeak sentences through μ-law, the
token budget and the confidence that keeps loops and noise from being routed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from receptionist.speech.audio import resample
from receptionist.speech.engines import whisper_models
from receptionist.speech.engines.whisper_engine import (
    MAX_TOKENS,
    WhisperRecognizer,
    compression_ratio,
    confidence_of,
    hint_of,
    said_twice,
    token_budget,
    window_for,
)
from receptionist.speech.recognizer import (
    ModelUnavailable,
    Recognition,
    recognize,
    recognize_by_streaming,
)
from tests.conftest import Speak


@pytest.fixture(scope="module")
def tiny() -> WhisperRecognizer:
    found = whisper_models.found(Path("/nonexistent"))
    return WhisperRecognizer({"whisper-tiny-en": found["whisper-tiny-en"]})


def test_an_english_sentence_on_the_phone_line_is_heard_word_for_word(
        tiny: WhisperRecognizer, speak: Speak) -> None:
    samples, rate = speak("I would like to book an appointment for next week")
    heard = recognize(tiny, samples, rate, language="en-US", phrases=None)
    said = ["i", "would", "like", "to", "book", "an", "appointment", "for", "next", "week"]
    words = heard.transcript.lower().replace(",", "").split()
    # Word for word but one (espeak's "book" is often heard as another word).
    assert len(words) == len(said) and sum(a != b for a, b in zip(words, said, strict=True)) <= 1
    assert "appointment" in words and heard.confidence > 0.5


def test_a_live_stream_gives_the_sentence_once_the_caller_stops(
        tiny: WhisperRecognizer, speak: Speak) -> None:
    samples, rate = speak("Can I talk to a real person")
    stream = tiny.stream(language="en-US", phrases=["appointment", "leave a message"])
    heard = recognize_by_streaming(stream, resample(samples, rate, 16000), 16000)
    assert heard.transcript.lower() == "can i talk to a real person"


def test_silence_gives_no_utterance(tiny: WhisperRecognizer) -> None:
    stream = tiny.stream(language="en", phrases=None)
    assert stream.accept(np.zeros(16000 * 3, dtype=np.int16)) is None
    assert stream.finish() is None


def test_a_saturated_process_skips_decoding(tiny: WhisperRecognizer, speak: Speak) -> None:
    samples, rate = speak("I need to cancel my appointment")
    audio = np.concatenate([resample(samples, rate, 16000), np.zeros(16000, dtype=np.int16)])
    stream = tiny.stream(language="en", phrases=None)
    results = [r for i in range(0, audio.size, 1600)
               if (r := stream.accept(audio[i:i + 1600], decode=False)) is not None]
    assert [(r.transcript, r.skipped) for r in results] == [("", True)]


def test_tiny_en_hears_english_only(tiny: WhisperRecognizer) -> None:
    assert tiny.supports("en-GB") and not tiny.supports("fr-FR")
    with pytest.raises(ModelUnavailable, match="no whisper model hears fr-FR"):
        tiny.stream(language="fr-FR", phrases=None)


def test_base_hears_french_within_its_token_budget(whisper_base: Path, speak: Speak) -> None:
    base = WhisperRecognizer({"whisper-base": whisper_base / "whisper-base"})
    assert base.model_name("fr-FR") == "whisper-base"
    samples, rate = speak("Je voudrais prendre rendez-vous", voice="fr")
    heard = recognize(base, samples, rate, language="fr-FR", phrases=None)
    assert heard.transcript  # espeak's French is hard: what matters is that it ends
    assert len(heard.transcript.split()) <= token_budget(rate * 3)


def test_the_token_budget_follows_the_audio() -> None:
    assert token_budget(16000) == 22
    assert token_budget(16000 * 10) == 76
    assert token_budget(16000 * 600) == MAX_TOKENS


def test_a_looping_transcript_has_little_confidence() -> None:
    loop = "et vous la fume " * 12
    assert compression_ratio(loop) > 2.4
    assert confidence_of(-0.2, 0.05, loop) < 0.3
    assert confidence_of(-0.2, 0.05, "I would like an appointment") > 0.7
    assert confidence_of(-0.2, 0.9, "thank you") < 0.15  # probably no speech at all
    assert confidence_of(-0.2, 0.05, "secrétaire, secrétaire, secrétaire") < 0.3
    assert confidence_of(-0.2, 0.05, "no no I said Tuesday") > 0.7


def test_no_hint_by_default_and_short_utterances_only_when_asked(
        speak: Speak, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny_dir = whisper_models.found(Path("/nonexistent"))["whisper-tiny-en"]
    prompts: list[str | None] = []
    for under in (0.0, 5.0):
        engine = WhisperRecognizer({"whisper-tiny-en": tiny_dir}, hint_under_s=under,
                                   min_window_s=30)  # transcribe's path, spied on
        model, _ = engine._model("en")
        original = model.transcribe

        def spy(*args: object, original: Any = original, **kwargs: Any) -> Any:
            prompts.append(kwargs.get("initial_prompt"))
            return original(*args, **kwargs)

        monkeypatch.setattr(model, "transcribe", spy)
        samples, rate = speak("appointment")
        stream = engine.stream(language="en", phrases=["appointment", "leave a message"])
        recognize_by_streaming(stream, resample(samples, rate, 16000), 16000)
    assert prompts == [None, "appointment, leave a message"]


def test_the_window_fits_the_utterance_within_its_bounds() -> None:
    second = 16000
    assert window_for(2 * second) == 10  # the default: a third of whisper's own
    assert window_for(2 * second, 30) == 30  # as whisper was trained
    assert window_for(2 * second, 5) == 5  # 2 s and a margin fit in the shortest
    assert window_for(int(6.5 * second), 5) == 8  # its length and a second, rounded up
    assert window_for(29 * second, 5) == 30 and window_for(60 * second, 1) == 30


def test_a_short_window_hears_a_sentence_and_a_recording_keeps_30_s(
        speak: Speak, monkeypatch: pytest.MonkeyPatch) -> None:
    """A live utterance is encoded in the window it needs (5 s here, 500 frames); a whole
    recording (a voicemail) keeps whisper's own 30 s chunks; silence is no words."""
    tiny_dir = whisper_models.found(Path("/nonexistent"))["whisper-tiny-en"]
    engine = WhisperRecognizer({"whisper-tiny-en": tiny_dir}, min_window_s=5)
    model, _ = engine._model("en")
    original = model.encode
    frames: list[int] = []

    def spy(features: Any) -> Any:
        frames.append(features.shape[-1])
        return original(features)

    monkeypatch.setattr(model, "encode", spy)
    samples, rate = speak("I would like to book an appointment")
    wide = resample(samples, rate, 16000)
    heard = recognize_by_streaming(engine.stream(language="en", phrases=None), wide, 16000)
    assert "appointment" in heard.transcript.lower() and heard.confidence > 0.5
    assert frames == [500]
    engine.recognize_whole(wide, language="en", phrases=None)
    assert frames[-1] == 3000
    assert engine.decode(np.zeros(16000, dtype=np.float32), language="en").transcript == ""


def test_a_sentence_said_twice_over_is_told_from_a_stammer() -> None:
    assert said_twice("Can I talk to a real person? Can I talk to a real person")
    assert said_twice("I'd like to book an appointment. I'd like to book an appointment.")
    assert not said_twice("I need, I need a cleaning on Friday")
    assert not said_twice("yes please, yes please")
    assert not said_twice("I'd like to book, I'd like to book a check-up on Monday "
                          "morning with Dr Martin if he is free")


def test_an_unsure_short_window_is_heard_again_in_the_full_window(
        tiny: WhisperRecognizer, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the short window hears surely stands; what it hears unsurely (a lone "yes" is
    often under 0.5 there) is decoded again in 30 s, as whisper was trained, and that
    result stands, even when less sure; a long utterance has no shorter window."""
    heard_in = {10: Recognition("Yes", 0.9), 30: Recognition("Yes", 0.7)}
    windows: list[int] = []

    def decode(model: Any, lang: str, audio: Any, *, vad: bool = False,
               hint: str | None = None, window_s: int = 30) -> Recognition:
        windows.append(window_s)
        return heard_in[window_s]

    engine = WhisperRecognizer(tiny.model_dirs)
    monkeypatch.setattr(engine, "_decode", decode)
    short = np.zeros(16000, dtype=np.float32)
    assert engine.decode(short, language="en") == Recognition("Yes", 0.9)
    assert windows == [10]
    heard_in[10] = Recognition("Yeah", 0.3)
    assert engine.decode(short, language="en") == Recognition("Yes", 0.7)
    assert windows == [10, 10, 30]
    heard_in[30] = Recognition("Yes", 0.2)
    assert engine.decode(short, language="en") == Recognition("Yes", 0.2)
    # Sure, but the sentence twice over: heard again too.
    heard_in[10] = Recognition("Can I talk to someone please? Can I talk to someone please",
                               0.8)
    heard_in[30] = Recognition("Can I talk to someone please", 0.85)
    assert engine.decode(short, language="en").transcript == "Can I talk to someone please"
    windows.clear()
    engine.decode(np.zeros(16000 * 29, dtype=np.float32), language="en")
    assert windows == [30]  # 29 s and a margin: the full window from the start
    windows.clear()
    heard_in[10] = Recognition("Yeah", 0.3)
    never = WhisperRecognizer(tiny.model_dirs, recheck_below=0.0)
    monkeypatch.setattr(never, "_decode", decode)
    never.decode(short, language="en")
    assert windows == [10]


def test_the_window_decode_is_transcribes_own_at_30_s(
        tiny: WhisperRecognizer, speak: Speak) -> None:
    """The short-window decode reimplements one `transcribe` segment: in the full window
    it hears what `transcribe` hears, with the same confidence (to the last frame)."""
    model, lang = tiny._model("en")
    for text in ("yes", "I would like to book an appointment for next week"):
        samples, rate = speak(text)
        audio = resample(samples, rate, 16000).astype(np.float32) / 32768.0
        ours = tiny._decode_in_window(model, lang, audio, hint=None, window_s=30)
        theirs = tiny._decode(model, lang, audio)
        assert ours.transcript == theirs.transcript
        assert abs(ours.confidence - theirs.confidence) < 0.02


def test_the_hint_is_the_menu_phrases_within_a_bound() -> None:
    assert hint_of(None) is None and hint_of([]) is None
    assert hint_of(["appointment", "appointment", " leave a message "]) == (
        "appointment, leave a message")
    assert len(hint_of([f"phrase number {i}" for i in range(100)]) or "") <= 300


def test_prewarm_loads_the_end_of_speech_model_of_the_streams(tiny: WhisperRecognizer) -> None:
    from receptionist.speech import vad

    vad._session.cache_clear()
    tiny.prewarm(["fr-FR"])  # a language this model does not hear: nothing to load
    assert vad._session.cache_info().currsize == 0
    tiny.prewarm(["en-US"])
    assert vad._session.cache_info().currsize == 1  # the first caller's stream finds it
