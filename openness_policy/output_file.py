"""Output files replaced by writing over them: an existing regular file keeps its blocks and is cut to
the new length at the end, instead of being truncated to nothing first.

Truncating a large file to nothing frees all its blocks at once (~35 ms for a 150 MB SARIF log on
this project's benchmark machine, ext4), and ext4 then flushes the rewritten file to disk when it is
closed (its ``auto_da_alloc`` safeguard for files truncated and written again: up to ~60 ms more).
Writing over the old blocks and cutting at the end does neither; the content is the same. A new
path, a FIFO or a device, or a file this process may not read, is opened for writing as usual.
"""
from __future__ import annotations

import os
import stat
from typing import IO, Any, ContextManager


def replacing(path: str, binary: bool = False) -> ContextManager[IO[Any]]:
    """A text stream (UTF-8), or with ``binary`` a byte stream, open now (an ``OSError`` is raised here),
    whose writes become the whole content of ``path`` when the ``with`` block ends."""
    try:
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        regular = False
    if regular:
        try:
            if binary:
                return _CutAtEnd(open(path, "r+b"))  # noqa: SIM115 - closed by _CutAtEnd
            return _CutAtEnd(open(path, "r+", encoding="utf-8"))  # noqa: SIM115 - closed by _CutAtEnd
        except OSError:  # not readable by this process: written the usual way
            pass
    return open(path, "wb") if binary else open(path, "w", encoding="utf-8")


class _CutAtEnd:
    def __init__(self, fh: IO[Any]) -> None:
        self.fh = fh

    def __enter__(self) -> IO[Any]:
        return self.fh

    def __exit__(self, *exc: Any) -> None:
        with self.fh:
            self.fh.truncate()  # at what was written: nothing of the old content is left
