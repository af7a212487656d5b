"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers (DESIGN §6, research §3.2).

- One run; driver ``openness-policy`` with ``version``, ``semanticVersion`` and ``informationUri``.
- ``rules[]`` lists **every rule evaluated** (``Report.rules``, plus any rule a result refers to), sorted
  by id: the file then records what was checked, ``ruleIndex`` does not shift when findings come and
  go, and the count is far below GitHub's 25,000-rule cap. Ids are unique by construction.
- Each result has exactly one location: a repo-relative, percent-encoded URI under ``%SRCROOT%`` and a
  region (line and column ≥ 1). Identity is ``partialFingerprints["opennessPolicy/v1"]`` =
  ``Finding.fingerprint``; we never write ``primaryLocationLineHash`` (upload-sarif computes that one).
- Suppressed findings are left out by default: GitHub ignores ``suppressions`` and would open alerts
  for them. ``render(report, include_suppressed=True)`` adds them with ``suppressions`` for consumers
  that honour it. ``category`` sets ``automationDetails.id`` (default ``openness-policy/``).
- ``max_results`` keeps the most severe N results (GitHub rejects a run with more than 25,000): ``sarif_limit``.
- Deterministic: sorted, no timestamps, no absolute paths; ASCII-only JSON.
"""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from operator import itemgetter
from typing import Any, Callable
from urllib.parse import quote

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter, RuleInfo
from openness_policy.reporters import json_text
from openness_policy.reporters.common import (
    INFORMATION_URI, TOOL_NAME, level_of, line_col, split_suppression, tool_version,
)
from openness_policy.reporters.json_report import jsonable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "opennessPolicy/v1"
SRCROOT = "%SRCROOT%"
MAX_TAGS = 10  # GitHub shows 10 and rejects more than 20
MAX_TEXT = 1024  # GitHub's limit for short and full descriptions
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://?\S")
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"
_DRIVE = re.compile(r"^[A-Za-z]:/")
# Relative paths that normpath and quote leave as they are: unreserved characters only, no empty, "." or
# ".." segment (a segment never starts with a dot).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9_.~-]*(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)*")
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def artifact_uri(path: str) -> tuple[str, bool]:
    """(percent-encoded URI, relative?) for a display path. Relative paths go under ``%SRCROOT%``."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posixpath.normpath(posix), safe="/"), False
    if _DRIVE.match(posix):  # C:/... on Windows
        return "file:///" + posix[:2] + quote(posixpath.normpath(posix[2:]), safe="/"), False
    if _PLAIN_PATH.fullmatch(posix):  # already normal, nothing to encode: the common case, quickly
        return posix, True
    posix = posixpath.normpath(posix) if posix else "."
    return quote(posix, safe="/"), True


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tags(rule: RuleInfo) -> list[str]:
    seen: list[str] = []
    for tag in (*rule.tags, "compliance"):
        tag = str(tag).strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen[:MAX_TAGS]


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    title = _clip(rule.title or rule.id)
    full = _clip(rule.description or title)
    help_text = (rule.help or rule.description or title).strip()
    parts = [f"**{title}**", (rule.description or "").strip(), (rule.help or "").strip()]
    markdown = "\n\n".join(p for p in parts if p)
    if rule.help_uri:
        help_text += f"\n\nSee: {rule.help_uri}"
        link = quote(rule.help_uri.strip(), safe=_URL_SAFE)
        markdown += f"\n\n[Reference]({link})" if _SCHEME.match(link) else f"\n\nSee: {rule.help_uri}"
    level = rule.level if rule.level in PROBLEM_SEVERITY else "warning"
    props: dict[str, Any] = {
        "tags": _tags(rule),
        "precision": "very-high",  # deterministic readings of declared facts, no heuristics
        "problem.severity": PROBLEM_SEVERITY[level],
        "source": rule.source,
    }
    if rule.effective:
        props["effective"] = rule.effective
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id[:255],
        "shortDescription": {"text": title},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": level},
        "properties": props,
    }
    if rule.help_uri and _SCHEME.match(rule.help_uri.strip()):
        out["helpUri"] = quote(rule.help_uri.strip(), safe=_URL_SAFE)
    return out


def _result(f: Finding, index: int, fingerprint: str | None = None) -> dict[str, Any]:
    return {"ruleId": f.rule.id, "ruleIndex": index, **result_body(f, fingerprint or f.fingerprint)}


@lru_cache(maxsize=4096)
def _location(path: str) -> tuple[tuple[str, str], ...]:
    uri, relative = artifact_uri(path)
    return (("uri", uri), ("uriBaseId", SRCROOT)) if relative else (("uri", uri),)


def result_body(f: Finding, fingerprint: str) -> dict[str, Any]:
    """A SARIF result without ``ruleId`` and ``ruleIndex`` (those two come first in every result)."""
    line, col = line_col(f.pos)
    props: dict[str, Any] = {"manifest": f.manifest, "model": f.model, "key": f.pos.key}
    if f.properties:
        for k, v in jsonable(f.properties).items():
            props.setdefault(k, v)
    out: dict[str, Any] = {
        "level": level_of(f),
        "message": {"text": f.message or f.rule.title or f.rule.id},
        "locations": [{"physicalLocation": {
            "artifactLocation": dict(_location(f.pos.file)),
            "region": {"startLine": line, "startColumn": col, "endLine": line},
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {k: v for k, v in props.items() if v is not None and v != ""},
    }
    if f.suppressed_by is not None:
        kind, reason = split_suppression(f.suppressed_by)
        out["suppressions"] = [{
            "kind": "inSource" if kind == "inline" else "external",
            "status": "accepted",
            "justification": f"{kind}: {reason}" if reason else kind,
        }]
    return out


def keyed(findings: list[Finding]) -> list[tuple[tuple, Finding]]:
    """``(sort key, finding)`` in the order ``common.ordered`` gives, each fingerprint computed once;
    the key's last item is the fingerprint."""
    decorated = [(f.order_key(), f) for f in findings]
    decorated.sort(key=itemgetter(0))  # stable: findings with equal keys keep their order
    return decorated


def sarif_document(rules: dict[str, RuleInfo], results: list[Any], *, notices: list[str], models: int, files: int,
                   suppressed: int, version: str, category: str = TOOL_NAME) -> dict[str, Any]:
    """The whole SARIF log around ``results`` (the rules as given, sorted by id)."""
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": version,
            "semanticVersion": version,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(rules[rid]) for rid in sorted(rules)],
        }},
        "automationDetails": {"id": f"{category.rstrip('/')}/"},
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the repository that was checked."}}},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {"notices": list(notices), "models": models, "files": files, "suppressed": suppressed},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _capped(found: list[tuple[tuple, Finding]], max_results: int) -> tuple[list[tuple[tuple, Finding]], Any]:
    """``found`` cut to the ``max_results`` most severe (see ``sarif_limit``), and the cap (None: all kept)."""
    from openness_policy.reporters.sarif_limit import cap_for

    cap = cap_for((level_of(f) for _key, f in found), max_results)
    return (found, None) if cap is None else ([(k, f) for k, f in found if cap.keep(level_of(f))], cap)


def report_to_sarif(report: Report, *, include_suppressed: bool = False,
                    category: str = TOOL_NAME, max_results: int = 0) -> dict[str, Any]:
    found = keyed([*report.findings, *(report.suppressed if include_suppressed else [])])
    rules: dict[str, RuleInfo] = dict(report.rules)
    for _key, f in found:
        rules.setdefault(f.rule.id, f.rule)
    found, cap = _capped(found, max_results)
    index = {rid: i for i, rid in enumerate(sorted(rules))}
    results = [_result(f, index[f.rule.id], key[-1]) for key, f in found]
    doc = sarif_document(rules, results, notices=report.notices, models=len(report.models), files=report.files,
                         suppressed=len(report.suppressed), version=tool_version(report), category=category)
    if cap is not None:
        from openness_policy.reporters.sarif_limit import mark_omitted

        mark_omitted(doc, cap.total, max_results)
    return doc


def render(report: Report, *, include_suppressed: bool = False, category: str = TOOL_NAME,
           max_results: int = 0) -> str:
    """``json_text.dumps(report_to_sarif(...))``, with each result's text made by ``sarif_text``.
    ``max_results`` (0: no limit): keep the most severe, see ``sarif_limit``."""
    from openness_policy.reporters.sarif_text import SENTINEL, around, body_fields, join, result_head

    found = keyed([*report.findings, *(report.suppressed if include_suppressed else [])])
    rules: dict[str, RuleInfo] = dict(report.rules)
    for _key, f in found:
        rules.setdefault(f.rule.id, f.rule)
    found, cap = _capped(found, max_results)
    meta: dict[str, Any] = dict(notices=report.notices, models=len(report.models), files=report.files,
                                suppressed=len(report.suppressed), version=tool_version(report), category=category)
    if not found:
        return json_text.dumps(sarif_document(rules, [], **meta)) + "\n"
    index = {rid: i for i, rid in enumerate(sorted(rules))}
    doc = sarif_document(rules, [SENTINEL], **meta)
    if cap is not None:
        from openness_policy.reporters.sarif_limit import mark_omitted

        mark_omitted(doc, cap.total, max_results)
    head, tail = around(doc)
    heads = {rid: result_head(rid, i) for rid, i in index.items()}
    texts = (heads[f.rule.id] + body_fields(f, key[-1]) for key, f in found)
    return "".join(join(head, texts, tail, ""))


render.streamable = True  # type: ignore[attr-defined]  # streaming.run writes these same bytes (tests/test_parallel.py)


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="sarif", description="SARIF 2.1.0 for GitHub code scanning (suppressed findings left out).",
                      render=render))
