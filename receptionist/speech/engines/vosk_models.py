"""Vosk speech models: the official ones we know, and installing them (downloaded or from a
local .zip, checksum verified, every member checked before anything is unpacked
(speech.engines.safe_archive), moved into place atomically).

Installed models live in VOSK_MODEL_DIR/<language>/ (e.g. data/models/fr), which is what
VoskRecognizer.from_folder reads.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from receptionist.speech.engines import safe_archive
from receptionist.speech.engines.vosk_config import turn_dither_off

OFFICIAL_BASE = "https://alphacephei.com/vosk/models"


@dataclass(frozen=True)
class ModelSpec:
    language: str
    name: str
    size_mb: int

    def url(self, base: str = OFFICIAL_BASE) -> str:
        return f"{base}/{self.name}.zip"


# The small models: the ones sized for a 2-core server handling many calls.
CATALOG = {
    "en": ModelSpec("en", "vosk-model-small-en-us-0.15", 40),
    "fr": ModelSpec("fr", "vosk-model-small-fr-0.22", 41),
}
# Files without which Kaldi cannot load a model.
REQUIRED = ("am/final.mdl",)
REQUIRED_ONE_OF = ("conf/model.conf", "conf/mfcc.conf")

Progress = Callable[[int, int | None], None]  # (bytes so far, total or None)


class ModelError(RuntimeError):
    """A model that cannot be installed, with the reason in plain words."""


@dataclass(frozen=True)
class InstalledModel:
    language: str
    path: Path
    size_mb: float
    name: str


def installed(root: Path) -> list[InstalledModel]:
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir()):
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "am").is_dir():
            size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
            name_file = folder / "MODEL_NAME"
            name = name_file.read_text().strip() if name_file.is_file() else folder.name
            found.append(InstalledModel(folder.name, folder, size / 1e6, name))
    return found


def language_of(archive_name: str) -> str | None:
    """vosk-model-small-fr-0.22.zip -> fr; vosk-model-en-us-0.22 -> en."""
    match = re.match(r"vosk-model-(?:small-)?([a-z]{2,3})\b", archive_name.lower())
    return match.group(1) if match else None


def file_digests(path: Path) -> tuple[str, str]:
    """(md5, sha256) of a file: Vosk's model list publishes MD5 sums."""
    md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            md5.update(block)
            sha.update(block)
    return md5.hexdigest(), sha.hexdigest()


def download(url: str, dest: Path, progress: Progress | None = None,
             timeout_s: float = 30.0) -> None:
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=timeout_s) as response:
            if response.status_code != 200:
                raise ModelError(f"download failed: HTTP {response.status_code} from {url}")
            total = int(response.headers.get("content-length", 0)) or None
            done = 0
            with dest.open("wb") as out:
                for block in response.iter_bytes(1 << 16):
                    out.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
    except httpx.HTTPError as exc:
        raise ModelError(f"download failed: {exc}. Offline? Download the .zip elsewhere "
                         "and run `receptionist models install FILE.zip`.") from None


def published_md5(name: str, base: str = OFFICIAL_BASE, timeout_s: float = 15.0) -> str | None:
    """The MD5 the official model list gives for `name` (None if the list is unreachable)."""
    try:
        response = httpx.get(f"{base}/model-list.json", timeout=timeout_s)
        entries = response.json() if response.status_code == 200 else []
    except (httpx.HTTPError, ValueError):
        return None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("name") == name:
            md5 = entry.get("md5")
            return md5.lower() if isinstance(md5, str) else None
    return None


def _model_root(unpacked: Path) -> Path:
    """The folder of the unpacked archive that holds am/ and conf/ (the top one, or one
    folder down)."""
    folders = sorted(p for p in unpacked.iterdir() if p.is_dir())
    for candidate in [*folders, unpacked]:
        if (candidate / REQUIRED[0]).is_file():
            if not any((candidate / name).is_file() for name in REQUIRED_ONE_OF):
                raise ModelError(f"not a Vosk model: no {' or '.join(REQUIRED_ONE_OF)}")
            return candidate
    raise ModelError(f"not a Vosk model: no {REQUIRED[0]} in the archive")


def put_in_place(model: Path, dest_root: Path, name: str) -> Path:
    """Move a complete model folder to dest_root/<name>: a previous model there is
    replaced only once the new one is in place (no moment without a model)."""
    target = dest_root / name
    old = dest_root / f".old-{name}-{os.getpid()}"
    if target.exists():
        os.replace(target, old)
    os.replace(model, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def extract_model(archive: Path, dest_root: Path, language: str) -> Path:
    """Validate the archive and install its model as dest_root/<language>, atomically: the
    model appears whole or not at all, and a previous one is replaced only on success."""
    if not re.fullmatch(r"[a-z]{2,3}", language):
        raise ModelError(f"invalid language {language!r} (use a code such as fr or en)")
    try:
        with zipfile.ZipFile(archive):
            pass
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"{archive.name} is not a readable .zip: {exc}") from None
    dest_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=dest_root))
    try:
        try:  # every member checked before anything is written (speech.engines.safe_archive)
            unpacked = safe_archive.extract(archive, staging / "unpacked")
        except safe_archive.ArchiveError as exc:
            raise ModelError(str(exc)) from None
        model = _model_root(unpacked)
        (model / "MODEL_NAME").write_text(archive.stem + "\n")
        turn_dither_off(model)
        target = put_in_place(model, dest_root, language)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def install(source: str, dest_root: Path, *, language: str | None = None,
            sha256: str | None = None, base_url: str = OFFICIAL_BASE,
            progress: Progress | None = None) -> tuple[Path, str]:
    """Install from a language code (official download) or a local .zip. Returns the
    model folder and the archive's SHA-256 (for the operator's records)."""
    local = Path(source)
    with tempfile.TemporaryDirectory(prefix="vosk-download-") as tmp:
        expected_md5 = None
        if local.suffix == ".zip" or local.exists():
            if not local.is_file():
                raise ModelError(f"{source}: no such file")
            archive = local
            language = language or language_of(local.name)
            if language is None:
                raise ModelError(f"cannot tell the language of {local.name}: pass --language")
        else:
            spec = CATALOG.get(source.lower())
            if spec is None:
                raise ModelError(f"no official model known for {source!r} (known: "
                                 f"{', '.join(sorted(CATALOG))}); pass a .zip file instead")
            language = language or spec.language
            archive = Path(tmp) / f"{spec.name}.zip"
            download(spec.url(base_url), archive, progress)
            expected_md5 = published_md5(spec.name, base_url)
        md5, digest = file_digests(archive)
        if sha256 is not None and digest != sha256.lower():
            raise ModelError(f"checksum mismatch: SHA-256 is {digest}, expected {sha256}")
        if expected_md5 is not None and md5 != expected_md5:
            raise ModelError(f"checksum mismatch: MD5 is {md5}, the model list says "
                             f"{expected_md5}")
        return extract_model(archive, dest_root, language), digest
