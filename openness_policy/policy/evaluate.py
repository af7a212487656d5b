"""Apply built-in checks and policy rules to one classified model. Pure: no I/O."""
from __future__ import annotations

from typing import Any

from openness_policy.findings import Finding
from openness_policy.plugin_types import RuleInfo, Violation
from openness_policy.policy.context import EvalContext
from openness_policy.policy.model import Policy


UNJUDGED = frozenset({"manifest-unreadable", "path-unsafe", "manifest-unrecognised"})


def level_for(info: RuleInfo, policy: Policy, today: str) -> tuple[str, str]:
    """The level a rule's findings get (overrides, then dates) and a message suffix."""
    level = policy.severity.get(info.id, info.level)
    if info.effective and today < info.effective:
        return "note", f" (this duty applies from {info.effective})"
    return level, ""


def to_findings(info: RuleInfo, violations: list[Violation], ctx: EvalContext, policy: Policy) -> list[Finding]:
    if not violations:
        return []
    level, suffix = level_for(info, policy, ctx.today)
    overridden = info.id in policy.severity
    rec = ctx.record
    name = rec.display_name
    out = []
    for v in violations:
        lvl = v.level if v.level and not overridden and not suffix else level
        out.append(Finding(rule=info, level=lvl, message=f"{name}: {v.message}{suffix}", pos=v.pos,
                           manifest=rec.path, model=name, key=v.key))
    return out


def evaluate_model(ctx: EvalContext, policy: Policy) -> list[Finding]:
    findings: list[Finding] = []
    for check in ctx.registry.checks.values():
        findings.extend(to_findings(check.rule, list(check.run(ctx)), ctx, policy))
    # Problems raised by a format under a rule no check owns still become findings (never dropped).
    findings.extend(_problem_findings(ctx, policy))
    if any(p.rule in UNJUDGED for p in ctx.record.problems):
        return findings  # nothing else can be judged on a manifest we could not read
    for rule in policy.rules:
        if not rule.scope.matches(ctx.record):
            continue
        if rule.when is not None and ctx.check(rule.when):
            continue
        findings.extend(to_findings(rule.info, ctx.check(rule.require), ctx, policy))
    return findings


def _problem_findings(ctx: EvalContext, policy: Policy) -> list[Finding]:
    owned = set(ctx.registry.checks)
    out = []
    for p in ctx.record.problems:
        if p.rule in owned:
            continue
        info = RuleInfo(p.rule, f"Manifest problem: {p.rule}", "The manifest has a problem the format reader reported.",
                        p.fix or "Fix the manifest at the reported line.", p.level)
        out.extend(to_findings(info, [Violation(p.message + (f" (fix: {p.fix})" if p.fix else ""), p.pos, p.pos.key, p.level)],
                               ctx, policy))
    return out


def rule_index(ctx_registry: Any, policy: Policy) -> dict[str, RuleInfo]:
    """Every rule that may produce findings, by id (for SARIF rules[] and docs)."""
    rules: dict[str, RuleInfo] = {}
    for check in ctx_registry.checks.values():
        rules[check.rule.id] = check.rule
        for extra in check.extra_rules:
            rules[extra.id] = extra
    for rule in policy.rules:
        rules[rule.info.id] = rule.info
    return rules
