"""Which engine hears each language: the best installed by default, one named by
SPEECH_ENGINE otherwise; the same choice rebuilt in a recognition process."""

from __future__ import annotations

from pathlib import Path

import pytest

from receptionist.config import Settings
from receptionist.speech.engines.choice import (
    EngineSpec,
    build_from_spec,
    build_recognizer,
    engine_name,
    installed_parts,
    spec_of,
    speech_report,
)
from receptionist.speech.engines.pocketsphinx_engine import PocketsphinxRecognizer
from receptionist.speech.recognizer import ModelUnavailable


def settings_with(tmp_path: Path, **values: object) -> Settings:
    return Settings(vosk_model_dir=tmp_path / "models", **values)  # type: ignore[arg-type]


def test_by_default_whisper_hears_english_from_its_pypi_copy(tmp_path: Path) -> None:
    recognizer = build_recognizer(settings_with(tmp_path))
    assert [p.name for p in installed_parts(settings_with(tmp_path))] == [
        "whisper", "pocketsphinx"]
    assert engine_name(recognizer, "en-US") == "whisper (whisper-tiny-en)"
    assert engine_name(recognizer, "fr-FR") == ""
    assert speech_report(recognizer, ["en-US", "fr-FR", "en-US"]) == [
        "speech en-US: whisper (whisper-tiny-en)",
        "speech fr-FR: no installed model, keypad only (see `receptionist models list`)"]
    with pytest.raises(ModelUnavailable, match="no installed speech model hears fr-FR"):
        recognizer.stream(language="fr-FR", phrases=None)


def test_whisper_base_takes_french_and_vosk_comes_before_pocketsphinx(
        tmp_path: Path, whisper_base: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "whisper-base").symlink_to(whisper_base / "whisper-base")
    (models / "ko" / "am").mkdir(parents=True)  # a Vosk model folder (never loaded here)
    recognizer = build_recognizer(settings_with(tmp_path))
    assert engine_name(recognizer, "fr-FR") == "whisper (whisper-base)"
    assert engine_name(recognizer, "en-US") == "whisper (whisper-tiny-en)"  # faster
    assert [p.name for p in spec_of(recognizer).parts] == ["whisper", "vosk", "pocketsphinx"]


def test_speech_engine_names_one_engine(tmp_path: Path) -> None:
    recognizer = build_recognizer(settings_with(tmp_path, speech_engine="pocketsphinx"))
    assert engine_name(recognizer, "en-US") == "pocketsphinx"
    assert engine_name(recognizer, "fr-FR") == ""
    vosk = build_recognizer(settings_with(tmp_path, speech_engine="vosk"))
    assert not vosk.supports("en-US")  # no Vosk model installed: keypad only


def test_the_spec_rebuilds_the_same_choice_in_another_process(tmp_path: Path) -> None:
    recognizer = build_recognizer(settings_with(tmp_path))
    spec = spec_of(recognizer)
    again = build_from_spec(EngineSpec.from_json(spec.to_json()))
    assert spec_of(again) == spec
    assert engine_name(again, "en-GB") == "whisper (whisper-tiny-en)"
    # The shortest window whisper encodes (WHISPER_MIN_WINDOW_S) goes with it.
    short = spec_of(build_recognizer(settings_with(tmp_path, whisper_min_window_s=5)))
    assert short.parts[0].window_s == 5
    assert spec_of(build_from_spec(EngineSpec.from_json(short.to_json()))) == short
    assert spec_of(PocketsphinxRecognizer()).parts[0].name == "pocketsphinx"
