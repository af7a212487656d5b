"""What a YAML scalar's text means: YAML 1.2 core-schema resolution of plain scalars, numbers within
limits, and the error every YAML reader raises. Shared by :mod:`openness_policy.yamlload` (libyaml's
events) and :mod:`openness_policy.yamlfast` (the line reader), so both give the same values.
"""
from __future__ import annotations

import math
import os
from typing import Any

from openness_policy.limits import MAX_NUMBER_CHARS


class YamlError(Exception):
    """Input is not YAML we can read; ``line``/``col`` are 1-based.

    ``hint`` (what to do) is set when the input is refused by a limit or rule rather than for its
    syntax; the message then reads on its own (no "not valid YAML" needed in front of it)."""

    def __init__(self, message: str, line: int = 1, col: int = 1, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.col, self.hint = message, line, col, hint


IMPLICIT: dict[Any, list[tuple[str, Any]]] = {}  # first character -> [(tag, regexp)] for plain scalars
STR_TAG = "tag:yaml.org,2002:str"


def load_implicit() -> None:
    """Fill :data:`IMPLICIT` (once) with ruamel.yaml's implicit resolvers: the regular expressions that
    tell a plain scalar's type, exactly as libyaml's reading resolves them.

    Importing ruamel.yaml costs ~15 ms, an eighth of a one-file run, and a run whose YAML the line
    reader (:mod:`openness_policy.yamlfast`) reads needs nothing else from it. So the table (tags,
    pattern texts and flags: plain data) is kept in the data cache, keyed by ruamel.yaml's resolver
    source (its size and modification time), the tool version and this file, and compiled here."""
    if IMPLICIT:
        return
    source = _resolver_source()
    if source is None:
        rows = _resolver_rows()
    else:
        from pathlib import Path

        from openness_policy.data_cache import load_data

        rows = load_data(Path(source), lambda _text: _resolver_rows(), kind="yaml-implicit",
                         code=(os.path.abspath(__file__),), read=lambda _path: "")
    import re

    compiled: dict[tuple[str, int], Any] = {}
    table: dict[Any, list[tuple[str, Any]]] = {}
    for first, tag, pattern, flags in rows:
        if (pattern, flags) not in compiled:
            compiled[pattern, flags] = re.compile(pattern, flags)
        table.setdefault(first, []).append((tag, compiled[pattern, flags]))
    IMPLICIT.update(table)


def _resolver_source() -> str | None:
    """ruamel.yaml's ``resolver.py``, found without importing ruamel.yaml (None: not a plain file)."""
    try:
        import ruamel  # a namespace package: importing it runs nothing
    except ImportError:
        return None
    for folder in getattr(ruamel, "__path__", ()):
        path = os.path.join(folder, "yaml", "resolver.py")
        if os.path.isfile(path):
            return path
    return None


_SOURCES: list[tuple[str, ...]] = []


def parser_sources() -> tuple[str, ...]:
    """The files of ruamel.yaml and its libyaml extension whose change means YAML may read differently
    (an upgrade rewrites them), found once without importing either: for keys of cached parse results."""
    if not _SOURCES:
        _SOURCES.append(_find_parser_sources())
    return _SOURCES[0]


def _find_parser_sources() -> tuple[str, ...]:
    import importlib.util

    out = []
    source = _resolver_source()
    if source is not None:
        out += [source, os.path.join(os.path.dirname(source), "__init__.py")]
    try:
        spec = importlib.util.find_spec("_ruamel_yaml")  # ruamel.yaml.clib's libyaml binding (top level)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin and os.path.isfile(spec.origin):
        out.append(spec.origin)
    return tuple(out)


def _resolver_rows() -> list[list[Any]]:
    """``[first character, tag, pattern, flags]`` for each of ruamel.yaml's implicit resolvers, in order."""
    from ruamel.yaml.resolver import Resolver

    return [[first, str(tag), regexp.pattern, regexp.flags]
            for first, resolvers in Resolver.yaml_implicit_resolvers.items() for tag, regexp in resolvers]


def error_at(message: str, mark: Any, hint: str = "") -> YamlError:
    if mark is None:
        return YamlError(message, hint=hint)
    return YamlError(message, mark.line + 1, mark.column + 1, hint)


def resolve_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag of an untagged scalar: YAML 1.2 core schema rules for plain scalars, else a string."""
    if implicit[0]:
        for tag, regexp in IMPLICIT.get(value[0] if value else "", ()):
            if regexp.match(value):
                return tag
    return STR_TAG


PLAIN: dict[str, Any] = {}  # plain scalar text -> its value (immutable: str, int, float, bool, None)
PLAIN_MAX = 50_000
MISSING = object()


def plain_value(text: str, mark: Any) -> Any:
    """The value of an untagged plain scalar, remembered (a limit error is raised every time)."""
    value = scalar_value(resolve_tag(text, (True, False)), text, mark)
    if len(PLAIN) >= PLAIN_MAX:
        PLAIN.clear()
    PLAIN[text] = value
    return value


def fast_plain(text: str) -> Any:
    """:func:`plain_value` for :mod:`yamlfast`, which has no position to give (it then leaves the text to libyaml)."""
    return plain_value(text, None)


def scalar_value(tag: Any, value: str, mark: Any) -> Any:
    if type(tag) is not str:
        tag = str(tag)
    if tag.endswith(":str") or not tag.startswith("tag:yaml.org,2002:"):
        return value
    kind = tag[18:]
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind not in ("int", "float"):
        return value  # timestamps and other tags stay strings: dates are compared as ISO text
    if len(value) > MAX_NUMBER_CHARS:
        raise error_at(f"a number of {len(value):,} characters (the limit is {MAX_NUMBER_CHARS:,})", mark,
                     "quote it if it is meant as text")
    v = value.replace("_", "")
    try:
        if kind == "int":
            sign = -1 if v.startswith("-") else 1
            v = v.lstrip("+-")
            base = {"0x": 16, "0o": 8, "0b": 2}.get(v[:2].lower(), 10)
            return sign * int(v[2:] if base != 10 else v, base)
        number = float(v.lower().replace(".inf", "inf").replace(".nan", "nan"))
    except ValueError:
        return value  # an explicit !!int / !!float tag on text that is not a number: keep the text
    if not math.isfinite(number):
        raise error_at(f"'{value}' is not a finite number (infinity, NaN or out of range)", mark,
                     "write it as a quoted string or a smaller number")
    return number


