"""Licence requirement kinds: clauses forbidden/required, licence allow/deny lists."""
from __future__ import annotations

from typing import Any, Iterator

from openness_policy import components as C
from openness_policy.plugin_types import RequirementKind, Violation

CLAUSES = ["competitor-training", "user-cap", "acceptable-use-policy", "non-commercial", "research-only", "naming",
           "attribution", "flow-down", "share-alike", "geo-restriction", "distillation-derivative",
           "remote-restriction", "licensor-may-amend", "guardrail-termination", "hosting-restriction"]
_COMPONENT = {"enum": ["all"] + [c.slug for c in C.COMPONENTS]}


def _targets(ctx: Any, component: str) -> Iterator[tuple[str, Any, Any]]:
    """(component slug, licence fact, verdict) for the components a licence requirement covers."""
    cls = ctx.classification
    if component == C.WEIGHTS:
        yield C.WEIGHTS, cls.weights_license_fact, cls.weights_license
        return
    slugs = list(ctx.record.components) if component == "all" else [component]
    for slug in slugs:
        if slug in ctx.record.components:
            fact, _ = ctx.record.component_license(slug)
            yield slug, fact, cls.component_licenses.get(slug)


def clause_text(lic: Any, clause: Any) -> str:
    text = f"licence {lic.id} {clause.section} {clause.summary}".replace("  ", " ")
    if clause.threshold:
        text += f" (threshold {clause.threshold:,})"
    if clause.scope:
        text += f" (applies to {clause.scope})"
    if not clause.verified:
        text += " [unverified: from secondary sources, check the licence text]"
    return text


def check_clauses(value: dict, ctx: Any) -> list[Violation]:
    forbid, require = value.get("forbid", []), value.get("require", [])
    out: list[Violation] = []
    for slug, fact, verdict in _targets(ctx, value.get("component", C.WEIGHTS)):
        name = C.BY_SLUG[slug].name
        if fact is None or verdict is None:
            if require:
                out.append(Violation(f"{name}: no licence applies, so required clause(s) {', '.join(require)} are absent",
                                     ctx.record.pos, slug))
            continue
        if not verdict.known:
            out.append(Violation(f"{name}: licence '{fact.value}' is not identified, so its clauses cannot be checked "
                                 f"({', '.join(forbid + require)})", fact.pos, slug))
            continue
        for clause_id in forbid:
            for lic in verdict.records:
                for clause in lic.clauses:
                    if clause.id == clause_id:
                        out.append(Violation(f"{clause_text(lic, clause)} (clause {clause_id} is forbidden)",
                                             fact.pos, f"{slug}:{clause_id}"))
        present = {c.id for c in verdict.clauses}
        for clause_id in require:
            if clause_id not in present:
                out.append(Violation(f"{name}: licence '{fact.value}' has no {clause_id} clause, which the rule requires",
                                     fact.pos, f"{slug}:{clause_id}"))
    return out


def check_licenses(value: dict, ctx: Any) -> list[Violation]:
    def canon(text: str) -> str:
        rec = ctx.catalog.lookup(text)
        return rec.id if rec is not None else text

    allow = {canon(x) for x in value.get("allow", [])}
    deny = {canon(x) for x in value.get("deny", [])}
    out: list[Violation] = []
    for slug, fact, verdict in _targets(ctx, value.get("component", C.WEIGHTS)):
        name = C.BY_SLUG[slug].name
        if fact is None or verdict is None:
            if allow:
                out.append(Violation(f"{name}: no licence applies; allowed: {', '.join(sorted(allow))}", ctx.record.pos, slug))
            continue
        if not verdict.known:
            out.append(Violation(f"{name}: licence '{fact.value}' is not identified, so it cannot be checked against "
                                 "the allow/deny lists", fact.pos, slug))
            continue
        ids = [r.id for r in verdict.records]
        denied = [i for i in ids if i in deny]
        if denied:
            out.append(Violation(f"{name}: licence {', '.join(denied)} is on the deny list", fact.pos, slug))
        if allow and any(i not in allow for i in ids):
            bad = [i for i in ids if i not in allow]
            out.append(Violation(f"{name}: licence {', '.join(bad)} is not on the allow list "
                                 f"({', '.join(sorted(allow))})", fact.pos, slug))
    return out


def register_all(register: Any) -> None:
    register(RequirementKind(
        "license-clauses",
        "Licence clauses (DESIGN §3 vocabulary) that must be absent (`forbid`) or present (`require`) in the "
        "licence of a component (default: the final parameters; `all` for every included component). "
        "An unidentified licence fails.",
        {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
            "forbid": {"type": "array", "items": {"enum": CLAUSES}}, "require": {"type": "array", "items": {"enum": CLAUSES}},
            "component": _COMPONENT}},
        check_clauses, "license-clauses: {forbid: [competitor-training, non-commercial]}"))
    register(RequirementKind(
        "licenses",
        "The licence of a component (default: the final parameters; `all` for every included component) is on "
        "the `allow` list and not on the `deny` list. Ids, hub ids and aliases are all accepted.",
        {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": {
            "allow": {"type": "array", "items": {"type": "string"}}, "deny": {"type": "array", "items": {"type": "string"}},
            "component": _COMPONENT}},
        check_licenses, "licenses: {allow: [Apache-2.0, MIT]}"))
