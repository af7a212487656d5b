"""Apply built-in checks and policy rules to one classified model. Pure: no I/O.

What does not depend on the model (each rule's level and message suffix, its requirement kind and
value, whether its scope can exclude anything) is worked out once per policy, registry and date
(:func:`_plan`), not once per model.
"""
from __future__ import annotations

from typing import Any

from openness_policy.classify.verdict import classify
from openness_policy.findings import Finding, ModelResult
from openness_policy.lineage import link
from openness_policy.plugin_types import RuleInfo, Violation
from openness_policy.policy.context import COMBINATORS, EvalContext
from openness_policy.policy.model import Policy, Scope
from openness_policy.policy.waive import apply_suppressions, apply_waivers, waiver_findings
from openness_policy.repo_checks import mark_duplicate_names


UNJUDGED = frozenset({"manifest-unreadable", "path-unsafe", "manifest-unrecognised"})
_ANY_MODEL = Scope()


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
    return _findings(info, level, suffix, info.id in policy.severity, violations, ctx.record)


def _findings(info: RuleInfo, level: str, suffix: str, overridden: bool, violations: Any, rec: Any,
              name: str | None = None) -> list[Finding]:
    name = rec.display_name if name is None else name
    path = rec.path
    keep_own = not overridden and not suffix  # a violation's own level counts only then
    out = []  # a loop, not a comprehension: most calls have one violation, and a comprehension is a call of its own
    for v in violations:
        out.append(Finding(info, v.level if keep_own and v.level else level, f"{name}: {v.message}{suffix}", v.pos,
                           path, name, v.key))
    return out


class _Plan:
    """A policy's rules and the registry's checks, ready to apply (see :func:`_plan`)."""

    __slots__ = ("registry", "policy", "today", "seen_checks", "seen_rules", "seen_severity",
                 "checks", "rules", "owned", "meta", "infos")

    def __init__(self, registry: Any, policy: Policy, today: str) -> None:
        self.registry, self.policy, self.today = registry, policy, today
        # What the plan was made from, compared on each use (element by element, identity first).
        self.seen_checks = dict(registry.checks)
        self.seen_rules = list(policy.rules)
        self.seen_severity = dict(policy.severity)
        overridden = policy.severity
        self.checks = []
        for check in registry.checks.values():
            level, suffix = level_for(check.rule, policy, today)
            self.checks.append((check.run, check.rule, level, suffix, check.rule.id in overridden))
        self.rules = []
        for rule in policy.rules:
            level, suffix = level_for(rule.info, policy, today)
            leaf = value = None
            if isinstance(rule.require, dict) and len(rule.require) == 1:
                (kind, value), = rule.require.items()
                leaf = kind if kind not in COMBINATORS else None  # a plain kind is called directly
            scope = None if rule.scope == _ANY_MODEL else rule.scope
            self.rules.append((scope, rule.when, leaf, value, rule.require, rule.info, level, suffix,
                               rule.info.id in overridden))
        self.owned = frozenset(registry.checks)
        self.meta = rule_index(registry, policy)
        self.infos = {r.info.id: r.info for r in policy.rules}

    def fits(self, registry: Any, policy: Policy, today: str) -> bool:
        return (self.registry is registry and self.policy is policy and self.today == today
                and self.seen_rules == policy.rules and self.seen_checks == registry.checks
                and self.seen_severity == policy.severity)


_PLANS: dict[int, _Plan] = {}  # by id(policy); each plan holds its policy, so the id stays that policy's


def _plan(registry: Any, policy: Policy, today: str) -> _Plan:
    """The plan for this policy, registry and date; made again when any of them changed since."""
    plan = _PLANS.get(id(policy))
    if plan is None or not plan.fits(registry, policy, today):
        if len(_PLANS) > 16:
            _PLANS.clear()
        plan = _PLANS[id(policy)] = _Plan(registry, policy, today)
    return plan


def judge_records(records: list[Any], registry: Any, policy: Policy, catalog: Any, today: str,
                  before: dict[str, list[ModelResult]] | None = None
                  ) -> tuple[list[Finding], list[ModelResult], dict[str, RuleInfo]]:
    """``engine.judge``'s work: every finding (sorted, suppressed ones marked), the models and the rules
    evaluated (for SARIF ``rules[]``)."""
    link(records)  # derivatives inherit their bases' licences (bases described in this repository)
    mark_duplicate_names(records)  # checks that need every record of the run
    plan = _plan(registry, policy, today)
    findings: list[Finding] = []
    models: list[ModelResult] = []
    by_key: dict[str, Any] = {}
    for rec in records:
        cls = classify(rec, catalog)
        ctx = EvalContext(rec, cls, catalog, registry, today, policy.settings)
        found = _evaluate(ctx, plan)
        result = ModelResult(rec, cls)
        if before is not None:
            from openness_policy.regression import findings as regressions

            found += regressions(ctx, result, before.get(rec.path, []), policy)
        if rec.suppressions:
            found += apply_suppressions(found, rec, today, plan.meta)
        findings += found
        models.append(result)
        by_key[rec.path + "\0" + rec.display_name] = rec
    apply_waivers(findings, by_key, policy, today)
    findings += waiver_findings(policy, today, plan.meta)
    # SARIF rules[]: the policy's own rules (evaluated, even when clean) and every rule with a result.
    rules = dict(plan.infos)
    if before is not None:
        from openness_policy.regression import REGRESSION

        rules[REGRESSION.id] = REGRESSION  # evaluated on every changed model, even when clean
    for f in findings:
        rules.setdefault(f.rule.id, f.rule)
    findings.sort(key=Finding.sort_key)
    return findings, models, rules


def evaluate_model(ctx: EvalContext, policy: Policy) -> list[Finding]:
    return _evaluate(ctx, _plan(ctx.registry, policy, ctx.today))


def _evaluate(ctx: EvalContext, plan: _Plan) -> list[Finding]:
    rec = ctx.record
    name = rec.display_name
    findings: list[Finding] = []
    for run, info, level, suffix, overridden in plan.checks:
        found = run(ctx)
        if found.__class__ is not list:
            found = list(found)
        if found:
            findings += _findings(info, level, suffix, overridden, found, rec, name)
    # Problems raised by a format under a rule no check owns still become findings (never dropped).
    if rec.problems:
        findings += _problem_findings(ctx, plan.policy, plan.owned)
        if any(p.rule in UNJUDGED for p in rec.problems):
            return findings  # nothing else can be judged on a manifest we could not read
    kinds = ctx.registry.requirements
    for scope, when, leaf, value, require, info, level, suffix, overridden in plan.rules:
        if scope is not None and not scope.matches(rec):
            continue
        if when is not None and ctx.check(when):
            continue
        found = kinds[leaf].check(value, ctx) if leaf is not None else ctx.check(require)
        if found.__class__ is not list:
            found = list(found)
        if found:
            findings += _findings(info, level, suffix, overridden, found, rec, name)
    return findings


def _problem_findings(ctx: EvalContext, policy: Policy, owned: frozenset = frozenset()) -> list[Finding]:
    owned = owned or frozenset(ctx.registry.checks)
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
