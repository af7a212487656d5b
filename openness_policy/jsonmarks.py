"""Positions in JSON text, found only when a finding asks for one.

Finding one key path scans only the containers on the way to it; each container's children are
indexed once, their values skipped by the C decoder, so many lookups cost one pass at most and a
clean file costs nothing.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from json.scanner import make_scanner
from typing import Any

from openness_policy.sourcemap import PathT

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_WS = re.compile(r"[ \t\r\n]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SCAN = make_scanner(json.JSONDecoder())  # (value, end offset) of the JSON value at an offset


def json_marks(text: str) -> dict[PathT, tuple[int, int]]:
    """Positions of the key paths in a (valid) JSON text, found when first asked for."""
    return _JsonMarks(text)


class _JsonMarks(dict):
    """``path -> (line, column)`` of a key (or of an array item), located on demand.

    Finding one path scans only the containers on the way to it; each container's children are
    indexed once (their values skipped by the C decoder), so many lookups cost one pass at most and
    a clean file costs nothing. A duplicated key maps to its last occurrence (the value that wins).
    """

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self._starts: list[int] | None = None
        self._children: dict[int, dict[Any, tuple[int, int]] | None] = {}
        self._absent: set[PathT] = set()

    def __contains__(self, path: object) -> bool:
        return self._lookup(path) is not None

    def __getitem__(self, path: PathT) -> tuple[int, int]:
        found = self._lookup(path)
        if found is None:
            raise KeyError(path)
        return found

    def get(self, path: PathT, default: Any = None) -> Any:  # type: ignore[override]
        found = self._lookup(path)
        return default if found is None else found

    def _lookup(self, path: Any) -> tuple[int, int] | None:
        path = tuple(path)
        if dict.__contains__(self, path):
            return dict.__getitem__(self, path)
        if path in self._absent:
            return None
        offset = self._offset(path)
        if offset is None:
            self._absent.add(path)
            return None
        found = self._line_col(offset)
        dict.__setitem__(self, path, found)
        return found

    def _offset(self, path: PathT) -> int | None:
        mark = value = _WS.match(self.text, 0).end()  # type: ignore[union-attr]
        for part in path:
            if value not in self._children:
                self._children[value] = self._index(value)
            children = self._children[value]
            if children is None or part not in children:
                return None
            mark, value = children[part]
        return mark

    def _index(self, i: int) -> dict[Any, tuple[int, int]] | None:
        """``{key or index: (mark offset, value offset)}`` of the container starting at ``i``."""
        text, n = self.text, len(self.text)
        opening = text[i:i + 1]
        if opening not in ("{", "["):
            return None
        out: dict[Any, tuple[int, int]] = {}
        i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        index = 0
        while i < n and text[i] not in "]}":
            mark = i
            if opening == "{":
                m = _STRING.match(text, i)
                if m is None:
                    return out
                key: Any = json.loads(m.group())
                i = _WS.match(text, m.end()).end() + 1  # type: ignore[union-attr]  # past ":"
                i = _WS.match(text, i).end()  # type: ignore[union-attr]
            else:
                key, index = index, index + 1
            out[key] = (mark, i)
            try:
                _, end = _SCAN(text, i)
            except (StopIteration, ValueError, RecursionError):
                return out
            i = _WS.match(text, end).end()  # type: ignore[union-attr]
            if i < n and text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
        return out

    def _line_col(self, i: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0] + [m.end() for m in _LINE_BREAK.finditer(self.text)]
        line = bisect_right(self._starts, i)
        return line, i - self._starts[line - 1] + 1
