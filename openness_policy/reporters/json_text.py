"""``json.dumps(obj, indent=2, ensure_ascii=True)``, byte for byte, three to four times faster.

With ``indent`` set, the standard library leaves its C encoder and walks the document with Python
generators, one small string per token: for the SARIF of 10,000 manifests that is over a second and
a list of millions of strings. Here each container is joined from its members' text (strings still
go through the C escaper), so the output is identical (a test compares the two on real reports) and
memory stays near the size of the result.
"""
from __future__ import annotations

from json.encoder import encode_basestring_ascii as _quote
from typing import Any


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _quote(key)
    if isinstance(key, float):
        return _quote(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _quote(int.__repr__(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _dump(value: Any, indent: str, step: str) -> str:
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + step
        parts = []
        for k, v in value.items():  # the common scalar cases inline: a call per value is the cost
            t = type(v)
            text = _quote(v) if t is str else int.__repr__(v) if t is int else _dump(v, inner, step)
            parts.append((_quote(k) if type(k) is str else _key(k)) + ": " + text)
        return "{" + inner + ("," + inner).join(parts) + indent + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = indent + step
        return "[" + inner + ("," + inner).join(
            [_quote(v) if type(v) is str else _dump(v, inner, step) for v in value]) + indent + "]"
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return _float(value)
    return _dump_subclass(value, indent, step)


def _dump_subclass(value: Any, indent: str, step: str) -> str:
    """Subclasses of the JSON types, handled as ``json`` handles them (by their base type)."""
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dict):
        return _dump(dict(value), indent, step)
    if isinstance(value, (list, tuple)):
        return _dump(list(value), indent, step)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(value: Any, indent: int = 2) -> str:
    """The text ``json.dumps(value, indent=indent, ensure_ascii=True)`` returns."""
    return _dump(value, "\n", " " * indent)
