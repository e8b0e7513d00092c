"""The end-of-turn bench's own logic: the corpus, where speech ends, the model's check,
the features, and the two policies' arithmetic (the model itself runs in the bench)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from bench import end_of_turn
from bench.end_of_turn import Row, model_bytes, sentences, speech_end
from bench.smart_turn_features import log_mel


def test_the_corpus_is_the_callers_longer_sentences() -> None:
    english = sentences("en", 40)
    assert len(english) == 40 and len(set(english)) == 40
    assert all(len(s.split()) >= 4 for s in english)
    assert all(len(s.split()) >= 4 for s in sentences("fr", 10))


def test_speech_ends_after_the_last_sound() -> None:
    tone = (8000 * np.sin(np.arange(16000) / 5)).astype(np.int16)
    samples = np.concatenate([tone, np.zeros(8000, dtype=np.int16)])
    assert 16000 <= speech_end(samples) <= 16000 + 160
    assert speech_end(np.zeros(100, dtype=np.int16)) == 100


def test_the_model_is_checked(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(SystemExit, match="SHA-256"):
        model_bytes(fake, None)
    wheel = tmp_path / "pipecat_ai-1.14.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(end_of_turn.MODEL_MEMBER, b"also not the model")
    with pytest.raises(SystemExit, match="SHA-256"):
        model_bytes(None, wheel)
    with pytest.raises(SystemExit, match="pip download"):
        model_bytes(None, None)


def test_features_have_the_models_shape() -> None:
    audio = np.random.default_rng(0).normal(0, 0.1, 16000 * 3).astype(np.float32)
    features = log_mel(audio)
    assert features.shape == (80, 800) and features.dtype == np.float32
    assert features.max() - features.min() <= 2.0 + 1e-6  # 8 decades of log10, over 4


def test_the_policies_on_judged_clips() -> None:
    row = Row("en", "piper", "phone 8 kHz",
              complete=[(0.9, 10.0), (0.8, 30.0), (0.2, 20.0), (0.7, 10.0)],
              incomplete=[(0.1, 10.0), (0.9, 10.0)])
    line = row.table_line()
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[3] == "4 / 2"
    assert cells[4] == "75 %" and cells[5] == "50 %"  # 3 of 4 complete, 1 of 2 held
    # Complete turns: 200 ms + the model's time when judged complete, else 3 s.
    assert cells[7] == "600 / 600" and cells[8] == "230 / 3000"
    # A 400 ms pause never reaches the silence rule; the model cuts what it calls complete.
    assert cells[9] == "0 % / 50 %" and cells[10] == "100 % / 50 %"
