"""Vosk (Kaldi): the production engine. One model per language, loaded once and shared;
one KaldiRecognizer per stream, in grammar mode with an "[unk]" catch-all for menus."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

import vosk

from receptionist.speech.audio import Samples
from receptionist.speech.engines.vosk_config import without_dither
from receptionist.speech.recognizer import (
    ModelUnavailable,
    Recognition,
    recognize_by_streaming,
)

vosk.SetLogLevel(-1)
UNKNOWN = "[unk]"


class VoskRecognizer:
    name = "vosk"
    sample_rate = 16000

    def __init__(self, model_dirs: Mapping[str, Path]) -> None:
        """`model_dirs`: language key ("en", "fr", ...) -> an unpacked Vosk model folder."""
        self._dirs = {k.split("-")[0].lower(): Path(v) for k, v in model_dirs.items()}
        self._models: dict[str, vosk.Model] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, root: Path) -> VoskRecognizer:
        """Models installed as ROOT/<language>/ (what `receptionist models install` makes)."""
        dirs = {p.name: p for p in root.iterdir() if (p / "am").is_dir()} if root.is_dir() else {}
        return cls(dirs)

    @property
    def model_dirs(self) -> dict[str, Path]:
        return dict(self._dirs)

    def _key(self, language: str) -> str:
        return language.split("-")[0].lower()

    def supports(self, language: str) -> bool:
        return self._key(language) in self._dirs

    def model(self, language: str) -> vosk.Model:
        key = self._key(language)
        if key not in self._dirs:
            raise ModelUnavailable(f"no Vosk model installed for {language} "
                                   f"(installed: {', '.join(sorted(self._dirs)) or 'none'})")
        with self._lock:
            if key not in self._models:
                self._models[key] = vosk.Model(str(without_dither(self._dirs[key])))
            return self._models[key]

    def prewarm(self, languages: Sequence[str]) -> None:
        """Load the model of every language that has one, once, before the first call."""
        for language in set(languages):
            if self.supports(language):
                self.model(language)

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        stream = self.stream(language=language, phrases=phrases)
        return recognize_by_streaming(stream, audio, self.sample_rate)

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> VoskStream:
        model = self.model(language)
        if phrases is None:
            recognizer = vosk.KaldiRecognizer(model, self.sample_rate)
        else:
            grammar = json.dumps([*phrases, UNKNOWN], ensure_ascii=False)
            recognizer = vosk.KaldiRecognizer(model, self.sample_rate, grammar)
        recognizer.SetWords(True)
        return VoskStream(recognizer)


def _recognition(result_json: str) -> Recognition | None:
    result = json.loads(result_json)
    words = [w for w in result.get("result", []) if w.get("word") != UNKNOWN]
    text = " ".join(w["word"] for w in words)
    if not text:
        return None if not result.get("text") else Recognition("", 0.0)
    return Recognition(text, sum(float(w.get("conf", 0.0)) for w in words) / len(words))


class VoskStream:
    def __init__(self, recognizer: vosk.KaldiRecognizer) -> None:
        self._recognizer: vosk.KaldiRecognizer | None = recognizer

    def accept(self, samples: Samples, *, decode: bool = True) -> Recognition | None:
        if self._recognizer is None:
            raise RuntimeError("stream already finished")
        if self._recognizer.AcceptWaveform(samples.astype("<i2").tobytes()):
            return _recognition(self._recognizer.Result())
        return None

    def partial(self) -> str:
        """What the current utterance sounds like so far (grammar phrases only)."""
        if self._recognizer is None:
            return ""
        text = str(json.loads(self._recognizer.PartialResult()).get("partial", ""))
        return " ".join(w for w in text.split() if w != UNKNOWN)

    def peek(self) -> Recognition:
        """The utterance so far: its partial result (no confidence of its own)."""
        return Recognition(self.partial(), 1.0)

    def finish(self) -> Recognition | None:
        if self._recognizer is None:
            return None
        recognizer, self._recognizer = self._recognizer, None
        return _recognition(recognizer.FinalResult())
