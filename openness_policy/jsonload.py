"""JSON with positions computed only when a finding needs one.

The data comes from the C ``json`` decoder (fast). Positions come from :mod:`jsonmarks`, which
locates a key path the first time a finding asks for it, so clean files never pay for them.

Hostile input: the C decoder recurses once per nesting level but counts its levels against
Python's recursion limit, so it raises RecursionError instead of exhausting the C stack. Nesting
beyond ``MAX_DEPTH`` is refused at the line where it is crossed: a text with fewer brackets than
the limit cannot be that deep (two ``str.count`` calls); otherwise the parsed data is measured
(one pass over its containers). NaN/Infinity, numbers that overflow to infinity, numbers longer
than ``MAX_NUMBER_CHARS`` and unpaired ``\\uD800``-style escapes are refused; duplicate keys are
recorded (the last one wins).
"""
from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from openness_policy.jsonmarks import json_marks
from openness_policy.limits import MAX_DEPTH, MAX_NUMBER_CHARS
from openness_policy.sourcemap import Located, PathT
from openness_policy.yamlload import YamlError

# A string (one that never ends runs to the end of the text, so scanning stays linear) or a bracket.
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)
_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|(NaN|-?Infinity)', re.S)
_LONG_INT = re.compile(r"-?[0-9]{%d,}" % (MAX_NUMBER_CHARS + 1))
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Refused(ValueError):
    def __init__(self, message: str, literal: str, hint: str):
        super().__init__(message)
        self.literal, self.hint = literal, hint


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} digits (the limit is {MAX_NUMBER_CHARS:,})", text,
                       "write it as a string")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} characters (the limit is {MAX_NUMBER_CHARS:,})", text,
                       "write it as a string")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text} is out of range (it would be infinity)", text,
                       "write a smaller number or a string")
    return value


def _reject_constant(name: str) -> Any:
    raise _Refused(f"{name} is not valid JSON", name, "write null or a string instead")


def load_json(text: str, file: str) -> Located:
    """Parse JSON text; raises :class:`YamlError` (same shape as YAML errors) when it is invalid."""
    duplicates: list[tuple[dict, list[str]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict:
        obj = dict(items)
        if len(obj) != len(items):
            seen: set[str] = set()
            duplicates.append((obj, [k for k, _ in items if k in seen or seen.add(k)]))
        return obj

    # Python itself refuses integers longer than its int_max_str_digits (4,300 by default) with a
    # ValueError; our own check (a Python call per integer) is only needed when that limit is off.
    checked = {} if 0 < getattr(sys, "get_int_max_str_digits", lambda: 0)() <= MAX_NUMBER_CHARS \
        else {"parse_int": _parse_int}
    try:
        data = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float,
                          object_pairs_hook=pairs, **checked)
    except json.JSONDecodeError as exc:
        line, col = line_col(text, exc.pos)
        raise YamlError(f"invalid JSON: {exc.msg}", line, col) from None
    except _Refused as exc:
        line, col = line_col(text, _find_literal(text, exc.literal))
        raise YamlError(f"invalid JSON: {exc}", line, col, exc.hint) from None
    except RecursionError:
        data = None  # deeper than the recursion limit: located below
    except ValueError:  # Python's own limit on integer digits
        m = _LONG_INT.search(text)
        line, col = line_col(text, m.start() if m else 0)
        raise YamlError(f"invalid JSON: a number of more than {MAX_NUMBER_CHARS:,} digits", line, col,
                        "write it as a string") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and (data is None or too_deep(data, MAX_DEPTH)):
        line, col = _crossing(text, MAX_DEPTH)
        raise YamlError(f"the JSON is nested more than {MAX_DEPTH} levels deep", line, col, "flatten the structure")
    if _SURROGATE.search(text):
        _check_surrogates(text, data)
    doc = Located(file, data, _mark_fn=lambda: json_marks(text))
    if duplicates:
        _record_duplicates(doc, duplicates)
    return doc


def too_deep(data: Any, limit: int) -> bool:
    """True when lists/dicts nest more than ``limit`` levels (level by level: any depth is safe)."""
    level = [data] if type(data) is dict or type(data) is list else []
    for _ in range(limit):
        if not level:
            return False
        level = [v for item in level for v in (item.values() if type(item) is dict else item)
                 if type(v) is dict or type(v) is list]
    return bool(level)


def _crossing(text: str, limit: int) -> tuple[int, int]:
    """Line and column of the bracket where nesting first goes deeper than ``limit``."""
    depth = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return line_col(text, m.start())
        elif ch in "]}":
            depth -= 1
    return 1, 1


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``; CR, LF and CRLF all end a line."""
    index = max(0, min(index, len(text)))
    line, start = 1, 0
    for m in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _find_literal(text: str, literal: str) -> int:
    if literal in ("NaN", "Infinity", "-Infinity"):
        for m in _CONSTANT.finditer(text):
            if m.group(1):
                return m.start()
        return 0
    for m in re.finditer(re.escape(literal), text):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isdigit() or before in ".eE+-"):
            return m.start()
    return 0


def _check_surrogates(text: str, data: Any) -> None:
    """Refuse strings holding an unpaired UTF-16 surrogate: no output could encode them."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                line, col = line_col(text, _SURROGATE.search(text).start())  # type: ignore[union-attr]
                raise YamlError("invalid JSON: a \\u escape stands for half of a UTF-16 surrogate pair", line, col,
                                "write the character itself, or both halves of the pair") from None


def _record_duplicates(doc: Located, duplicates: list[tuple[dict, list[str]]]) -> None:
    """Locate each object that had a duplicate key (rare, so a walk is fine) and record the problem."""
    wanted = {id(obj): keys for obj, keys in duplicates}
    stack: list[tuple[Any, PathT]] = [(doc.data, ())]
    while stack and wanted:
        item, path = stack.pop()
        if isinstance(item, dict):
            for key in wanted.pop(id(item), ()):
                doc.problems.append(("duplicate-key", path + (key,), f"duplicate key '{key}': the last value wins"))
            stack.extend((v, path + (k,)) for k, v in item.items() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, path + (i,)) for i, v in enumerate(item) if isinstance(v, (dict, list)))
