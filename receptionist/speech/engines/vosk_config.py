"""Vosk model configuration that the Vosk API does not expose: dither.

Kaldi adds random noise (dither) to every frame before computing features unless told
not to. Vosk has no API switch for it, but reads the model's conf/mfcc.conf, so installed
models get `--dither=0.0` written there, and other model folders are loaded through a
view whose mfcc.conf says it. No vosk import here: `models install` uses this module.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

DITHER_OFF = "--dither=0.0"


def has_dither_setting(model_dir: Path) -> bool:
    conf = model_dir / "conf" / "mfcc.conf"
    return conf.is_file() and any(line.strip().startswith("--dither=")
                                  for line in conf.read_text().splitlines())


def turn_dither_off(model_dir: Path) -> None:
    """Write `--dither=0.0` into a model's own mfcc.conf (`models install`, fresh copy)."""
    conf = model_dir / "conf" / "mfcc.conf"
    if conf.is_file() and not has_dither_setting(model_dir):
        text = conf.read_text()
        conf.write_text(text + ("" if text.endswith("\n") or not text else "\n")
                        + DITHER_OFF + "\n")


def without_dither(model_dir: Path) -> Path:
    """The folder to load: the model itself when its mfcc.conf sets dither, otherwise a
    view of it (symlinks, in the temp folder) whose mfcc.conf turns dither off, so that
    the same audio always gives the same result. The model itself is never modified."""
    conf = model_dir / "conf" / "mfcc.conf"
    if not conf.is_file() or has_dither_setting(model_dir):
        return model_dir
    source = model_dir.resolve()
    digest = hashlib.sha256(f"{source}:{conf.stat().st_mtime_ns}".encode()).hexdigest()[:16]
    view = Path(tempfile.gettempdir()) / f"receptionist-vosk-{os.getuid()}-{digest}"
    if view.is_dir() and view.stat().st_uid == os.getuid() and (
            view / "conf" / "mfcc.conf").is_file():
        return view
    staging = Path(tempfile.mkdtemp(prefix=".vosk-view-", dir=tempfile.gettempdir()))
    for entry in source.iterdir():
        if entry.name != "conf":
            (staging / entry.name).symlink_to(entry)
    (staging / "conf").mkdir()
    for entry in (source / "conf").iterdir():
        if entry.name != "mfcc.conf":
            (staging / "conf" / entry.name).symlink_to(entry)
    (staging / "conf" / "mfcc.conf").write_text(conf.read_text().rstrip("\n") + "\n"
                                                + DITHER_OFF + "\n")
    try:
        staging.rename(view)  # atomic: another process may have made the same view
    except OSError:
        if view.is_dir() and view.stat().st_uid == os.getuid():
            shutil.rmtree(staging, ignore_errors=True)  # symlinks go, targets stay
            return view
        return staging  # the name is taken by someone else: use our private copy
    return view
