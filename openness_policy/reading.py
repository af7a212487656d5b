"""Reading files safely: never follow a link out of the repository, never open a FIFO, socket or
device, never read more than the size limit, and turn undecodable bytes into a clear message."""
from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from openness_policy.limits import MAX_FILE_BYTES

DEFAULT_MAX_BYTES = MAX_FILE_BYTES
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


class Unsafe(Exception):
    """The path was not read; the message says why and what to do."""


class Undecodable(Exception):
    """The file is binary or not UTF-8 text; ``line`` is where the first bad byte is (1-based)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=8)
def _real_root(root: str) -> Path:
    """The repository's real path (keyed by absolute path), resolved once rather than once per file read."""
    return Path(os.path.realpath(root))


def check_path(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Path:
    """Return the real path to read, or raise :class:`Unsafe`.

    A path that passes through the repository must stay inside it once every symbolic link on the
    way is resolved (a link to a folder outside counts too); a path given outside the repository
    may not itself be a link.
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise Unsafe(f"cannot be read: {exc.strerror}") from None
    except ValueError:  # a NUL character in the name
        raise Unsafe("has a name no file can have; not read") from None
    lexical = os.path.abspath(path)
    if stat.S_ISREG(st.st_mode) and st.st_size <= max_bytes:
        real = _fast_real(lexical, path, _real_root(os.path.abspath(root)))
        if real is not None:
            return real
    return _check_slow(st, Path(lexical), _real_root(os.path.abspath(root)), max_bytes)


_FOLDERS: dict[str, tuple[str, int, int]] = {}  # lexical folder -> (real folder, st_dev, st_ino)
_FOLDERS_MAX = 4096


def _fast_real(lexical: str, path: Path | str, root: Path) -> Path | None:
    """The common case without resolving every folder on the way again: a regular file (``lstat``
    said so: not a link) in a folder whose real path is remembered and still inside the repository.

    Each folder's real path is resolved once; the entry is used only while the folder, reached
    through its links, is still the very directory resolved (same device and inode). None when
    this shortcut does not apply; the caller then checks the long way."""
    if ".." in os.fspath(path):  # lstat and abspath could name different files (also skips `a..b.yml`)
        return None
    folder, name = os.path.split(lexical)
    try:
        here = os.stat(folder)
    except (OSError, ValueError):
        return None
    hit = _FOLDERS.get(folder)
    if hit is None or hit[1] != here.st_dev or hit[2] != here.st_ino:
        try:
            real_folder = os.path.realpath(folder, strict=True)
            again = os.stat(real_folder)
        except (OSError, RuntimeError, ValueError):
            return None
        if (again.st_dev, again.st_ino) != (here.st_dev, here.st_ino):
            return None  # changed while being resolved
        if len(_FOLDERS) >= _FOLDERS_MAX:
            _FOLDERS.clear()
        hit = _FOLDERS[folder] = (real_folder, here.st_dev, here.st_ino)
    if hit[0] == folder:  # no link on the way: the path as given, already absolute and normal, is the real one
        return path if isinstance(path, Path) and os.fspath(path) == lexical else Path(lexical)
    real = Path(os.path.join(hit[0], name))
    if not _inside(real, root):
        return None  # a link on the way leads out of the repository: the long way says what to report
    return real


def _check_slow(st: os.stat_result, lexical: Path, root: Path, max_bytes: int) -> Path:
    try:
        real = Path(os.path.realpath(lexical, strict=True))
    except (OSError, RuntimeError, ValueError):
        raise Unsafe("is a symbolic link that loops or points nowhere; not followed") from None
    if real != lexical and not _inside(real, root):
        if stat.S_ISLNK(st.st_mode):
            raise Unsafe("is a symbolic link to a file outside the repository; not followed")
        if any(_inside(Path(os.path.realpath(folder)), root) for folder in lexical.parents):
            raise Unsafe("is inside a folder that is a symbolic link out of the repository; not followed")
    try:
        st = os.stat(real)
    except OSError as exc:
        raise Unsafe(f"cannot be read: {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise Unsafe("is a directory, not a manifest file")
    if not stat.S_ISREG(st.st_mode):
        raise Unsafe("is a FIFO, socket or device, not a regular file; not opened")
    if st.st_size > max_bytes:
        raise Unsafe(f"is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (--max-file-size); not read")
    return real


def read_bytes(real: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """At most ``max_bytes`` of a regular file. Opened without blocking and checked again once open,
    so a file swapped for a FIFO or device after :func:`check_path` is still never read.

    Read with ``os.read`` in pieces of about the file's size: a buffered ``read(max_bytes + 1)``
    would allocate a buffer of the whole limit (10 MiB) for every small file."""
    try:
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise Unsafe(f"cannot be read: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unsafe("is a FIFO, socket or device, not a regular file; not opened")
        left = max_bytes + 1
        piece = min(left, st.st_size + 1)  # + 1: one read sees the end of an unchanged file
        chunks = []
        try:
            while left > 0:
                chunk = os.read(fd, min(left, piece))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
                piece = 1 << 16
        except OSError as exc:
            raise Unsafe(f"cannot be read: {exc.strerror}") from None
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(data) > max_bytes:
        raise Unsafe(f"grew over the {max_bytes:,}-byte limit while being read; not read")
    return data


def read_text(real: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a checked regular file as text: UTF-8 (a BOM is dropped), CRLF kept for the parser."""
    return decode(read_bytes(real, max_bytes))


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or UTF-16 with a BOM; anything else is :class:`Undecodable`."""
    if data.startswith(_UTF32_BOMS):
        raise Undecodable("UTF-32 text; save the file as UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise Undecodable("not valid UTF-16 text despite its byte-order mark; save the file as UTF-8") from None
        if "\0" in text:
            raise Undecodable("binary content (NUL characters); a manifest must be UTF-8 text")
        return text
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        raise Undecodable(f"binary content (a NUL byte at line {line}); a manifest must be UTF-8 text", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Undecodable(f"not UTF-8 text (invalid byte at line {line}); save the file as UTF-8", line) from None
