"""Which speech engine this instance uses (SPEECH_ENGINE) and what it can hear."""

from __future__ import annotations

from receptionist.config import Settings
from receptionist.speech.recognizer import Recognizer


def build_recognizer(settings: Settings) -> Recognizer:
    if settings.speech_engine == "vosk":
        from receptionist.speech.vosk_engine import VoskRecognizer

        return VoskRecognizer.from_folder(settings.vosk_model_dir)
    from receptionist.speech.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer()


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
