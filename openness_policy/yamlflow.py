"""One-line flow collections (``{license: MIT}``, ``[a, 'b', {c: d}]``) for the line reader
(:mod:`openness_policy.yamlfast`), and what both share: how a plain scalar and a key are read, and the
exception that leaves a text to libyaml. The same data and positions as libyaml's reading, or
:class:`Declined`; ``tests/test_yamlfast.py`` compares both readers.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from openness_policy.limits import MAX_DEPTH

MISSING = object()
WORDS: set[str] = set()  # keys known to be read as their own text


class Declined(Exception):
    """The text leaves the subset: libyaml reads it."""


def plain_value(text: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> Any:
    """The value of an untagged plain scalar: ``cache``'s, else ``plain(text)``."""
    value = cache.get(text, MISSING)
    return plain(text) if value is MISSING else value


def check_key(key: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> None:
    """Decline a key libyaml would not read as its own text (``true``, ``null``, ``1``); remember the others."""
    as_read = plain_value(key, plain, cache)
    if type(as_read) is not str or as_read != key:
        raise Declined
    if len(WORDS) < 10_000:
        WORDS.add(key)


# One token of a one-line flow collection, after any spaces: a bracket, a comma, `key: ` (a plain word and
# at least one space), or a scalar: quoted as in block values, or plain without `#`, `:`, `?`, quotes,
# commas or brackets (libyaml ends a flow plain scalar at `?`, and reads `[builtin:osaid-1.0]` otherwise
# than YAML 1.2 does: both are left to it).
_TOKEN = re.compile(r"""[ ]*(?:
    (?P<open>[\[{]) | (?P<close>[\]}]) | (?P<comma>,)
  | (?P<key>[A-Za-z_][A-Za-z0-9_-]{0,200}):[ ]+
  | (?P<sq>'[^'\n]*(?:''[^'\n]*)*') | (?P<dq>"[^"\\\n]*")
  | (?P<plain>(?:[A-Za-z0-9_./(~+]|-(?=[0-9.]))[^\n#:?\[\]{},'"]*))""", re.X)


def read_flow(text: str, lineno: int, at: int, path: tuple, marks: dict, plain: Callable[[str], Any],
              cache: dict[str, Any], depth: int) -> tuple[Any, int]:
    """A flow mapping or sequence written on one line (``{license: MIT}``, ``[a, 'b', {c: d}]``) at column
    ``at`` (0-based) of line ``lineno``, as ``(value, nodes)``; its own position is marked by the caller.
    Keys are plain words read as themselves, without duplicates; values are scalars as :data:`_TOKEN`
    reads them, or flow collections. Anything else (``{a}``, ``[a: b]``, a trailing comma, an empty entry,
    more text after the closing bracket) raises :class:`Declined`."""
    # Open collections, innermost last: [value, path, is a mapping, state, pending key]. State: 0 just
    # opened, 1 after an entry (a comma or the end may follow), 2 after a comma, 3 after a key.
    stack: list[list[Any]] = []
    root: Any = None
    nodes = pos = 0
    end = len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            raise Declined
        pos = m.end()
        kind = m.lastgroup
        if kind == "close":
            if not stack:
                raise Declined
            top = stack[-1]
            if top[3] not in (0, 1) or (m.group("close") == "}") != top[2]:
                raise Declined
            stack.pop()
            if not stack:
                if text[pos:].strip(" "):
                    raise Declined  # more after the closing bracket
                return root, nodes
            stack[-1][3] = 1
            continue
        if kind == "comma":
            if not stack or stack[-1][3] != 1:
                raise Declined
            stack[-1][3] = 2
            continue
        if kind == "key":
            if not stack or not stack[-1][2] or stack[-1][3] not in (0, 2):
                raise Declined
            top = stack[-1]
            key = m.group("key")
            if key not in WORDS:
                check_key(key, plain, cache)
            if key in top[0]:
                raise Declined  # a duplicate key: libyaml's reading reports it
            marks[top[1] + (key,)] = (lineno, at + m.start("key") + 1)
            top[3], top[4] = 3, key
            nodes += 1
            continue
        start = m.start(kind)
        if kind == "open":
            if depth + len(stack) >= MAX_DEPTH:
                raise Declined
            value: Any = {} if m.group("open") == "{" else []
        elif kind == "plain":
            value = plain_value(m.group("plain").rstrip(" "), plain, cache)
        elif kind == "sq":
            value = m.group("sq")[1:-1].replace("''", "'")
        else:
            value = m.group("dq")[1:-1]
        nodes += 1
        if not stack:  # the collection itself
            if kind != "open" or start != 0:
                raise Declined
            root, inner = value, path
        else:
            top = stack[-1]
            if top[2]:
                if top[3] != 3:
                    raise Declined  # a value without a key
                top[0][top[4]] = value
                inner = top[1] + (top[4],)
            else:
                if top[3] not in (0, 2):
                    raise Declined
                inner = top[1] + (len(top[0]),)
                marks[inner] = (lineno, at + start + 1)
                top[0].append(value)
            top[3] = 1
        if kind == "open":
            stack.append([value, inner, type(value) is dict, 0, None])
    raise Declined  # the line ended inside a collection
