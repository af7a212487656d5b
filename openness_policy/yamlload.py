"""YAML through libyaml's C composer, with positions taken from node marks.

ruamel.yaml's pure-Python round-trip loader costs ~7 ms per small manifest; the C composer builds
the node graph in C (~0.15 ms for an MOT file) and every node carries its start mark. The walk
below is iterative (no recursion limit), shares aliased nodes instead of expanding them (no
"billion laughs" blow-up) and caps the number of nodes it will convert.
"""
from __future__ import annotations

import math
from typing import Any

from openness_policy.sourcemap import Located, PathT

MAX_NODES = 1_000_000


class YamlError(Exception):
    """Input is not YAML we can read; ``line``/``col`` are 1-based."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def _parser_class() -> type:
    from ruamel.yaml.cyaml import CParser  # libyaml, via ruamel.yaml.clib
    from ruamel.yaml.resolver import Resolver

    class _Parser(CParser, Resolver):  # type: ignore[misc]
        def __init__(self, stream: Any) -> None:
            CParser.__init__(self, stream)
            Resolver.__init__(self, loadumper=self)

    return _Parser


_PARSER: type | None = None


def c_parser_loaded() -> bool:
    """True when the libyaml-backed parser is importable (checked by a test: DESIGN §7)."""
    try:
        from ruamel.yaml.cyaml import CParser  # noqa: F401
    except ImportError:
        return False
    return True


def compose(text: str) -> Any:
    """The root node of a single-document YAML string (None for an empty document)."""
    global _PARSER
    if _PARSER is None:
        _PARSER = _parser_class()
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    parser = _PARSER(text)
    try:
        return parser.get_single_node()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(f"{exc.context + ', ' if exc.context else ''}{exc.problem}", line, col) from None
    except YAMLError as exc:  # e.g. several documents in one file
        raise YamlError(str(exc).strip().splitlines()[0]) from None
    finally:
        parser.dispose()


def _scalar(node: Any) -> Any:
    tag, value = node.tag, node.value
    if tag.endswith(":str") or not tag.startswith("tag:yaml.org,2002:"):
        return value
    kind = tag[18:]
    if kind == "null":
        return None
    if kind == "bool":
        return value.lower() == "true"
    if kind == "int":
        v = value.replace("_", "")
        sign = -1 if v.startswith("-") else 1
        v = v.lstrip("+-")
        base = 16 if v.startswith("0x") else 8 if v.startswith("0o") else 10
        return sign * int(v[2:] if base != 10 else v, base)
    if kind == "float":
        v = value.replace("_", "").lower()
        if v.endswith(".inf"):
            return -math.inf if v.startswith("-") else math.inf
        if v.endswith(".nan"):
            return math.nan
        return float(v)
    return value  # timestamps and other tags stay strings: dates are compared as ISO text


def load_yaml(text: str, file: str, line_offset: int = 0) -> Located:
    """Parse ``text`` into a :class:`Located`. Raises :class:`YamlError` on syntax errors."""
    root = compose(text)
    marks: dict[PathT, tuple[int, int]] = {}
    located = Located(file, None, marks, line_offset=line_offset)
    if root is None:
        return located
    converted: dict[int, Any] = {}
    count = 0
    # Each stack entry: (node, path, container, key) — the converted value goes into container[key].
    holder: list[Any] = [None]
    stack: list[tuple[Any, PathT, Any, Any]] = [(root, (), holder, 0)]
    while stack:
        node, path, container, key = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise YamlError(f"more than {MAX_NODES} YAML nodes (alias expansion?)")
        marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        seen = converted.get(id(node))
        if seen is not None:  # an alias: share the value, never expand it again
            container[key] = seen
            continue
        nid = node.id
        if nid == "scalar":
            container[key] = _scalar(node)
            continue
        if nid == "sequence":
            value: Any = [None] * len(node.value)
            converted[id(node)] = value
            container[key] = value
            for i in range(len(node.value) - 1, -1, -1):
                stack.append((node.value[i], path + (i,), value, i))
            continue
        mapping: dict[Any, Any] = {}
        converted[id(node)] = mapping
        container[key] = mapping
        pending = []
        for knode, vnode in node.value:
            if knode.id != "scalar":
                raise YamlError("a mapping key must be a plain value", knode.start_mark.line + 1,
                                knode.start_mark.column + 1)
            k = _scalar(knode)
            k = k if isinstance(k, str) else str(k)
            if k in mapping:
                located.problems.append(("duplicate-key", path + (k,), f"duplicate key '{k}': the last value wins"))
                marks[path + (k,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            mapping[k] = None
            pending.append((vnode, path + (k,), mapping, k))
            marks.setdefault(path + (k,), (knode.start_mark.line + 1, knode.start_mark.column + 1))
        stack.extend(reversed(pending))
    located.data = holder[0]
    return located
