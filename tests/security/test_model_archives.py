"""Finding: `models install --from ARCHIVE` wrote outside its folder.

The attacks: a tar whose chain of symlinks resolves past PATH_MAX, so that tarfile's `data`
filter (Python 3.11.7) passes a link the kernel then follows out of the folder
(CVE-2025-4517), with a file written, or an outside file overwritten through a hard link;
hard links, `..`, absolute names, zips with `..`; bombs (a small archive expanding past
any disk); a folder whose files are symbolic links to secrets. Every one is refused before
anything is written, and nothing is left anywhere."""

from __future__ import annotations

import io
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from receptionist.cli import app
from receptionist.config import get_settings
from receptionist.speech.engines import safe_archive, whisper_models
from receptionist.speech.engines.safe_archive import ArchiveError, copy_folder, extract
from receptionist.speech.engines.vosk_models import ModelError
from receptionist.speech.engines.vosk_models import install as install_vosk
from tests.speech.engines.test_vosk_models import FILES as VOSK_FILES
from tests.speech.engines.test_vosk_models import make_zip

TINY = "whisper-tiny-en"
STEPS = "abcdefghijklmnop"
PATH_MAX = 4096


def _symlink_chain(tf: tarfile.TarFile, extracted_in: Path) -> str:
    """The published PoC's shape: nested folders with a symlink beside each, then a link
    whose resolved path exceeds PATH_MAX (realpath stops resolving it) leading back to
    the top; returns that link's name. `extracted_in` sizes the folders to the place
    the archive unpacks into."""
    comp = "d" * ((PATH_MAX - len(str(extracted_in)) - 1) // len(STEPS) - 2)
    path = ""
    for step in STEPS:
        folder = tarfile.TarInfo(os.path.join(path, comp))
        folder.type = tarfile.DIRTYPE
        tf.addfile(folder)
        link = tarfile.TarInfo(os.path.join(path, step))
        link.type, link.linkname = tarfile.SYMTYPE, comp
        tf.addfile(link)
        path = os.path.join(path, comp)
    top = tarfile.TarInfo(os.path.join(*STEPS, "l" * 254))
    top.type, top.linkname = tarfile.SYMTYPE, "../" * len(STEPS)
    tf.addfile(top)
    return top.name


def _escaping_tar(archive: Path, extracted_in: Path, outside: Path, *,
                  overwrite: bool = False) -> None:
    """`escape` -> `outside` through the chain; then a file written through it, or (with
    `overwrite`) a hard link to outside/secret.txt and a member of the same name."""
    depth = len(extracted_in.relative_to(outside.parent).parts)
    with tarfile.open(archive, "w") as tf:
        top = _symlink_chain(tf, extracted_in)
        escape = tarfile.TarInfo("escape")
        escape.type = tarfile.SYMTYPE
        escape.linkname = top + "/" + "../" * depth + outside.name
        tf.addfile(escape)
        if overwrite:
            hard = tarfile.TarInfo("link")
            hard.type, hard.linkname = tarfile.LNKTYPE, "escape/secret.txt"
            tf.addfile(hard)
        data = b"written by the archive"
        member = tarfile.TarInfo("link" if overwrite else "escape/pwned")
        member.size = len(data)
        tf.addfile(member, io.BytesIO(data))


def _install_staging(root: Path) -> Path:
    """Where whisper's installer unpacked before (root/.install-XXXXXXXX/.unpacked)."""
    return root / ".install-12345678" / ".unpacked"


def test_a_symlink_chain_past_path_max_writes_nothing_outside(tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "models"
    outside.mkdir()
    archive = tmp_path / "model.tar"
    _escaping_tar(archive, _install_staging(root), outside)
    with pytest.raises(ModelError, match="symbolic link"):
        whisper_models.install(TINY, root, source=archive)
    assert not (outside / "pwned").exists()
    assert list(outside.iterdir()) == [] and list(root.iterdir()) == []


def test_a_hard_link_through_the_chain_cannot_overwrite_an_outside_file(
        tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "models"
    outside.mkdir()
    (outside / "secret.txt").write_text("the owner's file")
    archive = tmp_path / "model.tar"
    _escaping_tar(archive, _install_staging(root), outside, overwrite=True)
    with pytest.raises(ModelError, match="symbolic link"):
        whisper_models.install(TINY, root, source=archive)
    assert (outside / "secret.txt").read_text() == "the owner's file"
    assert list(root.iterdir()) == []


def test_the_chain_is_refused_by_the_extractor_itself(tmp_path: Path) -> None:
    outside, target = tmp_path / "outside", tmp_path / "unpacked"
    outside.mkdir()
    archive = tmp_path / "voice.tar"
    _escaping_tar(archive, target, outside)
    with pytest.raises(ArchiveError, match="symbolic link"):
        extract(archive, target)
    assert not target.exists() and list(outside.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "voice.tar"]


def _tar(path: Path, members: list[tarfile.TarInfo], data: bytes = b"x") -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for info in members:
            if info.isfile():
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            else:
                tf.addfile(info)
    return path


def _info(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    return info


@pytest.mark.parametrize(("members", "reason"), [
    ([_info("model.bin"), _info("config.json", tarfile.LNKTYPE, "model.bin")], "hard link"),
    ([_info("config.json", tarfile.LNKTYPE, "/etc/passwd")], "hard link"),
    ([_info("model.bin"), _info("../model.bin")], "leads out"),
    ([_info("m/../../model.bin")], "leads out"),
    ([_info("/tmp/model.bin")], "absolute"),
    ([_info("C:/model.bin")], "absolute"),
    ([_info("..\\model.bin")], "backslash"),
    ([_info("model\nbin")], "control character"),
    ([_info("dev", tarfile.CHRTYPE)], "device"),
    ([_info("fifo", tarfile.FIFOTYPE)], "FIFO"),
    ([_info("model.bin"), _info("./model.bin")], "appears twice"),
    ([_info("Model.bin"), _info("model.bin")], "appears twice"),
    ([_info("model.bin"), _info("model.bin/config.json")], "is a file"),
    ([_info("m/config.json"), _info("m")], "inside it"),
])
def test_hostile_tar_members_are_refused_before_anything_is_written(
        tmp_path: Path, members: list[tarfile.TarInfo], reason: str) -> None:
    archive = _tar(tmp_path / "model.tar.gz", members)
    target = tmp_path / "area" / "unpacked"
    target.parent.mkdir()
    with pytest.raises(ArchiveError, match=reason):
        extract(archive, target)
    assert list(target.parent.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["area", "model.tar.gz"]


@pytest.mark.parametrize("name", ["../../evil", "/evil", "m/../../evil", "C:/evil",
                                  "m\\..\\..\\evil"])
def test_a_zip_leading_out_is_refused(tmp_path: Path, name: str) -> None:
    root = tmp_path / "deep" / "models"
    archive = make_zip(tmp_path / "vosk-model-small-fr-0.22.zip", {**VOSK_FILES, name: b"x"},
                       top="")
    with pytest.raises(ModelError, match="unsafe path"):
        install_vosk(str(archive), root)
    assert list(root.iterdir()) == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == [
        "deep", "models", "vosk-model-small-fr-0.22.zip"]


def test_a_zip_symlink_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        link = zipfile.ZipInfo("config.json")
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="symbolic link"):
        extract(archive, tmp_path / "unpacked")
    assert not (tmp_path / "unpacked").exists()


def _bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("model.bin", bytes(size))
    return path


def test_a_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    archive = _bomb(tmp_path / "bomb.zip", 8 << 20)
    assert archive.stat().st_size < 20_000
    with pytest.raises(ArchiveError, match="more than 1,048,576 bytes"):
        extract(archive, tmp_path / "unpacked", max_bytes=1 << 20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.zip"]


def test_a_header_that_lies_about_its_size_cannot_pass_the_cap(tmp_path: Path) -> None:
    """The central directory says 10 bytes; the data inflates to 8 MB."""
    archive = _bomb(tmp_path / "liar.zip", 8 << 20)
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature) + offset
        data[at:at + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError):
        extract(archive, tmp_path / "unpacked", max_bytes=1 << 20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liar.zip"]


def test_a_tar_declaring_more_than_the_cap_is_refused_at_its_header(tmp_path: Path) -> None:
    """A header declaring 5 GiB is refused before the reader skips (inflates) its data."""
    header = tarfile.TarInfo("model.bin")
    header.size = 5 << 30
    archive = tmp_path / "model.tar"
    archive.write_bytes(header.tobuf() + bytes(1 << 16))
    with pytest.raises(ModelError, match="more than 4,294,967,296 bytes"):
        whisper_models.install(TINY, tmp_path / "models", source=archive)
    assert list((tmp_path / "models").iterdir()) == []


def test_the_cli_refuses_an_archive_of_too_many_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOSK_MODEL_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    many = {**VOSK_FILES, **{f"graph/{n}": b"" for n in range(safe_archive.MAX_FILES)}}
    archive = make_zip(tmp_path / "vosk-model-small-fr-0.22.zip", many)
    try:
        result = CliRunner().invoke(app, ["models", "install", str(archive)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert f"more than {safe_archive.MAX_FILES} files" in result.output
    assert list((tmp_path / "models").iterdir()) == []


def test_a_folder_with_a_symlink_to_a_secret_is_refused(tmp_path: Path) -> None:
    """`--from FOLDER`: config.json a link to a file outside; the model itself genuine
    (the checksum of model.bin passes), so only the link can stop the copy."""
    secret = tmp_path / "secret.txt"
    secret.write_text("the server's secret")
    folder = tmp_path / "model"
    folder.mkdir()
    shipped = whisper_models.found(Path("/nonexistent"))[TINY]
    for file in ("model.bin", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(shipped / file, folder / file)
    (folder / "config.json").symlink_to(secret)
    root = tmp_path / "models"
    with pytest.raises(ModelError, match=r"config\.json is a symbolic link"):
        whisper_models.install(TINY, root, source=folder)
    assert list(root.iterdir()) == []
    (folder / "config.json").unlink()
    (folder / "sub").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(ArchiveError, match="sub is a symbolic link"):
        copy_folder(folder, tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


def test_an_honest_archive_and_folder_still_unpack(tmp_path: Path) -> None:
    source = tmp_path / "voice"
    (source / "sub").mkdir(parents=True)
    (source / "voice.onnx").write_bytes(b"\x01" * 5000)
    (source / "sub" / "voice.json").write_text("{}")
    archive = tmp_path / "voice.tar.gz"
    with tarfile.open(archive, "w:gz") as tf:
        tf.add(source, arcname=".")
    for unpacked in (extract(archive, tmp_path / "a"), copy_folder(source, tmp_path / "b")):
        assert (unpacked / "voice.onnx").read_bytes() == b"\x01" * 5000
        assert (unpacked / "sub" / "voice.json").read_text() == "{}"
    with pytest.raises(ArchiveError, match="already exists"):
        extract(archive, tmp_path / "a")
