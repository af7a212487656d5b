"""Requirement kinds the built-in templates need: EU AI Act applicability and the open-source
exemption, California AB 2013 scope, and per-item OSAID / MOF verdicts (one finding per item).

Registered through the same hook as a third party's kinds.
"""
from __future__ import annotations

from typing import Any

from openness_policy import components as C
from openness_policy.classify.osaid import CODE, OPEN_TERMS
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import RequirementKind, Violation
from openness_policy.policy import eu_gpai
from openness_policy.sourcemap import Pos

AB2013_FROM = "2022-01-01"
AB2013_EXEMPT = {  # §3111(b), from secondary sources (research B3): not yet checked against the statute
    "security-integrity": "its sole purpose is to help ensure security and integrity",
    "aircraft-operation": "its sole purpose is the operation of aircraft in the national airspace",
    "national-security-defense": "it is developed for national security, military or defence purposes and made "
                                 "available only to a federal entity",
}
OSAID_ITEMS = CODE + OPEN_TERMS + ("technical-report",)
MOF_PASS = ("pass", "conditional")
_ROMAN = {1: "I", 2: "II", 3: "III"}
EITHER_DOCUMENT = "Technical report or Research paper"  # osaid_status's line when neither is released


def check_eu_gpai(value: dict, ctx: Any) -> list[Violation]:
    rec = ctx.record
    gpai = rec.regulatory.get("gpai")
    if gpai is not None and gpai.value is False:
        return [Violation("declared not a general-purpose AI model (regulatory.gpai: false)", gpai.pos, "gpai")]
    out: list[Violation] = []
    if "transition" in value:
        state, why, pos = eu_gpai.transition(rec, ctx.today)
        if state != value["transition"]:
            out.append(Violation(why if state else f"not in the Art. 111(3) transition period: {why}", pos, "transition"))
    if "foss-exempt" in value:
        ex = eu_gpai.foss_exemption(ctx)
        if (ex.state == "applies") != value["foss-exempt"]:
            out.append(Violation(eu_gpai.describe_exemption(ex), _exemption_pos(ex, rec.pos), "foss-exempt"))
    if "systemic-risk" in value:
        risky, why, pos = eu_gpai.systemic_risk(rec)
        if bool(risky) != value["systemic-risk"]:
            out.append(Violation(why, pos, "systemic-risk"))
    if "established-in-eu" in value:
        f = rec.regulatory.get("provider.established_in_eu")
        inside = f is not None and f.value is True
        if inside != value["established-in-eu"]:
            why = ("the provider is established in the EU" if inside else
                   "the provider is not declared established in the EU (regulatory.provider.established_in_eu)")
            out.append(Violation(why, f.pos if f is not None else rec.anchor("regulatory.provider"), "established-in-eu"))
    return out


def _exemption_pos(ex: eu_gpai.Exemption, default: Pos) -> Pos:
    failing = ex.failing()
    return failing[0].pos if failing else (ex.conditions[0].pos if ex.conditions else default)


def check_foss_exemption(value: bool, ctx: Any) -> list[Violation]:
    ex = eu_gpai.foss_exemption(ctx)
    if (ex.state == "applies") == value:
        return []
    return [Violation(eu_gpai.describe_exemption(ex), _exemption_pos(ex, ctx.record.pos), ex.state)]


def ab2013_scope(rec: Any) -> tuple[bool, str, Pos]:
    """(AB 2013 applies, why, where). Missing facts keep the model in scope (conservative)."""
    reg = rec.regulatory
    for key, why in (("generative_ai", "declared not a generative AI system (regulatory.generative_ai: false)"),
                     ("ab2013.california_public", "declared not publicly available to Californians "
                                                  "(regulatory.ab2013.california_public: false)")):
        f = reg.get(key)
        if f is not None and f.value is False:
            return False, why, f.pos
    f = reg.get("ab2013.exemption")
    if f is not None and str(f.value) in AB2013_EXEMPT:
        return False, (f"declared exempt under Civil Code §3111(b): {AB2013_EXEMPT[str(f.value)]} "
                       "(exemption wording from secondary sources)"), f.pos
    f = reg.get("release_date")
    if f is not None and len(str(f.value)) >= 10:
        date = str(f.value)[:10]
        if date < AB2013_FROM:
            return False, f"released on {date}, before 1 January 2022 (Civil Code §3111)", f.pos
        return True, f"released on {date}, on or after 1 January 2022", f.pos
    return True, "no release date declared (regulatory.release_date), so AB 2013 is taken to apply", rec.pos


def check_ab2013(value: bool, ctx: Any) -> list[Violation]:
    applies, why, pos = ab2013_scope(ctx.record)
    if applies == value:
        return []
    return [Violation(("AB 2013 applies: " if applies else "AB 2013 does not apply: ") + why, pos)]


def _component_pos(ctx: Any, slug: str) -> Pos:
    """The component's licence, else the component, else where it would go; remembered per model."""
    known = getattr(ctx, "component_pos", None)  # a context made by a plugin may not have it
    pos = known.get(slug) if known is not None else None
    if pos is None:
        rec = ctx.record
        if slug in rec.components:
            fact, _ = rec.component_license(slug)
            pos = fact.pos if fact is not None else rec.components[slug].pos
        else:
            pos = rec.anchor(f"components.{slug}")
        if known is not None:
            known[slug] = pos
    return pos


def check_osaid_component(value: str, ctx: Any) -> list[Violation]:
    osaid = ctx.classification.osaid
    slug = value
    if value == "technical-report" and value not in osaid.items and "research-paper" in osaid.items:
        slug = "research-paper"  # the paper was judged in the report's place
    state = osaid.items.get(slug, "missing")
    if state == "ok":
        return []
    # The item's own line of ``missing`` is the first that starts with its name, unless another item's
    # line may start with that name too (then the lines are searched, as the message has always said).
    text = osaid.notes.get(slug) if (value, slug) not in _SHARED_PREFIX else None
    if text is None:
        name = C.BY_SLUG[slug].name
        prefixes = (name, EITHER_DOCUMENT) if value == "technical-report" else (name,)
        text = next((m for m in osaid.missing if m.startswith(prefixes)), f"{name}: {state}")
    return [Violation("OSAID 1.0 item not met: " + text, _component_pos(ctx, slug), slug)]


def _shared_prefixes() -> frozenset[tuple[str, str]]:
    """(rule value, item slug) pairs whose search prefixes begin another item's line of ``missing``."""
    heads = {s: (C.BY_SLUG[s].name,) for s in CODE + OPEN_TERMS + ("research-paper",)}
    heads["technical-report"] = (C.BY_SLUG["technical-report"].name, EITHER_DOCUMENT)
    out = set()
    for value in OSAID_ITEMS:
        for slug in (("technical-report", "research-paper") if value == "technical-report" else (value,)):
            prefixes = (C.BY_SLUG[slug].name, EITHER_DOCUMENT) if value == "technical-report" else (C.BY_SLUG[slug].name,)
            if any(h.startswith(prefixes) for other, hs in heads.items() if other != slug for h in hs):
                out.add((value, slug))
    return frozenset(out)


def check_mof_component(value: str, ctx: Any) -> list[Violation]:
    msg = _mof_message(ctx.classification.mof, value)
    return [] if msg is None else [Violation(msg, _component_pos(ctx, value), value)]


_MOF_MESSAGES: dict[tuple[int, str], tuple[Any, str | None]] = {}  # (id(MofResult), slug) -> (it, message)


def _mof_message(mof: Any, value: str) -> str | None:
    """Why component ``value`` fails the MOF, or None when it passes. Remembered per MOF result: results
    are immutable and shared by every model with the same components and licences."""
    hit = _MOF_MESSAGES.get((id(mof), value))
    if hit is not None and hit[0] is mof:
        return hit[1]
    msg = _mof_failure(mof.components, value)
    from openness_policy.classify.mof import MofResult

    if type(mof) is MofResult:  # frozen, and held here, so its id stays its own
        if len(_MOF_MESSAGES) >= 8192:
            _MOF_MESSAGES.clear()
        _MOF_MESSAGES[(id(mof), value)] = (mof, msg)
    return msg


def _mof_failure(items: tuple, value: str) -> str | None:
    s = _status(items, value)
    if s.status in MOF_PASS:
        return None
    if value == C.TECHNICAL_REPORT and _status(items, C.RESEARCH_PAPER).status in MOF_PASS:
        return None  # the MOT lets a passing research paper stand in for the report
    comp = C.BY_SLUG[value]
    need = f"MOF Class {_ROMAN[comp.mof_class]}"
    if s.status == "missing":
        extra = " and no openly licensed Research paper stands in for it" if value == C.TECHNICAL_REPORT else ""
        return f"{comp.name} is not included ({need} needs it{extra})"
    if s.status == "unlicensed":
        return f"{comp.name} is included without a licence ({need} needs an open licence)"
    return (f"{comp.name}: licence '{s.license}' is not an open licence the Model Openness Tool accepts "
            f"({need} needs an exact SPDX id of an OSI-approved, FSF-libre or open data licence)")


def check_datasets_listed(value: bool, ctx: Any) -> list[Violation]:
    rec = ctx.record
    if not rec.datasets:
        return [Violation("no training datasets are named (data.datasets)", rec.anchor("data.datasets"), "none")]
    return [Violation(f"training dataset '{d.name.value}' does not say where to get it (data.datasets[].source)",
                      d.name.pos, str(d.name.value)) for d in rec.datasets if d.source is None]


_SHARED_PREFIX = _shared_prefixes()
_BOOL = {"type": "boolean"}


@hookimpl
def register_requirements(register):
    register(RequirementKind(
        "eu-gpai", "The model is a general-purpose AI model (not declared `regulatory.gpai: false`) and every given "
        "EU AI Act condition matches: `transition` (within the Art. 111(3) period: placed on the market before "
        "2025-08-02, today before 2027-08-02), `foss-exempt` (the Art. 53(2)/54(6) open-source exemption is "
        "confirmed), `systemic-risk` (Art. 51: declared, or over 10^25 training FLOPs), `established-in-eu` "
        "(`regulatory.provider.established_in_eu`).",
        {"type": "object", "additionalProperties": False, "properties": {
            "transition": _BOOL, "foss-exempt": _BOOL, "systemic-risk": _BOOL, "established-in-eu": _BOOL}},
        check_eu_gpai, "eu-gpai: {transition: false, foss-exempt: false}"))
    register(RequirementKind(
        "eu-foss-exemption", "The EU AI Act Art. 53(2)/54(6) open-source exemption is confirmed (true) or not "
        "(false) from the manifest: licence allows access, use, modification and distribution; weights, architecture "
        "and usage information public; not monetised; not systemic-risk. An open interpretation (e.g. a user cap) "
        "leaves it unconfirmed; the message says which conditions fail and which duties are lifted or stay.",
        _BOOL, check_foss_exemption, "eu-foss-exemption: false"))
    register(RequirementKind(
        "ca-ab2013-applies", "California AB 2013 applies (true) or not (false): a generative AI system made publicly "
        "available to Californians, released on or after 2022-01-01, whose declared purpose is not exempt under "
        "§3111(b) (`regulatory.ab2013.exemption`). Missing facts keep the model in scope.",
        _BOOL, check_ab2013, "ca-ab2013-applies: true"))
    register(RequirementKind(
        "osaid-component", "One OSAID 1.0 item (OSI checklist) is met: the component is released under OSI-approved "
        "(code) or open (parameters, data information) terms without use restrictions. `technical-report` is met by "
        "a report or a research paper.",
        {"enum": list(OSAID_ITEMS)}, check_osaid_component, "osaid-component: training-code"))
    register(RequirementKind(
        "mof-component", "One MOF component passes as the Model Openness Tool judges it: included, with an open "
        "licence (exact SPDX id). A passing Research paper stands in for the Technical report.",
        {"enum": [c.slug for c in C.COMPONENTS]}, check_mof_component, "mof-component: model-card"))
    register(RequirementKind(
        "datasets-listed", "The training datasets are named in `data.datasets`, each with where to get it (`source`).",
        {"const": True}, check_datasets_listed, "datasets-listed: true"))


_SLOT = {c.slug: i for i, c in enumerate(C.COMPONENTS)}  # MofResult.components is in components.py order


def _status(items: tuple, slug: str) -> Any:
    """The ComponentStatus of ``slug`` in ``MofResult.components`` (in components.py order)."""
    i = _SLOT.get(slug)
    if i is not None and i < len(items) and items[i].slug == slug:
        return items[i]
    for s in items:
        if s.slug == slug:
            return s
    raise KeyError(slug)
