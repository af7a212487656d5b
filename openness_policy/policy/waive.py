"""Exceptions (policy files) and inline suppressions (manifests): which findings they hide.

Both need a reason; an expiry date is required on exceptions and optional on suppressions. An
expired or malformed one does not apply (fail closed) and is itself reported.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from openness_policy.findings import Finding
from openness_policy.plugin_types import RuleInfo
from openness_policy.policy.model import Policy


def _valid_date(value: Any) -> str | None:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return None


def apply_suppressions(findings: list[Finding], record: Any, today: str, meta: dict[str, RuleInfo]) -> list[Finding]:
    """Mark findings hidden by the record's inline suppressions; return new findings about bad ones."""
    extra: list[Finding] = []
    active = []
    for sup in record.suppressions:
        problem = ""
        if not sup.reason.strip():
            problem = f"suppression of '{sup.rule}' has no reason, so it does not apply"
        elif sup.expires is not None and _valid_date(sup.expires) is None:
            problem = f"suppression of '{sup.rule}' has a bad expiry date '{sup.expires}' (YYYY-MM-DD), so it does not apply"
        if problem:
            extra.append(Finding(meta["suppression-invalid"], "error", problem, sup.pos, record.path, record.display_name,
                                 key=sup.rule))
            continue
        if sup.expires is not None and _valid_date(sup.expires) < today:
            extra.append(Finding(meta["suppression-expired"], "error",
                                 f"suppression of '{sup.rule}' expired on {sup.expires}; the finding is reported again",
                                 sup.pos, record.path, record.display_name, key=sup.rule))
            continue
        active.append(sup)
    for f in findings:
        if f.suppressed_by is None and f.rule.id not in ("manifest-unreadable",):
            for sup in active:
                if sup.rule == f.rule.id:
                    f.suppressed_by = f"inline: {sup.reason} ({sup.pos})"
                    break
    return extra


def apply_waivers(findings: list[Finding], records: dict[str, Any], policy: Policy, today: str) -> None:
    """Mark findings hidden by valid, unexpired policy exceptions whose scope matches the model."""
    live = [w for w in policy.waivers if not w.problem and w.expires is not None and w.expires >= today]
    if not live:
        return
    for f in findings:
        if f.suppressed_by is not None:
            continue
        rec = records.get(f.manifest + "\0" + (f.model or ""))
        for w in live:
            if w.rule == f.rule.id and rec is not None and w.scope.matches(rec):
                f.suppressed_by = f"exception: {w.reason} ({w.pos})"
                break


def waiver_findings(policy: Policy, today: str, meta: dict[str, RuleInfo]) -> list[Finding]:
    """Findings about the exceptions themselves: malformed or expired."""
    out = []
    for w in policy.waivers:
        if w.problem:
            out.append(Finding(meta["exception-invalid"], "error", w.problem, w.pos, w.pos.file, None, key=w.rule))
        elif w.expires is not None and w.expires < today:
            out.append(Finding(meta["exception-expired"], "error",
                               f"exception for '{w.rule}' expired on {w.expires}; its findings are reported again",
                               w.pos, w.pos.file, None, key=w.rule))
    return out
