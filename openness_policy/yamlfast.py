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
from openness_policy.yamlflow import MISSING as _MISSING
from openness_policy.yamlflow import WORDS, check_key, read_flow
from openness_policy.yamlflow import Declined as _Outside  # noqa: N814 - the name this module's code uses
from openness_policy.yamlflow import plain_value as _plain

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
# without escapes, a flow mapping or sequence on this line (read by ``yamlflow``), or plain); else a comment
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


def has_outside(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_OUTSIDE`. ASCII text (most manifests) is checked by
    deleting what is allowed from its bytes, several times faster than the expression over all of Unicode."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_TEXT))
    return _OUTSIDE.search(text) is not None


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


# How _LINE reads a line, by the line's text: manifests of one format repeat most of their lines (the MOT's
# component names and descriptions: 92% of the lines of the research corpus's 273 MOT files repeat an earlier
# one), and the expression is half of this reader's time. A pure function of the line; bounded.
_SEEN: dict[str, tuple] = {}
_SEEN_MAX = 50_000
_SEEN_LONGEST = 200  # longer lines are rarely repeated; kept out so the memo stays small


def _forget() -> dict[str, tuple]:
    _SEEN.clear()
    return _SEEN


def _read_line(line: str) -> tuple:
    """(indentation, dash, key, value, bad, key column, value column) of one line without its line feed."""
    m = _LINE.match(line)
    assert m is not None  # the last alternative takes any line
    ind, dash, key, val, _, bad = m.groups()
    return (ind, dash, key, val, bad, -1 if key is None else m.start("key"), -1 if val is None else m.start("val"))


def _parse(text: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> tuple[Any, dict]:
    marks: dict[tuple, tuple[int, int]] = {}
    stack: list[list[Any]] = []  # open collections, innermost last: [value, key path, column, is a mapping]
    cur: Any = None  # the innermost one's value, key path, column and kind, kept in locals
    path: tuple = ()
    col, is_map = -1, True
    pending_key: str | None = None  # after `key:` with nothing after it (a key of ``cur``)
    pending_item = False  # after `-` with nothing after it (an item of ``cur``)
    nodes = lineno = 0
    seen = _SEEN if len(_SEEN) < _SEEN_MAX else _forget()
    for line in text.split("\n"):
        lineno += 1
        read = seen.get(line)
        if read is None:
            read = _read_line(line)
            if len(line) <= _SEEN_LONGEST:
                seen[line] = read
        ind, dash, key, val, bad, key_at, val_at = read
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
                at = val_at
                marks[item] = (lineno, at + 1)
                if val[0] == "{" or val[0] == "[":
                    value, count = read_flow(val, lineno, at, item, marks, plain, cache, len(stack))
                    cur.append(value)
                    nodes += count
                    continue
                cur.append(_value(val, plain, cache))
                nodes += 1
                continue
            key_col = key_at  # `- key: ...`: a mapping starts at the key
            if len(stack) >= MAX_DEPTH:
                raise _Outside
            value = {}
            cur.append(value)
            marks[item] = (lineno, key_col + 1)
            cur, path, col, is_map = value, item, key_col, True
            stack.append([cur, path, col, is_map])
            nodes += 1
        if key not in WORDS:
            check_key(key, plain, cache)
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
            cur[key], count = read_flow(val, lineno, val_at, path + (key,), marks, plain, cache,
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


def _value(val: str, plain: Callable[[str], Any], cache: dict[str, Any]) -> Any:
    """A scalar value: quoted or plain (flow collections go to ``yamlflow.read_flow``)."""
    first = val[0]
    if first == "'":
        return val[1:-1].replace("''", "'")
    if first == '"':
        return val[1:-1]
    text = val.rstrip(" ")
    value = cache.get(text, _MISSING)
    return plain(text) if value is _MISSING else value
