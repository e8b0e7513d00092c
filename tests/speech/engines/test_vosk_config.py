"""Dither off for Vosk models: written into installed models, a view for the others."""

from __future__ import annotations

import zipfile
from pathlib import Path

from receptionist.speech.engines.vosk_config import DITHER_OFF, has_dither_setting, without_dither
from receptionist.speech.engines.vosk_models import install

MFCC = "--use-energy=false\n--num-mel-bins=40\n"


def make_model(root: Path, mfcc: str = MFCC) -> Path:
    (root / "am").mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"acoustic")
    (root / "conf").mkdir()
    (root / "conf" / "mfcc.conf").write_text(mfcc)
    (root / "conf" / "model.conf").write_text("--min-active=200\n")
    return root


def test_installed_models_get_dither_off(tmp_path: Path) -> None:
    archive = tmp_path / "vosk-model-small-fr-0.22.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("m/am/final.mdl", b"x")
        zf.writestr("m/conf/mfcc.conf", "--use-energy=false")  # no final newline
    target, _ = install(str(archive), tmp_path / "models")
    assert (target / "conf" / "mfcc.conf").read_text() == f"--use-energy=false\n{DITHER_OFF}\n"
    assert without_dither(target) == target  # nothing more to do at load time


def test_other_models_load_through_a_view(tmp_path: Path) -> None:
    model = make_model(tmp_path / "pypi-model")
    view = without_dither(model)
    assert view != model
    assert (view / "conf" / "mfcc.conf").read_text() == MFCC + DITHER_OFF + "\n"
    assert (view / "am").resolve() == (model / "am").resolve()
    assert (view / "conf" / "model.conf").read_text() == "--min-active=200\n"
    assert (model / "conf" / "mfcc.conf").read_text() == MFCC  # the model is untouched
    assert not has_dither_setting(model)
    assert without_dither(model) == view  # made once, reused


def test_a_model_that_sets_dither_itself_is_left_alone(tmp_path: Path) -> None:
    model = make_model(tmp_path / "m", mfcc=MFCC + "--dither=1.0\n")
    assert without_dither(model) == model
    bare = tmp_path / "bare"
    (bare / "am").mkdir(parents=True)
    assert without_dither(bare) == bare  # no mfcc.conf: nothing to override
