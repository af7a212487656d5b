"""Per-file results back into one :class:`Report`, exactly as ``engine.judge`` builds it for all records.

``engine.judge`` collects findings in record order, sorts them with a stable sort and keeps, for each
rule id, the first ``RuleInfo`` met in record order. Per-file reports are each sorted the same way,
so concatenating them in discovery order and sorting again gives the same order; the policy's own
findings (expired exceptions, say) come last, as ``judge`` appends them.
"""
from __future__ import annotations

from typing import Any

from openness_policy.findings import Finding, Report


def assemble(results: list[Any], j: Any, files: int, policy_level: Report) -> Report:
    """The report ``engine.judge`` gives for all records at once, from per-file results in order."""
    from openness_policy import __version__

    live = [f for r in results if r.report for f in r.report.findings] + list(policy_level.findings)
    hidden = [f for r in results if r.report for f in r.report.suppressed] + list(policy_level.suppressed)
    live.sort(key=Finding.sort_key)
    hidden.sort(key=Finding.sort_key)
    return Report(live, hidden, [m for r in results if r.report for m in r.report.models],
                  merged_rules(results, j, policy_level),
                  files=files, fail_on=j.opts.fail_on, tool_version=__version__)


def merged_rules(results: list[Any], j: Any, policy_level: Report) -> dict:
    """``Report.rules`` as ``engine.judge`` orders it: the policy's rules, then each rule in first-seen order."""
    rules = {r.info.id: r.info for r in j.policy.rules}
    for r in results:
        for rid, info in r.rules.items():
            if info is not None:
                rules.setdefault(rid, info)
    for f in (*policy_level.findings, *policy_level.suppressed):
        rules.setdefault(f.rule.id, f.rule)
    return rules
