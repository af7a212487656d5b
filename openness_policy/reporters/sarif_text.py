"""SARIF results as text, straight from findings: the bytes ``json_text.dumps`` gives for the dicts
``sarif.result_body`` builds, five times faster (no dict per result, no walk over it).

A SARIF log of 10,000 manifests holds ~150,000 results; rendering them is most of the reporter's
time. Every result has the same shape, so its text is assembled from pieces here; the only parts
that vary in shape (``properties``, ``suppressions``) go through the generic writer. A test renders
every result both ways and compares them byte for byte.
"""
from __future__ import annotations

from typing import Any, Iterable

from openness_policy.findings import Finding
from openness_policy.reporters.common import level_of, line_col, split_suppression
from openness_policy.reporters.json_text import _dump, _quote

RESULT_INDENT = "\n        "  # results sit at depth 4 of the log: {"runs": [{"results": [ ... ]}]}
STEP = "  "
I1, I2, I3, I4, I5 = (RESULT_INDENT + STEP * k for k in range(1, 6))
SENTINEL = "\x00results\x00"


def _artifact(path: str) -> str:
    """``_dump`` of the result's ``artifactLocation`` (written directly: one per manifest file)."""
    from openness_policy.reporters.sarif import SRCROOT, artifact_uri

    uri, relative = artifact_uri(path)
    if relative:
        return "{" + I5 + '"uri": ' + _quote(uri) + "," + I5 + '"uriBaseId": ' + _quote(SRCROOT) + I4 + "}"
    return "{" + I5 + '"uri": ' + _quote(uri) + I4 + "}"


def properties(f: Finding) -> dict[str, Any]:
    """The result's ``properties``: manifest, model and key path, then the finding's own (non-empty)."""
    props: dict[str, Any] = {"manifest": f.manifest, "model": f.model, "key": f.pos.key}
    if f.properties:
        from openness_policy.reporters.json_report import jsonable

        for k, v in jsonable(f.properties).items():
            props.setdefault(k, v)
    return {k: v for k, v in props.items() if v is not None and v != ""}


_PROPS_SEP = "," + I2
_PROPS_HEAD: dict[tuple[str, str], str] = {}  # (manifest, model) -> the properties' text up to the key's value


def _properties_text(f: Finding) -> str:
    """``_dump(properties(f), I1, STEP)``; without the finding's own properties, built directly."""
    if f.properties:
        return _dump(properties(f), I1, STEP)
    manifest, model, key = f.manifest, f.model, f.pos.key
    if type(manifest) is str and type(model) is str and type(key) is str and manifest and model and key:
        head = _PROPS_HEAD.get((manifest, model))
        if head is None:
            if len(_PROPS_HEAD) >= 256:
                _PROPS_HEAD.clear()
            head = _PROPS_HEAD[(manifest, model)] = ("{" + I2 + '"manifest": ' + _quote(manifest) + _PROPS_SEP
                                                     + '"model": ' + _quote(model) + _PROPS_SEP + '"key": ')
        return head + _quote(key) + I1 + "}"
    parts = []
    for name, value in (('"manifest": ', manifest), ('"model": ', model), ('"key": ', key)):
        if value is None or value == "":
            continue
        if type(value) is not str:
            return _dump(properties(f), I1, STEP)
        parts.append(name + _quote(value))
    if not parts:
        return "{}"
    return "{" + I2 + _PROPS_SEP.join(parts) + I1 + "}"


def suppressions(f: Finding) -> list[dict[str, str]]:
    kind, reason = split_suppression(f.suppressed_by)
    return [{
        "kind": "inSource" if kind == "inline" else "external",
        "status": "accepted",
        "justification": f"{kind}: {reason}" if reason else kind,
    }]


# The fixed text between a result's values, in the order body_fields joins them.
_LEVEL = I1 + '"level": '
_MESSAGE = "," + I1 + '"message": {' + I2 + '"text": '
_LOCATION = (I1 + "}," + I1 + '"locations": [' + I2 + "{" + I3 + '"physicalLocation": {' + I4
             + '"artifactLocation": ')
_START_LINE = "," + I4 + '"region": {' + I5 + '"startLine": '
_START_COL = "," + I5 + '"startColumn": '
_END_LINE = "," + I5 + '"endLine": '
_FINGERPRINT: list[str] = []  # filled on first use: the fixed text up to the fingerprint (needs sarif's key)
_PROPERTIES = I1 + "}," + I1 + '"properties": '
_END = RESULT_INDENT + "}"


def _fingerprint_head() -> str:
    if not _FINGERPRINT:
        from openness_policy.reporters.sarif import FINGERPRINT_KEY

        _FINGERPRINT.append(I4 + "}" + I3 + "}" + I2 + "}" + I1 + "]," + I1 + '"partialFingerprints": {' + I2
                            + _quote(FINGERPRINT_KEY) + ": ")
    return _FINGERPRINT[0]


_LEVEL_TEXT = {level: _LEVEL + _quote(level) for level in ("error", "warning", "note")}
_LOCATION_TEXT: dict[str, str] = {}  # file -> the location's text up to the line number


def _location(file: str) -> str:
    text = _LOCATION_TEXT.get(file)
    if text is None:
        if len(_LOCATION_TEXT) >= 4096:
            _LOCATION_TEXT.clear()
        text = _LOCATION_TEXT[file] = _LOCATION + _artifact(file) + _START_LINE
    return text


def body_text(f: Finding, fingerprint: str) -> str:
    """A result without ``ruleId`` and ``ruleIndex``, as text at the depth of ``results`` items."""
    return "{" + body_fields(f, fingerprint)


def body_fields(f: Finding, fingerprint: str) -> str:
    """:func:`body_text` after its opening brace: what follows :func:`result_head` in a whole result."""
    pos = f.pos
    line, col = pos.line, pos.col
    if type(line) is not int or type(col) is not int or line < 1 or col < 1:
        line, col = line_col(pos)
    message = f.message or f.rule.title or f.rule.id
    level = f.level
    lines = str(line)
    text = "".join((
        _LEVEL_TEXT[level] if type(level) is str and level in _LEVEL_TEXT else _LEVEL + _quote(level_of(f)),
        _MESSAGE, _quote(message) if type(message) is str else _dump(message, I2, STEP),
        _LOCATION_TEXT.get(pos.file) or _location(pos.file), lines, _START_COL, str(col), _END_LINE, lines,
        _FINGERPRINT[0] if _FINGERPRINT else _fingerprint_head(), _quote(fingerprint), _PROPERTIES, _properties_text(f),
    ))
    if f.suppressed_by is not None:
        text += "," + I1 + '"suppressions": ' + _dump(suppressions(f), I1, STEP)
    return text + _END


def level_at(texts: bytes | memoryview, start: int) -> str:
    """The level of the result whose :func:`body_fields` text (which starts with it) begins at ``start``
    of ``texts`` (UTF-8)."""
    text = bytes(texts[start + len(_LEVEL) + 1:start + len(_LEVEL) + 64])
    return text[:text.index(b'"')].decode("utf-8")


def result_head(rule_id: str, index: int) -> str:
    """A whole result's text up to its :func:`body_fields`: ``ruleId`` and ``ruleIndex`` come first, as in the reporter."""
    return "{" + I1 + '"ruleId": ' + _quote(rule_id) + "," + I1 + '"ruleIndex": ' + str(index) + ","


def around(document: dict[str, Any]) -> tuple[str, str]:
    """The log's text before and after its results, from a document whose ``results`` is ``[SENTINEL]``."""
    head, tail = (_dump(document, "\n", STEP) + "\n").split(_quote(SENTINEL))
    return head, tail


def join(head: str, results: Iterable[str], tail: str, empty: str) -> Iterable[str]:
    """Chunks of the whole log; ``empty`` is the log's text when there are no results."""
    first = True
    for text in results:
        yield head if first else "," + RESULT_INDENT
        yield text
        first = False
    yield empty if first else tail
