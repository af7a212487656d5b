"""Versioned JSON report for scripts and other tools.

Shape (``version`` 1; new keys may be added, existing ones keep their meaning)::

    {"version": 1,
     "tool": {"name", "version"},
     "summary": {"errors", "warnings", "notes", "suppressed", "models", "files", "fail_on", "failing", "passed"},
     "findings": [finding...], "suppressed": [finding...],
     "models": [model...],        # the `classify --format json` shape (reporters.common.model_to_dict)
     "rules": [{"id", "title", "level", "help_uri", "tags", "source"}...],
     "notices": [str...]}

A finding is ``{"rule", "level", "message", "path", "line", "column", "key", "manifest", "model",
"fingerprint", "suppression", "properties"}`` where ``suppression`` is null for live findings and
``{"kind": "inline"|"exception"|"baseline"|"other", "reason"}`` for suppressed ones. Output is
deterministic (sorted, no timestamps) and ASCII-only, so it survives any console encoding.
"""
from __future__ import annotations

from typing import Any, Callable

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter
from openness_policy.reporters import json_text
from openness_policy.reporters.common import (
    TOOL_NAME, counts, level_of, line_col, model_to_dict, ordered, sorted_models, split_suppression, tool_version,
)

VERSION = 1


def jsonable(value: Any) -> Any:
    """Plain JSON data from finding properties (tuples → lists, unknown objects → their str)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=str)
    return str(value)


def finding_to_dict(f: Finding) -> dict[str, Any]:
    suppression = None
    if f.suppressed_by is not None:
        kind, reason = split_suppression(f.suppressed_by)
        suppression = {"kind": kind, "reason": reason}
    return {
        "rule": f.rule.id,
        "level": level_of(f),
        "message": f.message,
        "path": f.pos.file,
        "line": line_col(f.pos)[0],
        "column": line_col(f.pos)[1],
        "key": f.pos.key,
        "manifest": f.manifest,
        "model": f.model,
        "fingerprint": f.fingerprint,
        "suppression": suppression,
        "properties": jsonable(f.properties),
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    c = counts(report)
    rules = dict(report.rules)
    for f in [*report.findings, *report.suppressed]:
        rules.setdefault(f.rule.id, f.rule)
    return {
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": tool_version(report)},
        "summary": {
            "errors": c["error"], "warnings": c["warning"], "notes": c["note"],
            "suppressed": len(report.suppressed), "models": len(report.models), "files": report.files,
            "fail_on": report.fail_on, "failing": len(report.failing()), "passed": not report.failing(),
        },
        "findings": [finding_to_dict(f) for f in ordered(report.findings)],
        "suppressed": [finding_to_dict(f) for f in ordered(report.suppressed)],
        "models": [model_to_dict(m) for m in sorted_models(report.models)],
        "rules": [{"id": r.id, "title": r.title, "level": r.level, "help_uri": r.help_uri,
                   "tags": list(r.tags), "source": r.source} for _, r in sorted(rules.items())],
        "notices": list(report.notices),
    }


def render(report: Report) -> str:
    return json_text.dumps(report_to_dict(report)) + "\n"


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="json", description="Versioned JSON: findings, suppressed findings and model verdicts.",
                      render=render))
