"""JSON Schemas compiled into plain Python predicates: a fast "valid?" before the full validator.

jsonschema walks the schema for every instance (~0.2 ms for an MOT file, most of it bookkeeping for
error messages) and costs ~100 ms to import. Most manifests and policies are valid, so
:func:`compile_schema` turns a schema into nested closures that only answer *valid or not*; the caller
runs jsonschema only when the answer is no, for its messages.

The compiler knows the keywords our schemas use, with jsonschema's exact semantics (``True`` is not
``1``, ``1.0`` is an integer, patterns use ``re.search``). Any other keyword or dialect, a ``$ref``
to something other than one of our schema files, or an array form of ``items`` makes it give up
(``None``): then jsonschema alone decides. ``tests/test_schema_compile.py`` checks that both agree on
every schema, corpus file and generated instance.
``format`` is an annotation, as in jsonschema without a format checker (how ``validation`` builds it).
"""
from __future__ import annotations

import re
from typing import Any, Callable

from openness_policy.schema_values import Pred, enum_pred, is_number, type_pred, unique

ANNOTATIONS = frozenset({
    "$schema", "$id", "$comment", "$anchor", "title", "description", "default", "examples", "format",
    "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "contentMediaType", "contentEncoding",
})
DIALECTS = ("json-schema.org/draft-07/schema", "json-schema.org/draft/2020-12/schema")


class Unsupported(Exception):
    """The schema uses something this compiler does not handle; use jsonschema alone."""


def _type_pred(types: Any) -> Pred:
    pred = type_pred(types)
    if pred is None:
        raise Unsupported(f"type {types!r}")
    return pred


class _Compiler:
    def __init__(self, root: dict, load: Callable[[str], dict] | None, others: dict[str, _Compiler]) -> None:
        dialect = str(root.get("$schema", ""))
        if not any(d in dialect for d in DIALECTS):
            raise Unsupported(f"dialect {dialect!r}")
        self.root, self.load, self.others = root, load, others
        self.draft7 = "draft-07" in dialect
        self.refs: dict[str, Pred] = {}

    def ref(self, ref: str) -> Pred:
        name, _, pointer = ref.partition("#")
        if name:  # another of our schemas, by file name (as validation.validator retrieves it)
            if self.load is None or "/" in name or ":" in name:
                raise Unsupported(f"$ref {ref!r}")
            if name not in self.others:
                self.others[name] = _Compiler(self.load(name), self.load, self.others)
            return self.others[name].ref("#" + pointer)
        if pointer and not pointer.startswith("/"):
            raise Unsupported(f"$ref {ref!r} (anchors)")
        if pointer not in self.refs:
            slot: list[Pred] = []
            self.refs[pointer] = lambda x: slot[0](x)  # late-bound: a $ref may be recursive
            slot.append(self.node(self._resolve(pointer), top=not pointer))
        return self.refs[pointer]

    def _resolve(self, pointer: str) -> Any:
        target: Any = self.root
        for part in pointer[1:].split("/") if pointer else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            elif isinstance(target, dict) and part in target:
                target = target[part]
            else:
                raise Unsupported(f"$ref #{pointer} points nowhere")
        return target

    def node(self, schema: Any, top: bool = False) -> Pred:
        if schema is True:
            return lambda x: True
        if schema is False:
            return lambda x: False
        if not isinstance(schema, dict):
            raise Unsupported("schema is not an object or boolean")
        if "$id" in schema and not top:
            raise Unsupported("nested $id")
        if "$ref" in schema and self.draft7:
            return self.ref(schema["$ref"])  # draft-07: siblings of $ref are ignored
        keys = sorted((k for k in schema if k not in ANNOTATIONS and k not in ("then", "else")),
                      key=lambda k: k != "type")  # the type first: cheapest and most decisive
        checks: list[Pred] = []
        for key in keys:
            make = getattr(self, "k_" + key.lstrip("$"), None)
            if make is None:
                raise Unsupported(f"keyword {key!r}")
            checks.append(make(schema[key], schema))
        if not checks:
            return lambda x: True
        if len(checks) == 1:
            return checks[0]
        if len(checks) == 2:
            a, b = checks
            return lambda x: a(x) and b(x)
        return _all_of(checks)

    # -- keywords (each returns a predicate over the instance) ------------------------------------
    def k_ref(self, value: str, schema: dict) -> Pred:
        return self.ref(value)

    def k_type(self, value: Any, schema: dict) -> Pred:
        return _type_pred(value)

    def k_enum(self, value: list, schema: dict) -> Pred:
        return enum_pred(value)

    def k_const(self, value: Any, schema: dict) -> Pred:
        return enum_pred([value])

    def k_properties(self, value: dict, schema: dict) -> Pred:
        props = [(k, self.node(s)) for k, s in value.items()]

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for k, pred in props:
                if k in x and not pred(x[k]):
                    return False
            return True
        return check

    def k_patternProperties(self, value: dict, schema: dict) -> Pred:
        pats = [(re.compile(p), self.node(s)) for p, s in value.items()]
        return lambda x: not isinstance(x, dict) or all(
            pred(v) for k, v in x.items() for rx, pred in pats if rx.search(k))

    def k_additionalProperties(self, value: Any, schema: dict) -> Pred:
        known = frozenset(schema.get("properties", {}))
        joined = "|".join(schema.get("patternProperties", {}))
        rx = re.compile(joined) if joined else None
        pred = self.node(value)

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for k, v in x.items():
                if k not in known and not (rx is not None and rx.search(k)) and not pred(v):
                    return False
            return True
        return check

    def k_propertyNames(self, value: Any, schema: dict) -> Pred:
        pred = self.node(value)
        return lambda x: not isinstance(x, dict) or all(pred(k) for k in x)

    def k_required(self, value: list, schema: dict) -> Pred:
        names = list(value)

        def check(x: Any) -> bool:
            if isinstance(x, dict):
                for n in names:
                    if n not in x:
                        return False
            return True
        return check

    def k_minProperties(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, dict) or len(x) >= value

    def k_maxProperties(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, dict) or len(x) <= value

    def k_items(self, value: Any, schema: dict) -> Pred:
        if isinstance(value, list) or "prefixItems" in schema:
            raise Unsupported("tuple-form items")
        pred = self.node(value)

        def check(x: Any) -> bool:
            if isinstance(x, list):
                for i in x:
                    if not pred(i):
                        return False
            return True
        return check

    def k_minItems(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, list) or len(x) >= value

    def k_maxItems(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, list) or len(x) <= value

    def k_uniqueItems(self, value: bool, schema: dict) -> Pred:
        if not value:
            return lambda x: True
        return lambda x: not isinstance(x, list) or (
            len(set(x)) == len(x) if all(isinstance(i, str) for i in x) else unique(x))

    def k_minLength(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, str) or len(x) >= value

    def k_maxLength(self, value: int, schema: dict) -> Pred:
        return lambda x: not isinstance(x, str) or len(x) <= value

    def k_pattern(self, value: str, schema: dict) -> Pred:
        rx = re.compile(value)
        return lambda x: not isinstance(x, str) or rx.search(x) is not None

    def _bound(self, value: Any, op: Callable[[Any, Any], bool]) -> Pred:
        if not is_number(value):
            raise Unsupported("numeric bound is not a number")
        return lambda x: not is_number(x) or op(x, value)

    def k_minimum(self, value: Any, schema: dict) -> Pred:
        return self._bound(value, lambda x, v: x >= v)

    def k_maximum(self, value: Any, schema: dict) -> Pred:
        return self._bound(value, lambda x, v: x <= v)

    def k_exclusiveMinimum(self, value: Any, schema: dict) -> Pred:
        return self._bound(value, lambda x, v: x > v)

    def k_exclusiveMaximum(self, value: Any, schema: dict) -> Pred:
        return self._bound(value, lambda x, v: x < v)

    def k_allOf(self, value: list, schema: dict) -> Pred:
        preds = [self.node(s) for s in value]
        return lambda x: all(p(x) for p in preds)

    def k_anyOf(self, value: list, schema: dict) -> Pred:
        preds = [self.node(s) for s in value]
        return lambda x: any(p(x) for p in preds)

    def k_oneOf(self, value: list, schema: dict) -> Pred:
        preds = [self.node(s) for s in value]
        return lambda x: sum(1 for p in preds if p(x)) == 1

    def k_not(self, value: Any, schema: dict) -> Pred:
        pred = self.node(value)
        return lambda x: not pred(x)

    def k_if(self, value: Any, schema: dict) -> Pred:
        cond = self.node(value)
        then = self.node(schema.get("then", True))
        else_ = self.node(schema.get("else", True))
        return lambda x: then(x) if cond(x) else else_(x)


def _all_of(checks: list[Pred]) -> Pred:
    def check(x: Any) -> bool:
        for c in checks:
            if not c(x):
                return False
        return True
    return check


def compile_schema(schema: dict, load: Callable[[str], dict] | None = None) -> Pred | None:
    """A predicate that is True exactly for the instances jsonschema finds valid; None when unsupported.

    ``load(name)`` returns another schema by file name, for a ``$ref`` such as
    ``license-catalog.schema.json#/$defs/record``.
    """
    try:
        return _Compiler(schema, load, {}).node(schema, top=True)
    except (Unsupported, re.error, RecursionError, ValueError, IndexError):
        return None
