"""`receptionist voices install --from PATH`: Piper voices from a folder or an archive,
through the models' safe installer; nothing installed when anything is refused."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from receptionist.voice import catalog
from receptionist.voice.voice_install import VoiceInstallError, install

CONFIG = {"audio": {"sample_rate": 22050}, "language": {"code": "fr_FR"},
          "espeak": {"voice": "fr"}}


def voice_files(folder: Path, name: str = "fr_FR-test-low") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.onnx").write_bytes(b"not really a model")
    (folder / f"{name}.onnx.json").write_text(json.dumps(CONFIG))
    return folder


def test_a_folder_installs_and_is_offered(tmp_path: Path) -> None:
    source = voice_files(tmp_path / "download" / "nested")
    (tmp_path / "download" / "README.md").write_text("kept out")
    [voice] = install(tmp_path / "download", tmp_path / "voices")
    assert voice.spec == "local:piper:fr_FR-test-low" and voice.language == "fr-FR"
    folder = tmp_path / "voices" / "piper" / "fr_FR-test-low"
    assert sorted(p.name for p in folder.iterdir()) == ["fr_FR-test-low.onnx",
                                                          "fr_FR-test-low.onnx.json"]
    assert source.is_dir()  # the source is copied, not moved
    assert not [p for p in (tmp_path / "voices" / "piper").iterdir() if p.name.startswith(".")]
    chosen = catalog.choose("local", "fr-FR", catalog.piper_voices(tmp_path / "voices"))
    assert chosen.name == "fr_FR-test-low"
    with pytest.raises(VoiceInstallError, match="already installed"):
        install(tmp_path / "download", tmp_path / "voices")


def test_an_archive_installs(tmp_path: Path) -> None:
    voice_files(tmp_path / "v")
    archive = tmp_path / "voice.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "v", arcname="fr_FR-test-low")
    [voice] = install(archive, tmp_path / "voices")
    assert voice.name == "fr_FR-test-low"
    zipped = tmp_path / "other.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("en_GB-other-medium.onnx", b"x")
        zf.writestr("en_GB-other-medium.onnx.json", json.dumps(
            {**CONFIG, "language": {"code": "en_GB"}}))
    [other] = install(zipped, tmp_path / "voices")
    assert other.language == "en-GB"


def _tar_with(tmp_path: Path, name: str, *, link: str | None = None) -> Path:
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        if link is not None:
            info.type, info.linkname = tarfile.SYMTYPE, link
            tar.addfile(info)
        else:
            data = json.dumps(CONFIG).encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


@pytest.mark.parametrize(("member", "link", "reason"), [
    ("../../escaped.onnx.json", None, "leads out"),
    ("/etc/cron.d/x.onnx.json", None, "absolute"),
    ("voice.onnx", "/etc/passwd", "symbolic link"),
])
def test_archives_that_lead_out_are_refused(tmp_path: Path, member: str, link: str | None,
                                            reason: str) -> None:
    with pytest.raises(VoiceInstallError, match=reason):
        install(_tar_with(tmp_path, member, link=link), tmp_path / "voices")
    assert not (tmp_path / "escaped.onnx.json").exists()
    assert os.listdir(tmp_path / "voices" / "piper") == []


def test_odd_sources_are_refused(tmp_path: Path) -> None:
    voices = tmp_path / "voices"
    (tmp_path / "empty").mkdir()
    with pytest.raises(VoiceInstallError, match="no Piper voice"):
        install(tmp_path / "empty", voices)
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    (lonely / "a.onnx").write_bytes(b"x")
    with pytest.raises(VoiceInstallError, match=r"no a\.onnx\.json"):
        install(lonely, voices)
    bad = voice_files(tmp_path / "bad", name="-rf")
    with pytest.raises(VoiceInstallError, match="not a voice name"):
        install(bad, voices)
    broken = voice_files(tmp_path / "broken")
    (broken / "fr_FR-test-low.onnx.json").write_text("{}")
    with pytest.raises(VoiceInstallError, match="not a Piper voice config"):
        install(broken, voices)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(VoiceInstallError, match=r"not a folder, a \.zip or a \.tar"):
        install(text, voices)
    with pytest.raises(VoiceInstallError, match="not a folder or an archive"):
        install(tmp_path / "missing", voices)
    linked = tmp_path / "linked"
    linked.symlink_to(tmp_path / "broken")
    with pytest.raises(VoiceInstallError, match="symbolic link"):
        install(linked, voices)
    inner = voice_files(tmp_path / "inner")
    (inner / "escape").symlink_to("/etc")
    with pytest.raises(VoiceInstallError, match="symbolic link"):
        install(inner, voices)
    assert os.listdir(voices / "piper") == []
