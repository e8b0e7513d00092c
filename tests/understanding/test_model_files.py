from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from receptionist.understanding import intent_model, model_files
from receptionist.understanding.intent_model import TrainingSet

SENTENCES = ["I'd like to book an appointment", "can I leave a message", "where are you",
             "book a flight to Paris", ""]


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "intent-models"
    intent_model.keep_models_in(folder)
    intent_model.model_for.cache_clear()
    yield folder
    intent_model.keep_models_in(None)
    intent_model.model_for.cache_clear()


def _ranks(model: intent_model.IntentModel) -> list[list[tuple[str, float]]]:
    return [[(r.intent, round(r.probability, 6)) for r in model.rank(s)] for s in SENTENCES]


def test_a_kept_model_ranks_as_the_trained_one(kept: Path) -> None:
    training = TrainingSet.of("en-US", {"pizza": ["a large pizza please"]})
    trained = intent_model.model_for(training)
    [file] = kept.glob("*.npz")
    intent_model.model_for.cache_clear()
    loaded = intent_model.model_for(training)
    assert loaded is not trained and _ranks(loaded) == _ranks(trained)
    assert loaded.known_share("book a flight to Paris") == trained.known_share(
        "book a flight to Paris")
    assert file.stat().st_size < 2_000_000
    # Another training set is another file.
    intent_model.model_for(TrainingSet.of("en-US", {"pizza": ["a small pizza"]}))
    assert len(list(kept.glob("*.npz"))) == 2


def test_a_damaged_file_is_trained_again_and_replaced(kept: Path) -> None:
    training = TrainingSet.of("fr-FR")
    trained = intent_model.model_for(training)
    [file] = kept.glob("*.npz")
    file.write_bytes(b"not a model")
    intent_model.model_for.cache_clear()
    again = intent_model.model_for(training)
    assert _ranks(again) == _ranks(trained)
    assert model_files.load(file, ("weights",)) is not None  # rewritten whole


def test_arrays_that_do_not_fit_together_are_not_a_model(kept: Path) -> None:
    training = TrainingSet.of("en-US")
    arrays = intent_model.model_for(training).arrays()
    arrays["bias"] = np.zeros(3, dtype=np.float32)
    assert intent_model._from_arrays(arrays) is None


def test_only_the_newest_files_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    monkeypatch.setattr(model_files, "KEEP", 2)
    for index in range(4):
        model_files.save(tmp_path / f"{index}.npz", {"x": np.arange(index + 1)})
    assert sorted(f.name for f in tmp_path.glob("*.npz")) == ["2.npz", "3.npz"]
    assert model_files.load(tmp_path / "0.npz", ("x",)) is None


def test_an_unwritable_folder_is_no_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    model_files.save(blocker / "sub" / "m.npz", {"x": np.arange(3)})  # no exception
    assert not (blocker / "sub").exists()
