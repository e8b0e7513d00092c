"""Which speech engine this instance uses (SPEECH_ENGINE) and what it can hear."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from receptionist.config import Settings
from receptionist.speech.recognizer import Recognizer


@dataclass(frozen=True)
class EngineSpec:
    """Enough to build the same recognizer in another process (see process_pool)."""

    name: str
    model_dirs: dict[str, str] = field(default_factory=dict)  # Vosk: language -> folder

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "model_dirs": self.model_dirs})

    @classmethod
    def from_json(cls, text: str) -> EngineSpec:
        data = json.loads(text)
        return cls(name=str(data["name"]), model_dirs=dict(data.get("model_dirs", {})))


def build_recognizer(settings: Settings) -> Recognizer:
    if settings.speech_engine == "vosk":
        from receptionist.speech.vosk_engine import VoskRecognizer

        return VoskRecognizer.from_folder(settings.vosk_model_dir)
    from receptionist.speech.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer()


def spec_of(recognizer: Recognizer) -> EngineSpec:
    """The spec of an engine built here, so that a child process builds the same one."""
    from receptionist.speech.vosk_engine import VoskRecognizer

    if isinstance(recognizer, VoskRecognizer):
        return EngineSpec("vosk", {k: str(v) for k, v in recognizer.model_dirs.items()})
    if recognizer.name == "pocketsphinx":
        return EngineSpec("pocketsphinx")
    raise ValueError(f"speech engine {recognizer.name!r} cannot run in a child process")


def build_from_spec(spec: EngineSpec) -> Recognizer:
    if spec.name == "vosk":
        from receptionist.speech.vosk_engine import VoskRecognizer

        return VoskRecognizer({k: Path(v) for k, v in spec.model_dirs.items()})
    if spec.name == "pocketsphinx":
        from receptionist.speech.pocketsphinx_engine import PocketsphinxRecognizer

        return PocketsphinxRecognizer()
    raise ValueError(f"unknown speech engine {spec.name!r}")


def speech_report(recognizer: Recognizer, languages: list[str]) -> list[str]:
    """One line per language: heard by which engine, or keypad only (and why)."""
    lines = []
    for language in sorted(set(languages)):
        if recognizer.supports(language):
            lines.append(f"speech {language}: {recognizer.name}")
        else:
            lines.append(f"speech {language}: no {recognizer.name} model, keypad only "
                         "(see `receptionist models list`)")
    return lines
