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
- Deterministic: sorted, no timestamps, no absolute paths; ASCII-only JSON.
"""
from __future__ import annotations

import posixpath
import re
from typing import Any, Callable
from urllib.parse import quote

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter, RuleInfo
from openness_policy.reporters import json_text
from openness_policy.reporters.common import (
    INFORMATION_URI, TOOL_NAME, level_of, line_col, ordered, split_suppression, tool_version,
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
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def artifact_uri(path: str) -> tuple[str, bool]:
    """(percent-encoded URI, relative?) for a display path. Relative paths go under ``%SRCROOT%``."""
    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posixpath.normpath(posix), safe="/"), False
    if _DRIVE.match(posix):  # C:/... on Windows
        return "file:///" + posix[:2] + quote(posixpath.normpath(posix[2:]), safe="/"), False
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


def _result(f: Finding, index: int) -> dict[str, Any]:
    uri, relative = artifact_uri(f.pos.file)
    location: dict[str, Any] = {"uri": uri}
    if relative:
        location["uriBaseId"] = SRCROOT
    line, col = line_col(f.pos)
    props: dict[str, Any] = {"manifest": f.manifest, "model": f.model, "key": f.pos.key}
    for k, v in jsonable(f.properties).items():
        props.setdefault(k, v)
    out: dict[str, Any] = {
        "ruleId": f.rule.id,
        "ruleIndex": index,
        "level": level_of(f),
        "message": {"text": f.message or f.rule.title or f.rule.id},
        "locations": [{"physicalLocation": {
            "artifactLocation": location,
            "region": {"startLine": line, "startColumn": col, "endLine": line},
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {k: v for k, v in props.items() if v not in (None, "")},
    }
    if f.suppressed_by is not None:
        kind, reason = split_suppression(f.suppressed_by)
        out["suppressions"] = [{
            "kind": "inSource" if kind == "inline" else "external",
            "status": "accepted",
            "justification": f"{kind}: {reason}" if reason else kind,
        }]
    return out


def report_to_sarif(report: Report, *, include_suppressed: bool = False,
                    category: str = TOOL_NAME) -> dict[str, Any]:
    found = ordered([*report.findings, *(report.suppressed if include_suppressed else [])])
    rules: dict[str, RuleInfo] = dict(report.rules)
    for f in found:
        rules.setdefault(f.rule.id, f.rule)
    ids = sorted(rules)
    index = {rid: i for i, rid in enumerate(ids)}
    version = tool_version(report)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": version,
            "semanticVersion": version,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(rules[rid]) for rid in ids],
        }},
        "automationDetails": {"id": f"{category.rstrip('/')}/"},
        "invocations": [{"executionSuccessful": True}],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the repository that was checked."}}},
        "results": [_result(f, index[f.rule.id]) for f in found],
        "columnKind": "unicodeCodePoints",
        "properties": {"notices": list(report.notices), "models": len(report.models), "files": report.files,
                       "suppressed": len(report.suppressed)},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, include_suppressed: bool = False, category: str = TOOL_NAME) -> str:
    sarif = report_to_sarif(report, include_suppressed=include_suppressed, category=category)
    return json_text.dumps(sarif) + "\n"


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="sarif", description="SARIF 2.1.0 for GitHub code scanning (suppressed findings left out).",
                      render=render))
