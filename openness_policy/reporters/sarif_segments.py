"""The spool's segment files: the SARIF results of consecutive manifest files, as written by a worker
(or by the parent when it holds too many) and read back once every file is judged.

A segment holds every result's text in UTF-8, one after another (copied to the output as they are,
never decoded and encoded again), then the files' sort keys (pickled; unpickled only when a result
kept aside has to be merged in among a file's results, which is rare), then a pickled header (each
file's path, rule ids and where its texts end), then where the keys and the header start.
"""
from __future__ import annotations

import os
import struct
from itertools import accumulate
from typing import Any, Iterator

# A file's results as spooled: (display, rule ids, texts, where each text ends in them, sort keys). The texts are
# UTF-8, one after another: copied from a segment to the output as they are, never decoded and encoded again. On
# disk the keys stay pickled (bytes) until a result kept aside has to be merged in among that file's results, which
# is rare.
Stored = tuple[str, list[str], bytes, list[int], Any]


def pack(texts: list[str]) -> tuple[bytes, list[int]]:
    """``texts`` as UTF-8 one after another, and where each ends."""
    joined = "".join(texts)
    if joined.isascii():  # the usual case: a character is a byte
        return joined.encode("ascii"), list(accumulate(map(len, texts)))
    pieces = [t.encode("utf-8") for t in texts]
    return b"".join(pieces), list(accumulate(map(len, pieces)))


def _pieces(stored: Stored) -> list[bytes]:
    blob, ends = stored[2], stored[3]
    return [blob[a:b] for a, b in zip([0, *ends], ends)]


def _stored(part: Any) -> Stored:
    blob, ends = pack(part.texts)
    return part.display, part.rule_ids, blob, ends, part.keys


_TRAILER = struct.Struct("<QQ")  # a segment ends with where its texts end and where its sort keys end


class _Keys:
    """The sort keys of a segment's files, unpickled only if a result kept aside has to be merged in."""

    __slots__ = ("_data", "_keys")

    def __init__(self, data: memoryview) -> None:
        self._data, self._keys = data, None

    def of(self, i: int) -> list[tuple]:
        if self._keys is None:
            import pickle

            self._keys = pickle.loads(self._data)
        return self._keys[i]


def _keys(stored: Stored) -> list[tuple]:
    keys = stored[4]
    return keys if isinstance(keys, list) else keys[0].of(keys[1])


def _segment(files: list[tuple[str, list[str], list[int], list[tuple]]], texts: list[bytes], folder: str | None) -> str:
    """Write consecutive files' results to a file of their own: every text, in UTF-8, as it is; the pickled
    sort keys; a pickled header (each file's path, rule ids and where its texts end); then where the keys
    and the header start. Written piece by piece: one buffer of a whole segment would be fresh memory from
    the system each time, paid for in page faults."""
    import pickle
    import tempfile

    fd, path = tempfile.mkstemp(prefix="op-sarif-", suffix=".spool", dir=folder)
    with os.fdopen(fd, "wb") as fh:
        for blob in texts:
            fh.write(blob)
        keys_at = fh.tell()
        pickle.dump([f[3] for f in files], fh, pickle.HIGHEST_PROTOCOL)
        header_at = fh.tell()
        pickle.dump([f[:3] for f in files], fh, pickle.HIGHEST_PROTOCOL)
        fh.write(_TRAILER.pack(keys_at, header_at))
    return path


def _mapped(path: str) -> memoryview:
    """A segment's bytes, mapped rather than read: no copy of them in this process (they go from the page
    cache straight to the output), and on Linux the mapping is filled at once rather than page by page."""
    import mmap

    with open(path, "rb") as fh:
        flags = getattr(mmap, "MAP_SHARED", 0) | getattr(mmap, "MAP_POPULATE", 0)
        if flags:
            return memoryview(mmap.mmap(fh.fileno(), 0, flags=flags, prot=mmap.PROT_READ))
        return memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))


def _load(path: str, skip: set[str]) -> Iterator[Stored]:
    """The files' results in a segment, but those of files named in ``skip``: mapped at once, the texts left
    where they are (views into the mapping)."""
    import pickle

    data = _mapped(path)
    end = len(data) - _TRAILER.size
    keys_at, header_at = _TRAILER.unpack_from(data, end)
    keys = _Keys(data[keys_at:header_at])
    at = 0
    for i, (display, rule_ids, ends) in enumerate(pickle.loads(data[header_at:end])):
        stop = at + ends[-1]
        if display not in skip:
            yield display, rule_ids, data[at:stop], ends, (keys, i)
        at = stop


def write_segment(parts: list[Any], folder: str | None) -> str:
    """Write the results of consecutive files to a segment (a worker does this, so the results never travel
    through the parent); the parts keep only what points elsewhere."""
    files, texts = [], []
    for part in parts:
        if part.texts:
            blob, ends = pack(part.texts)
            files.append((part.display, part.rule_ids, ends, part.keys))
            texts.append(blob)
        part.keys, part.rule_ids, part.texts = [], [], []
    return _segment(files, texts, folder)
