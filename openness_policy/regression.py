"""The built-in ``regression`` rule: a changed manifest whose openness got worse than at the base.

On whenever ``--diff-base`` is given, with or without a policy. Compared per model (matched by name,
else by position in the file): the openness level, the MOF class (lower is better, except 0 =
Unclassified, the worst), the OSAID 1.0 status, and the licence clauses (a new restrictive clause
in any licence that applies to the model). Each finding shows before → after. Pure functions.
"""
from __future__ import annotations

from typing import Any

from openness_policy.plugin_types import RuleInfo, Violation
from openness_policy.sourcemap import Pos

HELP_URI = "https://github.com/openness-policy/openness-policy#regression"
REGRESSION = RuleInfo(
    "regression", "Openness got worse in this change",
    "A manifest changed in this pull request now has a lower openness level, a worse MOF class, lost OSAID 1.0 "
    "conformance, or gained a restrictive licence clause, compared with the base commit.",
    "Restore what the model lost (the message shows before → after), or, if the change is intended, record it: "
    "an inline suppression or a policy exception with a reason, or set `settings.severity.regression`.",
    "error", HELP_URI, ("openness-policy", "regression"))
NOT_RESTRICTIVE = frozenset({"attribution"})
UNREAD = ("manifest-unreadable", "path-unsafe")  # a file we did not read has no verdict to compare  # asking for credit is not a restriction on use


def _clauses(cls: Any) -> set[str]:
    verdicts = [cls.weights_license, *(cls.component_licenses or {}).values()]
    return {c.id for v in verdicts if v is not None for c in v.clauses} - NOT_RESTRICTIVE


def _at(pos: Pos) -> Pos:
    """The place to report, without the manifest key path: the fingerprint stays put when keys move."""
    return Pos(pos.file, pos.line, pos.col, "")


def _mof_worse(before: int, after: int) -> bool:
    return before != 0 and (after == 0 or after > before)


def match(after: Any, before: list[Any]) -> Any | None:
    """The base's ModelResult for the current record: same model name, else same index in the file."""
    name = after.record.display_name
    for b in before:
        if b.record.display_name == name:
            return b
    if len(before) == 1 and after.record.index == 0:
        return before[0]
    for b in before:
        if b.record.index == after.record.index:
            return b
    return None


def compare(after: Any, before: Any) -> list[Violation]:
    """Violations for everything that got worse from ``before`` to ``after`` (two ModelResults)."""
    rec, now, was = after.record, after.classification, before.classification
    out: list[Violation] = []
    if now.openness.rank < was.openness.rank:
        why = f" ({now.openness.reasons[0].text})" if now.openness.reasons else ""
        pos = now.openness.reasons[0].pos if now.openness.reasons else rec.pos
        out.append(Violation(f"openness level got worse: {was.openness.level} → {now.openness.level}{why}",
                             _at(pos), "openness-level"))
    if _mof_worse(was.mof.mof_class, now.mof.mof_class):
        lost = now.mof.missing.get(was.mof.mof_class, ())
        why = f" (now missing: {', '.join(lost)})" if lost else ""
        out.append(Violation(f"MOF class got worse: {was.mof.label} → {now.mof.label}{why}", _at(rec.pos), "mof-class"))
    if was.osaid.meets and not now.osaid.meets:
        why = f" (missing: {', '.join(now.osaid.missing[:5])})" if now.osaid.missing else ""
        out.append(Violation(f"OSAID 1.0 status got worse: {was.osaid.status} → {now.osaid.status}{why}",
                             _at(rec.pos), "osaid"))
    gained = sorted(_clauses(now) - _clauses(was))
    if gained:
        fact = now.weights_license_fact
        old = was.weights_license.expression if was.weights_license is not None else "no licence"
        new = now.weights_license.expression if now.weights_license is not None else "no licence"
        out.append(Violation(f"licence gained restrictive clause(s) {', '.join(gained)}: {old} → {new}",
                             _at(fact.pos if fact is not None else rec.pos), "license-clauses"))
    return out


def judgeable(result: Any) -> bool:
    """A record we could read: an unreadable manifest is reported as such, not as a regression."""
    return not any(p.rule in UNREAD for p in result.record.problems)


def findings(ctx: Any, result: Any, before: list[Any], policy: Any) -> list[Any]:
    """``regression`` findings for one current model, given its file's models at the base."""
    from openness_policy.policy.evaluate import to_findings

    if not before or not judgeable(result):
        return []
    was = match(result, before)
    if was is None or not judgeable(was):
        return []
    return to_findings(REGRESSION, compare(result, was), ctx, policy)
