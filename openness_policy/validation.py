"""JSON Schema validation with positions: schema errors become problems at the offending line.

Each schema is compiled once into a plain predicate (:mod:`openness_policy.schema_compile`) that
answers "valid?" in a few microseconds; only an invalid document goes through jsonschema, for its
messages. jsonschema is a heavy import (~100 ms), so it is loaded on first use and each validator
is built once: a run over valid files never imports it.
"""
from __future__ import annotations

from functools import cache
from typing import Any, Callable, Iterator

from openness_policy.resources import data_dir, schema
from openness_policy.sourcemap import Located, key_string


@cache
def validator(name: str) -> Any:
    import jsonschema
    from referencing import Registry, Resource

    def retrieve(uri: str) -> Resource:
        return Resource.from_contents(schema(uri.rsplit("/", 1)[-1]))

    doc = schema(name)
    cls = jsonschema.validators.validator_for(doc)
    return cls(doc, registry=Registry(retrieve=retrieve))


@cache
def fast_check(name: str) -> Callable[[Any], bool] | None:
    """The compiled "valid?" predicate for a schema, or None when the compiler does not support it."""
    from openness_policy.schema_compile import compile_schema

    return compile_schema(schema(name), load=schema)


def is_valid(data: Any, name: str) -> bool:
    """True when ``data`` is valid against the schema ``name`` (jsonschema only when in doubt)."""
    check = fast_check(name)
    if check is not None:
        try:
            return check(data)
        except RecursionError:
            pass
    return validator(name).is_valid(data)


_INLINE: dict[int, tuple[dict, Callable[[Any], bool] | None]] = {}
LATEST = "https://json-schema.org/draft/2020-12/schema"  # jsonschema's default for a schema without $schema


def inline_is_valid(sch: dict, value: Any) -> bool:
    """``value`` against a schema given as a dict (a requirement kind's), compiled on first use."""
    hit = _INLINE.get(id(sch))
    if hit is None or hit[0] is not sch:
        from openness_policy.schema_compile import compile_schema

        hit = (sch, compile_schema(sch if "$schema" in sch else {"$schema": LATEST, **sch}))
        _INLINE[id(sch)] = hit  # keeps ``sch`` alive, so its id is never reused for another schema
    if hit[1] is not None:
        try:
            return hit[1](value)
        except RecursionError:
            pass
    import jsonschema

    return jsonschema.validators.validator_for(sch)(sch).is_valid(value)


def schema_errors(located: Located, name: str) -> Iterator[tuple[tuple, str, str]]:
    """Yield ``(path, message, hint)`` for each schema error, most specific first, sorted by place."""
    if is_valid(located.data, name):
        return
    errors = sorted(validator(name).iter_errors(located.data), key=lambda e: (located.pos(*e.absolute_path).line, list(map(str, e.absolute_path))))
    for err in errors:
        path = tuple(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = err.schema.get("properties", {})
            patterns = err.schema.get("patternProperties", {})
            import re

            for key in err.instance:
                if key not in allowed and not any(re.search(p, key) for p in patterns):
                    yield path + (key,), f"unknown key '{key}'" + (f" in {key_string(path)}" if path else ""), \
                        _suggest(key, allowed, "known keys here: " + ", ".join(sorted(allowed)))
            continue
        if "propertyNames" in err.relative_schema_path:
            names = err.validator_value if err.validator == "enum" else []
            yield path + (err.instance,), f"unknown name '{err.instance}' in {key_string(path) or 'the document'}", \
                _suggest(err.instance, names, "see the schema for the allowed names")
            continue
        yield path, describe(err), hint(err)


def _suggest(word: str, choices: Any, fallback: str) -> str:
    import difflib

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    if not close:
        close = [c for c in choices if str(c).lower() == str(word).lower()]
    return f"did you mean '{close[0]}'?" if close else fallback


def describe(err: Any) -> str:
    where = key_string(tuple(err.absolute_path)) or "the document"
    v = err.validator
    if v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        return f"unknown key{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))} in {where}"
    if v == "required":
        return f"{where} is missing a required key: {err.message.split(' ')[0]}"
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"{where} must be {want}, not {type(err.instance).__name__}"
    if v in ("enum", "const"):
        allowed = err.validator_value if v == "enum" else [err.validator_value]
        return f"{where} is {err.instance!r}; expected one of {', '.join(map(repr, allowed))}"
    if v == "propertyNames":
        return f"{where}: {err.message}"
    return f"{where}: {err.message}"


def hint(err: Any) -> str:
    v = err.validator
    if v == "additionalProperties":
        known = sorted(err.schema.get("properties", {}))
        return f"known keys here: {', '.join(known)}" if known else "remove the key"
    if v == "required":
        return "add the key"
    if v in ("enum", "const"):
        return "use one of the listed values"
    if v == "type":
        return "change the value's type"
    return "see the schema in " + str(data_dir("schemas").name) + "/"
