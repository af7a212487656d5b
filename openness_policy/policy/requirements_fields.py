"""Field requirement kinds: fields that must be present, and comparisons on one field."""
from __future__ import annotations

import math
from typing import Any

from openness_policy.plugin_types import RequirementKind, Violation

_OPS = ("equals", "in", "gt", "gte", "lt", "lte", "before", "after", "exists")


def check_fields(value: list[str], ctx: Any) -> list[Violation]:
    rec = ctx.record
    return [Violation(f"required field `{path}` is missing", rec.anchor(path), path)
            for path in value if rec.field(path) is None]


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        out = float(str(v).replace("_", ""))
    except ValueError:
        return None
    return None if math.isnan(out) else out


def check_field(value: dict, ctx: Any) -> list[Violation]:
    rec, path = ctx.record, value["path"]
    fact = rec.field(path)
    if "exists" in value:
        if (fact is not None) != value["exists"]:
            where = fact.pos if fact is not None else rec.anchor(path)
            state = "present" if fact is not None else "missing"
            return [Violation(f"field `{path}` is {state}", where, path)]
        if fact is None:
            return []
    if fact is None:
        return [Violation(f"field `{path}` is missing", rec.anchor(path), path)]
    actual = fact.value
    for op in _OPS[:-1]:
        if op not in value:
            continue
        want = value[op]
        ok = _compare(op, actual, want)
        if ok is None:
            return [Violation(f"field `{path}` is {actual!r}, which cannot be compared ({op} {want!r})", fact.pos, path)]
        if not ok:
            return [Violation(f"field `{path}` is {actual!r}; the rule needs {op} {want!r}", fact.pos, path)]
    return []


def _compare(op: str, actual: Any, want: Any) -> bool | None:
    if op == "equals":
        return str(actual) == str(want) if not isinstance(want, bool) else actual is want
    if op == "in":
        return str(actual) in [str(w) for w in want]
    if op in ("before", "after"):
        a = str(actual)[:10]
        if len(a) != 10 or a[4] != "-" or a[7] != "-":
            return None
        return a < str(want) if op == "before" else a > str(want)
    a, w = _number(actual), _number(want)
    if a is None or w is None:
        return None
    return {"gt": a > w, "gte": a >= w, "lt": a < w, "lte": a <= w}[op]


def register_all(register: Any) -> None:
    register(RequirementKind(
        "fields", "These canonical fields are present (e.g. `name`, `labels.owner`, `regulatory.copyright_policy`, "
        "`data.datasets`, `weights.license`).",
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
        check_fields, "fields: [labels.owner, data.training_summary]"))
    register(RequirementKind(
        "field", "One canonical field compared with a value: `exists`, `equals`, `in`, `gt`/`gte`/`lt`/`lte` "
        "(numbers), `before`/`after` (ISO dates). A missing field fails unless only `exists: false` is asked.",
        {"type": "object", "required": ["path"], "additionalProperties": False, "minProperties": 2, "properties": {
            "path": {"type": "string", "minLength": 1}, "equals": {}, "in": {"type": "array"},
            "gt": {"type": "number"}, "gte": {"type": "number"}, "lt": {"type": "number"}, "lte": {"type": "number"},
            "before": {"type": "string", "format": "date"}, "after": {"type": "string", "format": "date"},
            "exists": {"type": "boolean"}}},
        check_field, "field: {path: regulatory.training_compute_flops, gt: 1.0e25}"))
