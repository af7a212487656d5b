"""Running one policy test case through the real pipeline, and reporting the differences readably."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openness_policy.policy.testing import BadTest, Case, Expect, Outcome, Result


def evaluate_case(case: Case, registry: Any, today: str | None) -> tuple[list[Outcome], dict[str, Any]]:
    from openness_policy.classify.verdict import classify
    from openness_policy.discover import Candidate
    from openness_policy.engine import Options, build_policy, judge, load_candidate, load_catalog, ordered_formats
    from openness_policy.errors import UserError
    from openness_policy.policy.context import EvalContext

    opts = Options(paths=[], policies=[str(p) for p in case.policies], templates=case.templates,
                   today=case.today or today, no_default_policy=True)
    try:
        policy = build_policy(registry, case.repo, opts, cwd=case.folder)
        catalog = load_catalog(registry, policy)
    except UserError as exc:
        raise BadTest(f"{case.name}: {exc}") from None
    under_test = {r.info.id: r.info for r in policy.rules}
    known = set(under_test) | set(registry.checks) | {x.id for c in registry.checks.values() for x in c.extra_rules}
    formats = ordered_formats(registry)
    outcomes = []
    for mc in case.manifests:
        unknown = sorted({e.rule for e in mc.must + mc.must_not} - known)
        display = mc.file.relative_to(case.repo).as_posix()
        if unknown:
            raise BadTest(f"{case.name}: {display} names rule(s) the policy does not define: {', '.join(unknown)}")
        records = load_candidate(Candidate(mc.file, display, True), case.repo, formats, opts.max_bytes)
        if not records or all(any(p.rule == "manifest-unrecognised" for p in r.problems) for r in records):
            raise BadTest(f"{case.name}: {display} is not a manifest of any known format")
        report = judge(records, registry, policy, catalog, opts, files=1)
        findings = [f for f in report.findings if f.manifest == display]
        applied: set[str] = set()
        for rec in records:
            ctx = EvalContext(rec, classify(rec, catalog), catalog, registry, opts.date, policy.settings)
            applied |= {r.info.id for r in policy.rules
                        if r.scope.matches(rec) and (r.when is None or not ctx.check(r.when))}
        out = Outcome(case, display, opts.date, [], findings, applied)
        _compare(out, mc.must, mc.must_not, set(under_test))
        outcomes.append(out)
    return outcomes, under_test


def _compare(out: Outcome, must: list[Expect], must_not: list[Expect], policy_rules: set[str]) -> None:
    for e in must:
        hits = [f for f in out.findings if e.matches(f)]
        ok = len(hits) == e.count if e.count is not None else bool(hits)
        if ok:
            if hits:  # `count: 0` asserts absence: not a failing fixture
                out.passed_must.add(e.rule)
            continue
        same_rule = [f for f in out.findings if f.rule.id == e.rule]
        got = f"{len(hits)} matching" if hits else "not reported"
        lines = [f"- expected {e}: {got}"]
        lines += [f"    reported instead: {_finding(f)}" for f in same_rule if f not in hits]
        if e.rule in policy_rules and e.rule not in out.applied:
            lines.append("    (the rule did not apply to this model: its scope or `when` did not hold)")
        out.failures.extend(lines)
    for e in must_not:
        hits = [f for f in out.findings if e.matches(f)]
        if hits:
            out.failures.append(f"+ unexpected {e}:")
            out.failures.extend(f"    {_finding(f)}" for f in hits)
        else:
            out.held_must_not.add(e.rule)


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _finding(f: Any) -> str:
    return f"{f.rule.id} {f.level} at line {f.pos.line}: {f.message}"


def render(result: Result, *, verbose: bool = False, coverage: bool = False) -> str:
    """Text report: one line per manifest, a readable diff for each failure, then totals."""
    lines: list[str] = []
    for o in result.outcomes:
        status = "FAIL" if o.failures else "ok  "
        lines.append(f"{status} {o.case.name} :: {Path(o.manifest).name} (today {o.today})")
        lines.extend("       " + x for x in o.failures)
        if verbose or o.failures:
            shown = sorted(o.findings, key=lambda f: (f.rule.id, f.pos.line))
            if shown and o.failures:
                lines.append("       all findings for this manifest:")
            lines.extend(f"         {f.rule.id} {f.level} line {f.pos.line}: {_short(f.message)}" for f in shown)
    failed = len(result.failed)
    lines.append(f"\n{len(result.outcomes) - failed} passed, {failed} failed "
                 f"({len({o.case.name for o in result.outcomes})} cases, {len(result.outcomes)} manifests)")
    if coverage:
        cov = result.coverage()
        full = [r for r, (a, b) in cov.items() if a and b]
        lines.append(f"coverage: {len(full)} of {len(cov)} rules have a failing and a passing fixture")
        for rid in result.uncovered():
            fail, ok = cov[rid]
            missing = " and ".join(x for x, n in (("failing (must)", fail), ("passing (must_not)", ok)) if not n)
            lines.append(f"  {rid}: no {missing} fixture")
    return "\n".join(lines)
