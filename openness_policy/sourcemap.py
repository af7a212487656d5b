"""Parsed documents that remember where every value came from.

Formats load a file into a :class:`Located`: the plain Python data plus a map from key paths to
``(line, column)``. Findings then land on the exact line of the offending value, or on the parent
mapping when a key is missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

PathT = tuple  # a key path: tuple of str (mapping keys) and int (sequence indexes)


@dataclass(unsafe_hash=True, slots=True)
class Pos:
    """A place in a manifest: display path, 1-based line and column, and the manifest key path.

    Never changed once made (it is hashed, and shared by the findings at one place); not a frozen
    dataclass only because frozen ones cost ~0.6 µs more to make, ~30 times for every manifest."""

    file: str
    line: int = 1
    col: int = 1
    key: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


_KEYS: dict[PathT, str] = {}  # key_string results: the same paths recur in every manifest of a format
_KEYS_MAX = 20_000


def key_string(path: PathT) -> str:
    """``("release", "components", 2, "license")`` -> ``release.components[2].license``."""
    text = _KEYS.get(path)
    if text is None or type(path) is not tuple:
        text = _key_string(path)
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        if type(path) is tuple and all(type(p) in (str, int) for p in path):
            _KEYS[path] = text
    return text


def _key_string(path: PathT) -> str:
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(("." if out else "") + str(part))
    return "".join(out)


@dataclass
class Located:
    """Loaded data with positions. ``marks`` may be filled lazily (JSON computes them on demand)."""

    file: str
    data: Any
    _marks: dict[PathT, tuple[int, int]] | None = None
    _mark_fn: Callable[[], dict[PathT, tuple[int, int]]] | None = None
    line_offset: int = 0  # added to every line (front matter inside a Markdown file)
    problems: list[tuple[str, PathT, str]] = field(default_factory=list)  # (rule, path, message)
    _pos: dict[PathT, Pos] = field(default_factory=dict, repr=False, compare=False)  # pos() results


    @property
    def marks(self) -> dict[PathT, tuple[int, int]]:
        if self._marks is None:
            self._marks = self._mark_fn() if self._mark_fn else {}
        return self._marks

    def pos(self, *path: Any) -> Pos:
        """Position of ``path``, or of its nearest ancestor that exists (a missing key → its parent)."""
        found = self._pos.get(path)
        if found is not None:
            return found
        marks = self._marks if self._marks is not None else self.marks
        mark = marks.get(path)
        if mark is not None:
            key = _KEYS.get(path)
            found = self._pos[path] = Pos(self.file, mark[0] + self.line_offset, mark[1],
                                          key if key is not None else key_string(path))
            return found
        p: PathT = path
        while p and p not in marks:
            p = p[:-1]
        line, col = marks.get(p, (1, 1))
        # a missing key's position may change if marks are added later: not cached
        return Pos(self.file, line + self.line_offset, col, key_string(path))

    def get(self, *path: Any, default: Any = None) -> Any:
        """The value at ``path`` or ``default`` when any step is missing or of the wrong shape."""
        cur = self.data
        for part in path:
            if isinstance(part, int):
                if not isinstance(cur, list) or not -len(cur) <= part < len(cur):
                    return default
            elif not isinstance(cur, dict) or part not in cur:
                return default
            cur = cur[part]
        return cur

    def items(self, *path: Any) -> Iterator[tuple[int, Any]]:
        """Enumerate a sequence at ``path``; a scalar or missing value yields nothing."""
        seq = self.get(*path)
        if isinstance(seq, list):
            yield from enumerate(seq)
