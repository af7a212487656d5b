"""YAML through libyaml's C parser, with positions taken from event marks.

ruamel.yaml's pure-Python round-trip loader costs ~7 ms per small manifest. Here libyaml (C, via
ruamel.yaml.clib) turns the text into events and one iterative loop below builds the Python data
from them, as fast as libyaml's own composer but without its weaknesses on hostile input:

- no recursion: libyaml's composer recurses in C and crashes the process on ~50,000 nested ``[``;
  here nesting beyond ``MAX_DEPTH`` is an error at the line where it is crossed;
- aliases are shared, never copied, and the nodes they stand for are counted: a "billion laughs"
  file is refused once aliases stand for more than ``MAX_ALIAS_EXPANSION`` nodes, and an alias to a
  collection that contains it (``&a [*a]``) is refused rather than producing a cyclic structure;
- at most ``MAX_NODES`` nodes, numbers of at most ``MAX_NUMBER_CHARS`` characters, finite floats.

Before libyaml, :mod:`openness_policy.yamlfast` tries the plain block YAML most manifests are
written in (about 0.09 ms instead of 0.16 ms for an MOT file); it gives exactly the same result or
leaves the text to libyaml.
"""
from __future__ import annotations

from typing import Any

from openness_policy import yamlfast
from openness_policy.limits import MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_NODES
from openness_policy.sourcemap import Located, PathT
from openness_policy.yamlscalar import (  # noqa: F401 - callers import YamlError from here
    IMPLICIT, MISSING, PLAIN, YamlError, error_at, fast_plain, load_implicit, plain_value, resolve_tag, scalar_value,
)

_FAST = True  # try :mod:`yamlfast` first (tests switch it off to compare with libyaml's reading)


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


def load_yaml(text: str, file: str, line_offset: int = 0) -> Located:
    """Parse ``text`` into a :class:`Located`. Raises :class:`YamlError` on syntax errors and limits."""
    global _PARSER
    if not IMPLICIT:
        load_implicit()
    if _FAST:
        found = yamlfast.parse(text, fast_plain, PLAIN)
        if found is not None:
            return Located(file, found[0], found[1], line_offset=line_offset)
    if _PARSER is None:  # ruamel.yaml is imported only for text the line reader leaves to libyaml
        _PARSER = _parser_class()
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        parser = _PARSER(text)
    except UnicodeEncodeError:
        raise YamlError("the text contains characters that are not valid Unicode", hint="save it as UTF-8") from None
    try:
        return _build(parser, file, line_offset)
    except MarkedYAMLError as exc:
        if "found unexpected ':'" in str(exc.problem):
            # libyaml follows YAML 1.1, where `[builtin:osaid-1.0]` or `[https://…]` is an error; YAML 1.2
            # (ruamel's own parser) reads a `:` not followed by a space as part of the scalar. Only this
            # rare case pays for the pure-Python parser.
            return _build_pure(text, file, line_offset)
        mark = exc.problem_mark or exc.context_mark
        raise error_at(f"{exc.context + ', ' if exc.context else ''}{exc.problem}", mark) from None
    except YAMLError as exc:  # e.g. a character libyaml does not accept
        position = getattr(exc, "position", None)
        line = text.count("\n", 0, position) + 1 if isinstance(position, int) else 1
        raise YamlError(str(exc).strip().splitlines()[0], line) from None
    finally:
        parser.dispose()


class _PureEvents:
    """ruamel.yaml's pure-Python (YAML 1.2) parser behind the same ``get_event`` the C parser offers."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        self._events = YAML(typ="safe", pure=True).parse(text)

    def get_event(self) -> Any:
        return next(self._events)


def _build_pure(text: str, file: str, line_offset: int) -> Located:
    from ruamel.yaml.error import MarkedYAMLError

    try:
        return _build(_PureEvents(text), file, line_offset)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise error_at(f"{exc.context + ', ' if exc.context else ''}{exc.problem}", mark) from None


def _build(parser: Any, file: str, line_offset: int) -> Located:
    from ruamel.yaml.events import (
        AliasEvent, DocumentStartEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent,
    )

    marks: dict[PathT, tuple[int, int]] = {}
    located = Located(file, None, marks, line_offset=line_offset)
    anchors: dict[str, Any] = {}  # name -> (value, expanded size), or a token while its collection is open
    # Open collections: [value, path, pending key (tuple) or None, is mapping, (anchor, token), expanded size]
    stack: list[list[Any]] = []
    root: list[Any] = [None]
    nodes = expanded = documents = 0
    get_event = parser.get_event
    while True:
        event = get_event()
        kind = type(event)
        mark = event.start_mark
        if kind is ScalarEvent:
            nodes += 1
            tag, text = event.ctag, event.value
            if tag is None:
                if event.implicit[0]:  # plain: the same few values recur in every file
                    value = PLAIN.get(text, MISSING)
                    if value is MISSING:
                        value = plain_value(text, mark)
                else:
                    value = text
            else:
                if type(tag) is not str:
                    tag = str(tag)
                if tag == "!":
                    tag = resolve_tag(text, event.implicit)
                value = scalar_value(tag, text, mark)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            if stack:
                top = stack[-1]
                if top[3]:
                    pending = top[2]
                    if pending is None:  # a mapping key
                        if type(value) is str and value not in top[0]:  # the common case of _key, inline
                            top[2] = (value,)
                            marks.setdefault(top[1] + (value,), (mark.line + 1, mark.column + 1))
                        else:
                            _key(located, top, value, mark)
                        continue
                    top[2] = None
                    top[0][pending[0]] = value
                else:
                    path = top[1] + (len(top[0]),)
                    top[0].append(value)
                    marks.setdefault(path, (mark.line + 1, mark.column + 1))
                top[5] += 1
            else:
                _place(stack, root, value, mark, marks)
        elif kind is AliasEvent:
            nodes += 1
            found = anchors.get(event.anchor)
            if found is None:
                raise error_at(f"found undefined alias '*{event.anchor}'", mark)
            if type(found) is not tuple:
                raise error_at(f"the alias '*{event.anchor}' refers to a collection that contains it "
                             "(a recursive structure)", mark, "repeat the values instead of aliasing them")
            value, size = found
            expanded += size - 1
            if expanded > MAX_ALIAS_EXPANSION:
                raise error_at(f"YAML aliases stand for more than {MAX_ALIAS_EXPANSION:,} nodes (an alias bomb?)",
                             mark, "repeat the values instead of aliasing them")
            if stack and stack[-1][3] and stack[-1][2] is None:  # a mapping key
                _key(located, stack[-1], value, mark)
                continue
            _place(stack, root, value, mark, marks)
            if stack:
                stack[-1][5] += size
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            nodes += 1
            if len(stack) >= MAX_DEPTH:
                raise error_at(f"the YAML is nested more than {MAX_DEPTH} levels deep", mark, "flatten the structure")
            value = {} if kind is MappingStartEvent else []
            path = _place(stack, root, value, mark, marks)
            anchor = None
            if event.anchor is not None:
                anchor = (event.anchor, object())
                anchors[event.anchor] = anchor[1]
            stack.append([value, path, None, kind is MappingStartEvent, anchor, 1])
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise error_at("a second YAML document ('---') in the file", mark, "keep one document per file")
            continue
        elif kind is StreamEndEvent:
            break
        elif stack:  # SequenceEnd / MappingEnd (stream and document ends only occur with an empty stack)
            value, _, _, _, anchor, size = stack.pop()
            if anchor is not None and anchors.get(anchor[0]) is anchor[1]:  # not redefined inside
                anchors[anchor[0]] = (value, size)
            if stack:
                stack[-1][5] += size
            continue
        else:
            continue
        if nodes > MAX_NODES:
            raise error_at(f"more than {MAX_NODES:,} YAML nodes", mark, "split the file")
    located.data = root[0]
    return located


def _key(located: Located, top: list[Any], value: Any, mark: Any) -> None:
    if type(value) is str:
        key = value
    elif isinstance(value, (dict, list)):
        raise error_at("a mapping key must be a plain value", mark)
    else:
        key = value if isinstance(value, str) else str(value)
    path = top[1] + (key,)
    top[2] = (key,)
    if key in top[0]:
        located.problems.append(("duplicate-key", path, f"duplicate key '{key}': the last value wins"))
        located.marks[path] = (mark.line + 1, mark.column + 1)
    else:
        located.marks.setdefault(path, (mark.line + 1, mark.column + 1))


def _place(stack: list[list[Any]], root: list[Any], value: Any, mark: Any, marks: dict) -> PathT:
    """Put ``value`` into the innermost open collection (or make it the root); return its path."""
    if not stack:
        root[0] = value
        marks.setdefault((), (mark.line + 1, mark.column + 1))
        return ()
    top = stack[-1]
    if top[3]:
        if top[2] is None:
            raise error_at("a mapping key must be a plain value", mark)
        (key,), top[2] = top[2], None
        top[0][key] = value
        return top[1] + (key,)
    path = top[1] + (len(top[0]),)
    top[0].append(value)
    marks.setdefault(path, (mark.line + 1, mark.column + 1))
    return path
