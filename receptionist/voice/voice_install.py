"""`receptionist voices install --from PATH`: Piper voices from a folder or an archive
(.tar.gz, .tar.xz, .zip) the owner downloaded, e.g. from rhasspy/piper-voices.

The source is unpacked or copied by the speech models' own safe installer
(speech/engines/safe_archive: every member checked before anything is written; no link,
device, absolute path or `..`; caps on size and count) into a staging folder inside the
voices folder. There each `NAME.onnx` beside its `NAME.onnx.json` is a voice: its name
must be a plain file name, its config must read as a Piper config (language, sample
rate), and it moves to `<voices>/piper/NAME/`. Nothing else of the source is kept. A
voice already installed is refused, never overwritten. The path is an argument the
command receives as data: it is never handed to a shell or another program.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from receptionist.speech.engines import safe_archive
from receptionist.speech.engines.safe_archive import ArchiveError
from receptionist.voice import catalog, piper_engine
from receptionist.voice.catalog import PIPER_FOLDER, Voice
from receptionist.voice.piper_engine import PiperFiles

# en_US-joe-medium, fr_FR-siwis-medium, de_DE-thorsten-high…: letters, digits, _ . -
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
MAX_VOICE_BYTES = 1024**3  # Piper's largest voices are ~120 MB
MAX_VOICE_FILES = 200


class VoiceInstallError(ValueError):
    """A voice source refused, with the reason in plain words."""


def _unpacked(source: Path, staging: Path) -> Path:
    target = staging / "source"
    if source.is_symlink():
        raise VoiceInstallError(f"{source} is a symbolic link: give the file or folder itself")
    if source.is_dir():
        return safe_archive.copy_folder(source, target, max_bytes=MAX_VOICE_BYTES,
                                        max_files=MAX_VOICE_FILES)
    if source.is_file():
        return safe_archive.extract(source, target, max_bytes=MAX_VOICE_BYTES,
                                    max_files=MAX_VOICE_FILES)
    raise VoiceInstallError(f"{source} is not a folder or an archive")


def _voices_in(folder: Path) -> list[PiperFiles]:
    found = []
    for model in sorted(folder.rglob("*.onnx")):
        name = model.name.removesuffix(".onnx")
        if not model.is_file():
            raise VoiceInstallError(f"{model.name} is not a file")
        config = model.with_name(model.name + ".json")
        if not config.is_file():
            raise VoiceInstallError(f"{model.name} has no {config.name} beside it")
        if not NAME.match(name) or ".." in name:
            raise VoiceInstallError(f"{name[:100]!r} is not a voice name (letters, digits, "
                                    "_ . - only)")
        try:
            piper_engine.read_config(config)
        except ValueError as exc:
            raise VoiceInstallError(str(exc)) from None
        found.append(PiperFiles(model, config))
    if not found:
        raise VoiceInstallError("no Piper voice in it (a NAME.onnx with its NAME.onnx.json)")
    names = [files.name for files in found]
    if len(set(names)) != len(names):
        raise VoiceInstallError("a voice name appears twice")
    return found


def install(source: Path, voices_dir: Path) -> list[Voice]:
    """Install every Piper voice in `source` into `voices_dir`; VoiceInstallError with
    nothing installed when anything is refused."""
    root = voices_dir / PIPER_FOLDER
    root.mkdir(parents=True, exist_ok=True)
    taken = {voice.name for voice in catalog.piper_voices(voices_dir)}
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    try:
        try:
            unpacked = _unpacked(source, staging)
        except ArchiveError as exc:
            raise VoiceInstallError(str(exc)) from None
        found = _voices_in(unpacked)
        for files in found:
            if files.name in taken or (root / files.name).exists():
                raise VoiceInstallError(f"the voice {files.name} is already installed")
        for files in found:
            folder = staging / "voices" / files.name
            folder.mkdir(parents=True)
            os.replace(files.model, folder / f"{files.name}.onnx")
            os.replace(files.config, folder / f"{files.name}.onnx.json")
        for files in found:
            os.rename(staging / "voices" / files.name, root / files.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    catalog.forget()
    installed = {v.name: v for v in catalog.piper_voices(voices_dir)}
    return [installed[files.name] for files in found if files.name in installed]
