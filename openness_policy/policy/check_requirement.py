"""Validate a requirement tree against the registered requirement kinds, with positions."""
from __future__ import annotations

from typing import Any

from openness_policy.errors import ConfigError
from openness_policy.sourcemap import Located, key_string

COMBINATORS = ("all", "any", "not")


def check_requirement(doc: Located, path: tuple, req: Any, registry: Any, depth: int = 0) -> None:
    pos = doc.pos(*path)
    jpath = "$." + key_string(path)

    def fail(message: str, hint: str, at: tuple = path) -> None:
        p = doc.pos(*at)
        raise ConfigError(p.file, p.line, p.col, message, hint, "$." + key_string(at))

    if depth > 64:
        fail("requirements are nested more than 64 levels deep", "flatten the all/any/not nesting")
    if not isinstance(req, dict) or len(req) != 1:
        known = ", ".join(sorted(set(registry.requirements) | set(COMBINATORS)))
        fail("a requirement must be a mapping with exactly one kind", f"use one of: {known}")
    (kind, value), = req.items()
    if kind in ("all", "any"):
        if not isinstance(value, list) or not value:
            fail(f"`{kind}` takes a non-empty list of requirements", f"write `{kind}:` followed by `- kind: value` items",
                 path + (kind,))
        for i, sub in enumerate(value):
            check_requirement(doc, path + (kind, i), sub, registry, depth + 1)
        return
    if kind == "not":
        check_requirement(doc, path + ("not",), value, registry, depth + 1)
        return
    spec = registry.requirements.get(kind)
    if spec is None:
        import difflib

        names = sorted(set(registry.requirements) | set(COMBINATORS))
        close = difflib.get_close_matches(str(kind), names, n=1)
        fail(f"unknown requirement kind '{kind}'",
             (f"did you mean '{close[0]}'? " if close else "") + f"known kinds: {', '.join(names)}", path + (kind,))
    from openness_policy.validation import inline_is_valid

    if inline_is_valid(spec.schema, value):
        return
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(spec.schema)
    errors = sorted(validator_cls(spec.schema).iter_errors(value), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        from openness_policy.validation import describe

        err = errors[0]
        sub = path + (kind,) + tuple(err.absolute_path)
        fail(f"`{kind}`: {describe(err).replace('the document', 'the value')}",
             spec.example and f"example: {spec.example}" or "see the policy reference in the README", sub)
    del pos, jpath
