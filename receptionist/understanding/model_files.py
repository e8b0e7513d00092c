"""Trained intent models kept on disk, so that a process that starts (a CLI command, a
web instance, the worker) loads a script's model in milliseconds instead of training it
again (scikit-learn's import and the fit take seconds).

A file is named by the digest of what the model learnt from and how (the training set,
the features' and the learner's settings): a script version never changes its training
set, so a file never goes stale; a file that cannot be read is trained again. Plain
arrays (`numpy.savez`, no pickle), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
KEEP = 1024  # files; beyond this, the least recently written go


def digest(language: str, intents: Sequence[tuple[str, Sequence[str]]],
           settings: Sequence[object]) -> str:
    text = json.dumps([language, [[i, list(e)] for i, e in intents], [str(s) for s in settings]],
                      ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write `arrays` to `path` atomically; a cache that cannot be written is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError as exc:
        log.debug("intent model not kept on disk (%s): %s", path, exc)


def load(path: Path, names: Sequence[str]) -> dict[str, np.ndarray] | None:
    """The arrays of `path`, or None when it is missing or not a complete model file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in names}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        if path.exists():
            log.warning("intent model file %s unreadable (%s): training again", path, exc)
        return None


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.npz"), key=lambda f: f.stat().st_mtime)
    for old in files[:-KEEP]:
        old.unlink(missing_ok=True)
