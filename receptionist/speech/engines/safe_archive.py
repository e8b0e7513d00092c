"""Unpacking archives and copying folders we did not make (speech models, voices) without
trusting them.

Python's own extractors trust too much. `zipfile.extractall` writes whatever the members
declare, as large as they expand. tarfile's `data` filter checks a link's target with
`os.path.realpath`, which stops resolving once a chain of symlinks makes the path longer
than PATH_MAX: the check passes while the kernel follows the links out of the folder
(CVE-2025-4517), and it extracts member by member, so earlier members are already written
when a later one is refused.

Here every member is checked before anything is written: regular files and folders only
(no symbolic or hard links, devices, FIFOs, sparse files), names relative and inside the
target once normalised (no absolute path, `..`, drive letter, backslash, NUL or control
character), no name twice, at most `max_files` members and `max_bytes` declared in all.
Then each file is copied by us with a running byte count (a header that lies cannot pass
the cap) into a staging folder beside the target, which becomes the target only when
everything succeeded: on any refusal nothing is left.
"""

from __future__ import annotations

import lzma
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

# Caps sized generously for real models: a faster-whisper model is 75-500 MB (the largest
# conversions about 3 GB), the biggest Vosk model folders about 2 GB unpacked, a Piper
# voice under 100 MB; they hold tens of files, never thousands. Anything beyond is a bomb
# (a 2 MB archive once wrote 4 GB) or not a model.
MAX_BYTES = 4 * 1024**3
MAX_FILES = 2_000
MAX_NAME = 1024  # characters in a member's whole name
CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# What the extractors raise on damaged or hostile input (beside ArchiveError).
_READ_ERRORS = (OSError, EOFError, RuntimeError, NotImplementedError, zipfile.BadZipFile,
                tarfile.TarError, zlib.error, lzma.LZMAError)


class ArchiveError(ValueError):
    """An archive or folder refused, with the reason in plain words."""


@dataclass(frozen=True)
class _Member:
    name: str  # normalised: relative, "/"-separated, no "." or ".." parts
    is_dir: bool
    size: int
    open: Callable[[], IO[bytes]]


def safe_name(raw: str) -> str:
    """The member's name normalised ("./a//b/" -> "a/b"); ArchiveError when it could lead
    anywhere but inside the target. "" for the archive's own top folder ("./")."""
    if _CONTROL.search(raw) or "\\" in raw:
        raise ArchiveError(f"unsafe path in archive: {raw[:200]!r} (control character or "
                           "backslash)")
    if raw.startswith("/") or _DRIVE.match(raw):
        raise ArchiveError(f"unsafe path in archive: {raw[:200]!r} (absolute)")
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ArchiveError(f"unsafe path in archive: {raw[:200]!r} (leads out with ..)")
    if len(raw) > MAX_NAME or any(len(part.encode()) > 255 for part in parts):
        raise ArchiveError(f"unsafe path in archive: {raw[:200]!r}… (name too long)")
    return "/".join(parts)


class _Plan:
    """The members checked so far, against the caps and each other."""

    def __init__(self, max_bytes: int, max_files: int) -> None:
        self.max_bytes, self.max_files = max_bytes, max_files
        self.members: list[_Member] = []
        self.total = 0
        # Casefolded (two names are one file on a case-insensitive disk): name -> is a
        # folder; every folder some name lies in.
        self._names: dict[str, bool] = {}
        self._folders: set[str] = set()

    def add(self, raw: str, *, kind: str, size: int, open: Callable[[], IO[bytes]]) -> None:
        if kind not in ("file", "dir"):
            raise ArchiveError(f"refused member {raw[:200]!r}: a {kind} (only files and "
                               "folders are extracted)")
        name = safe_name(raw)
        if len(self.members) >= self.max_files:
            raise ArchiveError(f"more than {self.max_files} files in the archive")
        if size < 0 or (kind == "dir" and size):
            raise ArchiveError(f"refused member {raw[:200]!r}: impossible size {size}")
        self.total += size
        if self.total > self.max_bytes:
            raise ArchiveError(f"the archive unpacks to more than {self.max_bytes:,} bytes")
        if not name:
            if kind == "file":
                raise ArchiveError(f"unsafe path in archive: {raw[:200]!r} (no name)")
            return  # "./": the top folder itself
        key = name.casefold()
        if key in self._names:
            raise ArchiveError(f"refused member {name!r}: the name appears twice")
        if kind == "file" and key in self._folders:
            raise ArchiveError(f"refused member {name!r}: other members are inside it")
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if self._names.get(folder) is False:
                raise ArchiveError(f"refused member {name!r}: {folder!r} is a file")
            self._folders.add(folder)
        self._names[key] = kind == "dir"
        self.members.append(_Member(name, kind == "dir", size, open))


def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if info.flag_bits & 0x1:
        return "encrypted file"
    if kind == stat.S_IFLNK:
        return "symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "special file"
    return "dir" if info.is_dir() or kind == stat.S_IFDIR else "file"


def _tar_kind(info: tarfile.TarInfo) -> str:
    if info.issym():
        return "symbolic link"
    if info.islnk():
        return "hard link"
    if info.ischr() or info.isblk():
        return "device"
    if info.isfifo():
        return "FIFO"
    if info.issparse():
        return "sparse file"
    if info.isdir():
        return "dir"
    return "file" if info.isfile() else "special member"


def _zip_plan(zf: zipfile.ZipFile, plan: _Plan) -> None:
    for info in zf.infolist():
        plan.add(info.filename, kind=_zip_kind(info), size=info.file_size,
                 open=partial(zf.open, info))


def _tar_plan(tf: tarfile.TarFile, plan: _Plan) -> None:
    # One header at a time: a member over the cap is refused before the reader skips
    # (decompresses) its data to find the next one.
    for info in tf:
        plan.add(info.name, kind=_tar_kind(info), size=info.size,
                 open=partial(_tar_data, tf, info))


def _tar_data(tf: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    data = tf.extractfile(info)
    if data is None:
        raise ArchiveError(f"cannot read {info.name!r} in the archive")
    return data


@contextmanager
def _opened(archive: Path, plan: _Plan) -> Iterator[None]:
    """The archive open, its members planned (and checked) into `plan`."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            _zip_plan(zf, plan)
            yield
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            _tar_plan(tf, plan)
            yield
    else:
        raise ArchiveError(f"{archive.name} is not a folder, a .zip or a .tar archive")


def _copy(source: IO[bytes], path: Path, *, name: str, size: int, budget: int) -> int:
    """Copy one member to a new file (never through a link), counting: its bytes may not
    exceed its declared size nor the archive's remaining budget."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    written = 0
    with os.fdopen(fd, "wb") as out:
        while block := source.read(CHUNK):
            written += len(block)
            if written > size or written > budget:
                raise ArchiveError(f"{name!r} holds more than it declares: refused as a bomb")
            out.write(block)
    if written != size:
        raise ArchiveError(f"corrupt archive: {name!r} is truncated")
    return written


def _write(plan: _Plan, staging: Path) -> None:
    budget = plan.max_bytes
    for member in plan.members:
        path = staging.joinpath(*member.name.split("/"))
        if member.is_dir:
            path.mkdir(mode=0o755, parents=True, exist_ok=True)
            continue
        path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        with member.open() as source:
            budget -= _copy(source, path, name=member.name, size=member.size, budget=budget)


@contextmanager
def _staging_for(target: Path) -> Iterator[Path]:
    """A fresh folder beside `target` that becomes it when the block succeeds; removed
    otherwise."""
    if target.exists() or target.is_symlink():
        raise ArchiveError(f"{target} already exists")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name[:50]}-", dir=target.parent))
    try:
        yield staging
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def extract(archive: Path, target: Path, *, max_bytes: int = MAX_BYTES,
            max_files: int = MAX_FILES) -> Path:
    """Unpack a .zip or .tar (gz, bz2, xz) into `target` (a new folder; its parent must
    exist), every member checked before anything is written. ArchiveError, with nothing
    written, when anything is refused."""
    plan = _Plan(max_bytes, max_files)
    try:
        with _opened(archive, plan), _staging_for(target) as staging:
            _write(plan, staging)
    except ArchiveError:
        raise
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"corrupt archive: {exc}") from None
    except _READ_ERRORS as exc:
        raise ArchiveError(f"cannot read {archive.name}: {exc}") from None
    return target


def copy_folder(source: Path, target: Path, *, max_bytes: int = MAX_BYTES,
                max_files: int = MAX_FILES) -> Path:
    """Copy a folder's files and folders into `target` (a new folder) under the same rules
    as an archive. A symbolic link anywhere inside is refused, never followed: entries are
    opened one level at a time from the opened folder, never through a link."""
    plan = _Plan(max_bytes, max_files)
    try:
        top = os.open(source, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise ArchiveError(f"cannot read the folder {source}: {exc}") from None
    try:
        _plan_folder(top, [], plan)
        with _staging_for(target) as staging:
            _write(plan, staging)
    except ArchiveError:
        raise
    except OSError as exc:
        raise ArchiveError(f"cannot copy {source}: {exc}") from None
    finally:
        os.close(top)
    return target


def _plan_folder(top: int, parts: list[str], plan: _Plan) -> None:
    folder = _open_under(top, parts, directory=True)
    try:
        names = sorted(os.listdir(folder))
        kinds = [os.stat(name, dir_fd=folder, follow_symlinks=False) for name in names]
    finally:
        os.close(folder)
    for name, info in zip(names, kinds, strict=True):
        path = "/".join([*parts, name])
        if stat.S_ISLNK(info.st_mode):
            raise ArchiveError(f"{path} is a symbolic link: copy the files it points to "
                               "into the folder (cp -rL) and install from the copy")
        if stat.S_ISDIR(info.st_mode):
            plan.add(path + "/", kind="dir", size=0, open=_no_data)
            _plan_folder(top, [*parts, name], plan)
        elif stat.S_ISREG(info.st_mode):
            plan.add(path, kind="file", size=info.st_size,
                     open=partial(_open_file, top, [*parts, name]))
        else:
            plan.add(path, kind="special file", size=0, open=_no_data)


def _open_under(top: int, parts: list[str], *, directory: bool) -> int:
    """A descriptor of top/parts…, each level opened without following a link (a link
    swapped in after the listing fails here)."""
    fd = os.dup(top)
    try:
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            flags = os.O_RDONLY | os.O_NOFOLLOW
            if directory or not last:
                flags |= os.O_DIRECTORY
            inner = os.open(part, flags, dir_fd=fd)
            os.close(fd)
            fd = inner
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_file(top: int, parts: list[str]) -> IO[bytes]:
    fd = _open_under(top, parts, directory=False)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ArchiveError(f"{'/'.join(parts)} changed into something other than a file")
    return os.fdopen(fd, "rb")


def _no_data() -> IO[bytes]:
    raise ArchiveError("a folder has no data")
