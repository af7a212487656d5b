"""Reading files safely: never follow a link out of the repository, never open a FIFO, socket or
device, never read more than the size limit, and turn undecodable bytes into a clear message."""
from __future__ import annotations

import os
import stat
from pathlib import Path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class Unsafe(Exception):
    """The path was not read; the message says why and what to do."""


class Undecodable(Exception):
    """The file is binary or not UTF-8 text."""


def check_path(path: Path, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Path:
    """Return the real path to read, or raise :class:`Unsafe`."""
    try:
        st = os.lstat(path)
    except OSError as exc:
        raise Unsafe(f"cannot read: {exc.strerror}") from None
    real = path
    if stat.S_ISLNK(st.st_mode):
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            raise Unsafe("symbolic link that loops or points nowhere; not followed") from None
        try:
            real.relative_to(root)
        except ValueError:
            raise Unsafe("symbolic link to a file outside the repository; not followed") from None
        st = os.stat(real)
    if stat.S_ISDIR(st.st_mode):
        raise Unsafe("is a directory, not a manifest file")
    if not stat.S_ISREG(st.st_mode):
        raise Unsafe("is a FIFO, socket or device, not a regular file; not opened")
    if st.st_size > max_bytes:
        raise Unsafe(f"is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit (--max-file-size); not read")
    return real


def read_text(real: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a checked regular file as text: UTF-8 (a BOM is dropped), CRLF kept for the parser."""
    try:
        with open(real, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise Unsafe(f"cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise Unsafe(f"grew over the {max_bytes:,}-byte limit while being read; not read")
    return decode(data)


def decode(data: bytes) -> str:
    if b"\0" in data[:8192] or b"\0" in data:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise Undecodable("binary content (NUL bytes); a manifest must be UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise Undecodable(f"not UTF-8 text (invalid byte at line {line}); save the file as UTF-8") from None
