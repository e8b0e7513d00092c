"""Which speech engine hears each language (SPEECH_ENGINE) and what is installed.

By default (`auto`) each language is heard by the best installed engine, in this order:
faster-whisper (free transcripts, the most accurate measured), Vosk (a model per
language), pocketsphinx (en-US only, bundled, weak: it confirms at best). SPEECH_ENGINE
names one engine instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from receptionist.config import Settings
from receptionist.speech.audio import Samples
from receptionist.speech.recognizer import (
    ModelUnavailable,
    Recognition,
    Recognizer,
    UtteranceStream,
)

ORDER = ("whisper", "vosk", "pocketsphinx")


@dataclass(frozen=True)
class EnginePart:
    name: str  # whisper | vosk | pocketsphinx
    # whisper: model name -> folder; vosk: language -> folder; pocketsphinx: nothing
    dirs: dict[str, str] = field(default_factory=dict)
    # whisper: the shortest window it encodes, seconds (Settings.whisper_min_window_s)
    window_s: int | None = None


@dataclass(frozen=True)
class EngineSpec:
    """Enough to build the same recognizer in another process (see process_pool): the
    engines to try for a language, first to last."""

    parts: tuple[EnginePart, ...]

    def to_json(self) -> str:
        return json.dumps([{"name": p.name, "dirs": p.dirs, "window_s": p.window_s}
                           for p in self.parts])

    @classmethod
    def from_json(cls, text: str) -> EngineSpec:
        return cls(tuple(EnginePart(str(p["name"]), {str(k): str(v)
                                                      for k, v in p["dirs"].items()},
                                    None if p.get("window_s") is None
                                    else int(p["window_s"]))
                         for p in json.loads(text)))


def _build_part(part: EnginePart) -> Recognizer:
    if part.name == "whisper":
        from receptionist.speech.engines.whisper_engine import MIN_WINDOW_S, WhisperRecognizer

        return WhisperRecognizer({k: Path(v) for k, v in part.dirs.items()},
                                 min_window_s=part.window_s or MIN_WINDOW_S)
    if part.name == "vosk":
        from receptionist.speech.engines.vosk_engine import VoskRecognizer

        return VoskRecognizer({k: Path(v) for k, v in part.dirs.items()})
    if part.name == "pocketsphinx":
        from receptionist.speech.engines.pocketsphinx_engine import PocketsphinxRecognizer

        return PocketsphinxRecognizer()
    raise ValueError(f"unknown speech engine {part.name!r}")


def _part_of(recognizer: Recognizer) -> EnginePart:
    dirs = getattr(recognizer, "model_dirs", None)
    if recognizer.name not in ORDER:
        raise ValueError(f"speech engine {recognizer.name!r} cannot run in a child process")
    return EnginePart(recognizer.name, {k: str(v) for k, v in (dirs or {}).items()},
                      getattr(recognizer, "min_window_s", None))


class ByLanguage:
    """A recognizer that hands each language to the first engine that hears it."""

    name = "auto"
    sample_rate = 16000

    def __init__(self, engines: Sequence[Recognizer]) -> None:
        if any(e.sample_rate != self.sample_rate for e in engines):
            raise ValueError("every engine must take 16 kHz audio")
        self.engines = list(engines)

    def engine(self, language: str) -> Recognizer:
        for engine in self.engines:
            if engine.supports(language):
                return engine
        names = ", ".join(e.name for e in self.engines) or "none"
        raise ModelUnavailable(f"no installed speech model hears {language} (engines: "
                               f"{names}; see `receptionist models list`)")

    def engine_name(self, language: str) -> str:
        """"whisper (whisper-tiny-en)", "vosk", ... or "" when none hears it."""
        try:
            engine = self.engine(language)
        except ModelUnavailable:
            return ""
        model_name = getattr(engine, "model_name", None)
        model = model_name(language) if model_name is not None else None
        return f"{engine.name} ({model})" if model else engine.name

    def supports(self, language: str) -> bool:
        return any(e.supports(language) for e in self.engines)

    def prewarm(self, languages: Sequence[str]) -> None:
        for language in set(languages):
            if self.supports(language):
                self.engine(language).prewarm([language])

    def stream(self, *, language: str, phrases: Sequence[str] | None) -> UtteranceStream:
        return self.engine(language).stream(language=language, phrases=phrases)

    def recognize_whole(self, audio: Samples, *, language: str,
                        phrases: Sequence[str] | None) -> Recognition:
        return self.engine(language).recognize_whole(audio, language=language,
                                                     phrases=phrases)


def installed_parts(settings: Settings) -> list[EnginePart]:
    """What is installed, engine by engine, in the order a language tries them."""
    from receptionist.speech.engines import whisper_models

    root = settings.vosk_model_dir
    parts: dict[str, EnginePart] = {}
    whisper = whisper_models.found(root)
    if whisper and whisper_models.runtime_available():
        parts["whisper"] = EnginePart("whisper", {k: str(v) for k, v in whisper.items()},
                                      settings.whisper_min_window_s)
    vosk = {p.name: str(p) for p in root.iterdir() if (p / "am").is_dir()} \
        if root.is_dir() else {}
    if vosk or settings.speech_engine == "vosk":
        parts["vosk"] = EnginePart("vosk", vosk)
    parts["pocketsphinx"] = EnginePart("pocketsphinx")
    if settings.speech_engine != "auto":
        chosen = parts.get(settings.speech_engine, EnginePart(settings.speech_engine))
        return [chosen]
    return [parts[name] for name in ORDER if name in parts]


def build_recognizer(settings: Settings) -> ByLanguage:
    return ByLanguage([_build_part(p) for p in installed_parts(settings)])


def spec_of(recognizer: Recognizer) -> EngineSpec:
    """The spec of an engine built here, so that a child process builds the same one."""
    if isinstance(recognizer, ByLanguage):
        return EngineSpec(tuple(_part_of(e) for e in recognizer.engines))
    return EngineSpec((_part_of(recognizer),))


def build_from_spec(spec: EngineSpec) -> ByLanguage:
    return ByLanguage([_build_part(p) for p in spec.parts])


def engine_name(recognizer: Recognizer, language: str) -> str:
    if isinstance(recognizer, ByLanguage):
        return recognizer.engine_name(language)
    return recognizer.name if recognizer.supports(language) else ""


def speech_report(recognizer: Recognizer, languages: list[str]) -> list[str]:
    """One line per language: heard by which engine, or keypad only (and why)."""
    lines = []
    for language in sorted(set(languages)):
        name = engine_name(recognizer, language)
        if name:
            lines.append(f"speech {language}: {name}")
        else:
            lines.append(f"speech {language}: no installed model, keypad only "
                         "(see `receptionist models list`)")
    return lines
