"""JSON with positions computed only when a finding needs one.

The data comes from the C ``json`` decoder (fast). Positions come from a small iterative scanner
that runs the first time a position is asked for, so clean files never pay for it.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

from openness_policy.sourcemap import Located, PathT
from openness_policy.yamlload import YamlError

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_WS = re.compile(r"[ \t\r\n]*")
_ATOM = re.compile(r"[^,\]\}\s]+")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str, file: str) -> Located:
    """Parse JSON text; raises :class:`YamlError` (same shape as YAML errors) when it is invalid."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise YamlError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except ValueError as exc:  # NaN / Infinity
        raise YamlError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise YamlError("invalid JSON: nested too deeply") from None
    return Located(file, data, _mark_fn=lambda: json_marks(text))


def json_marks(text: str) -> dict[PathT, tuple[int, int]]:
    """Map every key path in a (valid) JSON text to the 1-based line and column of its key/item."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def lc(i: int) -> tuple[int, int]:
        line = bisect_right(starts, i)
        return line, i - starts[line - 1] + 1

    marks: dict[PathT, tuple[int, int]] = {}
    # stack of (path, kind, next index) where kind is "{" or "["
    stack: list[list[Any]] = []
    i, n = _WS.match(text, 0).end(), len(text)
    marks[()] = lc(i)
    pending_key: str | None = None
    while i < n:
        ch = text[i]
        if stack and stack[-1][1] == "[" and ch not in " \t\r\n,]":
            marks.setdefault(stack[-1][0] + (stack[-1][2],), lc(i))
        if ch in "{[":
            path: PathT = _here(stack, pending_key)
            pending_key = None
            stack.append([path, ch, 0])
            i += 1
        elif ch in "}]":
            stack.pop()
            i += 1
        elif ch == ",":
            if stack and stack[-1][1] == "[":
                stack[-1][2] += 1
            i += 1
        elif ch == ":":
            i += 1
        elif ch == '"':
            m = _STRING.match(text, i)
            end = m.end() if m else n
            if stack and stack[-1][1] == "{" and pending_key is None and _is_key(text, end):
                pending_key = json.loads(text[i:end])
                marks.setdefault(stack[-1][0] + (pending_key,), lc(i))
            else:
                _here(stack, pending_key)
                pending_key = None
            i = end
        elif ch in " \t\r\n":
            i = _WS.match(text, i).end()
        else:
            m = _ATOM.match(text, i)
            _here(stack, pending_key)
            pending_key = None
            i = m.end() if m else i + 1
    return marks


def _is_key(text: str, end: int) -> bool:
    j = _WS.match(text, end).end()
    return j < len(text) and text[j] == ":"


def _here(stack: list[list[Any]], key: str | None) -> PathT:
    if not stack:
        return ()
    top = stack[-1]
    return top[0] + ((key,) if top[1] == "{" else (top[2],))
