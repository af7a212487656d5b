"""A fast reader for the plain block YAML most manifests are written in.

libyaml is quick, but ruamel.yaml.clib hands each of its events over as a Python object built by
three Python-level constructors, which is most of the cost of reading a small manifest. Most
manifests use only block mappings and sequences of one-line scalars, with now and then a flow
mapping or sequence on one line (``{license: MIT}``), so :func:`parse` reads that subset with one
regular expression per line and produces exactly what ``yamlload`` builds from libyaml's events: the
same data (plain scalars resolved by the same function) and the same positions.

Anything outside the subset gives None, and libyaml reads the file: a root that is not a block
mapping at column 0, flow collections over several lines or with anything but plain-word keys and
scalars or flow collections inside (or a `?` or `:` in a plain scalar there), anchors, aliases, tags,
block and multi-line scalars, comments after a value, escapes, tabs, control characters and unusual
line breaks, duplicate keys, keys that are not plain words read as themselves, sequences not
indented under their key, empty sequence items, and any line that does not fit.
``tests/test_yamlfast.py`` compares both readers on every YAML file of the checkout and of the
research corpus, on generated documents and on thousands of mutations of them.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from openness_policy.limits import MAX_DEPTH, MAX_NODES

# Anything but line feeds and the printable characters libyaml reads as ordinary text: control
# characters, the line breaks NEL, LS and PS, byte-order marks, surrogates and non-characters.
# (Written as the characters left out rather than "not the ones let in": a negated class over the
# whole of Unicode takes ~5 ms to compile, paid by every run; tests/test_yamlfast.py checks both agree.)
_OUTSIDE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_ASCII_TEXT = bytes([10, *range(32, 127)])  # the ASCII characters libyaml reads as text: line feed and printable
# Plain scalar in block context: starts with a word character or one of `./(~+`, or `-` and a digit or
# dot; no `#` and no `: `; commas and brackets are text here (`Wikipedia (English, 2025-01 dump)`); may
# end in spaces (stripped by the caller).
_PLAIN = r"(?:[A-Za-z0-9_./(~+]|-(?=[0-9.]))[^\n#:]*(?::[^ \n#:][^\n#:]*)*"
# One line: indentation, `- `, `key: `, then a value (single-quoted with '' for a quote, double-quoted
# without escapes, a flow mapping or sequence on this line (read by _flow), or plain); else a comment
# line; else anything (`bad`). Each run of spaces is followed by (?![ ]) and the plain scalar is matched atomically (a
# look-ahead and a back-reference), so a line that does not fit fails in linear time.
_LINE = re.compile(r"""
    ^(?P<ind>[ ]*)(?![ ])
    (?:(?P<dash>-)(?=[ \n]|\Z)[ ]*(?![ ]))?
    (?:(?P<key>[A-Za-z_][A-Za-z0-9_-]{0,200}):(?=[ \n]|\Z)[ ]*(?![ ]))?
    (?P<val>'[^'\n]*(?:''[^'\n]*)*'|"[^"\\\n]*"|\{[^\n]*\}|\[[^\n]*\]|(?=(?P<plain>""" + _PLAIN + r"""))(?P=plain))?
    [ ]*(?![ ])(?:\n|\Z)
  | [ ]*(?![ ])\#[^\n]*(?:\n|\Z)
  | (?P<bad>[^\n]*\n?)
    """, re.M | re.X)
# One token of a one-line flow collection, after any spaces: a bracket, a comma, `key: ` (a plain word and
# at least one space), or a scalar: quoted as in block values, or plain without `#`, `:`, `?`, quotes,
# commas or brackets (libyaml ends a flow plain scalar at `?`, and reads `[builtin:osaid-1.0]` otherwise
# than YAML 1.2 does: both are left to it).
_FLOW_TOKEN = re.compile(r"""[ ]*(?:
    (?P<open>[\[{]) | (?P<close>[\]}]) | (?P<comma>,)
  | (?P<key>[A-Za-z_][A-Za-z0-9_-]{0,200}):[ ]+
  | (?P<sq>'[^'\n]*(?:''[^'\n]*)*') | (?P<dq>"[^"\\\n]*")
  | (?P<plain>(?:[A-Za-z0-9_./(~+]|-(?=[0-9.]))[^\n#:?\[\]{},'"]*))""", re.X)
_MISSING = object()
_WORDS: set[str] = set()  # keys known to be read as their own text


def has_outside(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_OUTSIDE`. ASCII text (most manifests) is checked by
    deleting what is allowed from its bytes, several times faster than the expression over all of Unicode."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_TEXT))
    return _OUTSIDE.search(text) is not None


class _Outside(Exception):
    """The text leaves the subset: libyaml reads it."""


def parse(text: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> tuple[Any, dict] | None:
    """``(data, marks)`` as ``yamlload`` builds them, or None when ``text`` is outside the subset.

    ``plain(text)`` is the value of an untagged plain scalar and ``cache`` the values it remembers;
    an exception from it (a limit) gives None too, so that libyaml's reading raises it at its line."""
    if has_outside(text):
        return None
    try:
        return _parse(text, plain, cache)
    except _Outside:
        return None
    except Exception:  # noqa: BLE001 - a limit in ``plain``: libyaml's reading reports it with its position
        return None


def _parse(text: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> tuple[Any, dict]:
    marks: dict[tuple, tuple[int, int]] = {}
    stack: list[list[Any]] = []  # open collections, innermost last: [value, key path, column, is a mapping]
    cur: Any = None  # the innermost one's value, key path, column and kind, kept in locals
    path: tuple = ()
    col, is_map = -1, True
    pending_key: str | None = None  # after `key:` with nothing after it (a key of ``cur``)
    pending_item = False  # after `-` with nothing after it (an item of ``cur``)
    nodes = lineno = 0
    for m in _LINE.finditer(text):
        lineno += 1
        ind, dash, key, val, _, bad = m.groups()
        if ind is None:
            if bad:
                raise _Outside
            continue  # a comment line, or the empty match at the end of a text without a final line feed
        if key is None and dash is None:
            if val is None:
                continue  # a blank line
            raise _Outside  # a value on its own line: a multi-line scalar
        n = len(ind)
        if pending_key is not None:
            if n > col:  # the key's value is a collection starting on this line
                if len(stack) >= MAX_DEPTH:
                    raise _Outside
                value: Any = [] if dash else {}
                cur[pending_key] = value
                cur, path, col, is_map = value, path + (pending_key,), n, dash is None
                stack.append([cur, path, col, is_map])
            else:
                cur[pending_key] = _plain("", plain, cache)  # nothing under the key: null
            nodes += 1
            pending_key = None
        elif pending_item:  # the item must be a mapping starting on this line
            if n <= col or dash is not None or key is None or len(stack) >= MAX_DEPTH:
                raise _Outside
            value = {}
            item = path + (len(cur),)
            cur.append(value)
            marks[item] = (lineno, n + 1)
            cur, path, col, is_map = value, item, n, True
            stack.append([cur, path, col, is_map])
            nodes += 1
            pending_item = False
        if col != n:
            if stack:
                while stack[-1][2] > n:
                    stack.pop()  # the root, at column 0, is never popped
                cur, path, col, is_map = stack[-1]
                if col != n:
                    raise _Outside
            elif n or dash is not None:
                raise _Outside  # the root must be a block mapping at column 0
            else:
                cur, path, col, is_map = {}, (), 0, True
                stack.append([cur, path, col, is_map])
                marks[()] = (lineno, 1)
                nodes += 1
        if is_map:
            if dash is not None:
                raise _Outside
            key_col = n
        else:
            if dash is None:
                raise _Outside
            item = path + (len(cur),)
            if key is None:
                if val is None:
                    pending_item = True
                    continue
                at = m.start("val") - m.start()
                marks[item] = (lineno, at + 1)
                if val[0] == "{" or val[0] == "[":
                    value, count = _flow(val, lineno, at, item, marks, plain, cache, len(stack))
                    cur.append(value)
                    nodes += count
                    continue
                cur.append(_value(val, plain, cache))
                nodes += 1
                continue
            key_col = m.start("key") - m.start()  # `- key: ...`: a mapping starts at the key
            if len(stack) >= MAX_DEPTH:
                raise _Outside
            value = {}
            cur.append(value)
            marks[item] = (lineno, key_col + 1)
            cur, path, col, is_map = value, item, key_col, True
            stack.append([cur, path, col, is_map])
            nodes += 1
        if key not in _WORDS:
            as_read = _plain(key, plain, cache)
            if type(as_read) is not str or as_read != key:
                raise _Outside  # a key not read as its text: `true`, `null`, `1`
            if len(_WORDS) < 10_000:
                _WORDS.add(key)
        if key in cur:
            raise _Outside  # a duplicate key: libyaml's reading reports it
        marks[path + (key,)] = (lineno, key_col + 1)
        nodes += 1
        if val is None:
            pending_key = key
        elif val[0] == "'":
            cur[key] = val[1:-1].replace("''", "'") if "''" in val else val[1:-1]
            nodes += 1
        elif val[0] == "{" or val[0] == "[":
            cur[key], count = _flow(val, lineno, m.start("val") - m.start(), path + (key,), marks, plain, cache,
                                    len(stack))
            nodes += count
        else:
            cur[key] = _value(val, plain, cache)
            nodes += 1
    if not stack or pending_item:
        raise _Outside  # no mapping at all, or an empty last item
    if pending_key is not None:
        cur[pending_key] = _plain("", plain, cache)
        nodes += 1
    if nodes > MAX_NODES:
        raise _Outside
    return stack[0][0], marks


def _plain(text: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> Any:
    value = cache.get(text, _MISSING)
    return plain(text) if value is _MISSING else value


def _value(val: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> Any:
    """A scalar value: quoted or plain (flow collections go to :func:`_flow`)."""
    first = val[0]
    if first == "'":
        return val[1:-1].replace("''", "'")
    if first == '"':
        return val[1:-1]
    text = val.rstrip(" ")
    value = cache.get(text, _MISSING)
    return plain(text) if value is _MISSING else value


def _flow(text: str, lineno: int, at: int, path: tuple, marks: dict, plain: Callable[[str], Any],
          cache: dict[str, Any], depth: int) -> tuple[Any, int]:
    """A flow mapping or sequence written on one line (``{license: MIT}``, ``[a, 'b', {c: d}]``) at column
    ``at`` (0-based) of line ``lineno``, as ``(value, nodes)``; its own position is marked by the caller.
    Keys are plain words read as themselves, without duplicates; values are scalars as :data:`_FLOW_TOKEN`
    reads them, or flow collections. Anything else (``{a}``, ``[a: b]``, a trailing comma, an empty entry,
    more text after the closing bracket) raises :class:`_Outside`."""
    # Open collections, innermost last: [value, path, is a mapping, state, pending key]. State: 0 just
    # opened, 1 after an entry (a comma or the end may follow), 2 after a comma, 3 after a key.
    stack: list[list[Any]] = []
    root: Any = None
    nodes = pos = 0
    end = len(text)
    while pos < end:
        m = _FLOW_TOKEN.match(text, pos)
        if m is None:
            raise _Outside
        pos = m.end()
        kind = m.lastgroup
        if kind == "close":
            if not stack:
                raise _Outside
            top = stack[-1]
            if top[3] not in (0, 1) or (m.group("close") == "}") != top[2]:
                raise _Outside
            stack.pop()
            if not stack:
                if text[pos:].strip(" "):
                    raise _Outside  # more after the closing bracket
                return root, nodes
            stack[-1][3] = 1
            continue
        if kind == "comma":
            if not stack or stack[-1][3] != 1:
                raise _Outside
            stack[-1][3] = 2
            continue
        if kind == "key":
            if not stack or not stack[-1][2] or stack[-1][3] not in (0, 2):
                raise _Outside
            top = stack[-1]
            key = m.group("key")
            if key not in _WORDS:
                as_read = _plain(key, plain, cache)
                if type(as_read) is not str or as_read != key:
                    raise _Outside
            if key in top[0]:
                raise _Outside  # a duplicate key: libyaml's reading reports it
            marks[top[1] + (key,)] = (lineno, at + m.start("key") + 1)
            top[3], top[4] = 3, key
            nodes += 1
            continue
        start = m.start(kind)
        if kind == "open":
            if depth + len(stack) >= MAX_DEPTH:
                raise _Outside
            value: Any = {} if m.group("open") == "{" else []
        elif kind == "plain":
            value = _plain(m.group("plain").rstrip(" "), plain, cache)
        elif kind == "sq":
            value = m.group("sq")[1:-1].replace("''", "'")
        else:
            value = m.group("dq")[1:-1]
        nodes += 1
        if not stack:  # the collection itself
            if kind != "open" or start != 0:
                raise _Outside
            root, inner = value, path
        else:
            top = stack[-1]
            if top[2]:
                if top[3] != 3:
                    raise _Outside  # a value without a key
                top[0][top[4]] = value
                inner = top[1] + (top[4],)
            else:
                if top[3] not in (0, 2):
                    raise _Outside
                inner = top[1] + (len(top[0]),)
                marks[inner] = (lineno, at + start + 1)
                top[0].append(value)
            top[3] = 1
        if kind == "open":
            stack.append([value, inner, type(value) is dict, 0, None])
    raise _Outside  # the line ended inside a collection
