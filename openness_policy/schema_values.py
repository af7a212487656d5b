"""JSON values as jsonschema sees them, for :mod:`openness_policy.schema_compile`: the seven types
(``True`` is not an integer, ``1.0`` is), equality (``True`` is not ``1``, ``1`` is ``1.0``), uniqueness
step for step as jsonschema's ``uniq``, and the predicates for the ``type`` and ``enum`` keywords."""
from __future__ import annotations

import numbers
from typing import Any, Callable

Pred = Callable[[Any], bool]


def is_integer(x: Any) -> bool:
    """A JSON integer: 3 and 3.0, not True."""
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def is_number(x: Any) -> bool:
    """A JSON number: int or float (a bool is not)."""
    return isinstance(x, (int, float, numbers.Number)) and not isinstance(x, bool)


TYPES: dict[str, Pred] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "integer": is_integer,
    "number": is_number,
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
}
_SIMPLE = {"object": dict, "array": list, "string": str, "boolean": bool}


def _unbool(x: Any) -> Any:
    return ("bool", x) if isinstance(x, bool) else x


def equal(a: Any, b: Any) -> bool:
    """JSON equality as jsonschema computes it: ``True`` is not ``1``, ``1`` is ``1.0``."""
    if a is b:
        return True
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(equal(i, j) for i, j in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return len(a) == len(b) and all(k in b and equal(v, b[k]) for k, v in a.items())
    return _unbool(a) == _unbool(b)


def unique(items: list) -> bool:
    """jsonschema's ``uniq``, step for step (sorted neighbours, else every pair)."""
    marker_true, marker_false = object(), object()

    def unbool(x: Any) -> Any:
        return marker_true if x is True else marker_false if x is False else x

    try:
        ordered = sorted(unbool(i) for i in items)
        return not any(equal(i, j) for i, j in zip(ordered, ordered[1:]))
    except (NotImplementedError, TypeError):
        seen: list = []
        for e in items:
            e = unbool(e)
            if any(equal(i, e) for i in seen):
                return False
            seen.append(e)
        return True


def type_pred(types: Any) -> Pred | None:
    """A predicate for a ``type`` keyword's value (one name or a list); None for a name JSON Schema lacks."""
    names = [types] if isinstance(types, str) else list(types)
    if any(n not in TYPES for n in names):
        return None
    if len(names) == 1 and names[0] in _SIMPLE and names[0] != "boolean":
        cls = _SIMPLE[names[0]]
        return lambda x: isinstance(x, cls)
    if set(names) <= {"object", "array", "string", "null"}:  # e.g. ["string", "null"]: one isinstance
        classes = tuple(_SIMPLE[n] for n in names if n != "null")
        if "null" in names:
            return lambda x: x is None or isinstance(x, classes)
        return lambda x: isinstance(x, classes)
    preds = [TYPES[n] for n in names]
    return lambda x: any(p(x) for p in preds)


def enum_pred(values: list) -> Pred:
    """A predicate for an ``enum`` keyword: membership with :func:`equal`, strings by set lookup."""
    strings = frozenset(v for v in values if isinstance(v, str))
    others = [v for v in values if not isinstance(v, str)]
    if not others:
        return lambda x: isinstance(x, str) and x in strings
    return lambda x: (isinstance(x, str) and x in strings) or any(equal(x, v) for v in others)
