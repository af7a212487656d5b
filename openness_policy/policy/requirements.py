"""Built-in requirement kinds, registered through the same hook as a third party's.

Each kind checks one model and returns violations that name the concrete reason and point at the
offending value (or at the parent mapping when a value is missing).
"""
from __future__ import annotations

from typing import Any

from openness_policy import components as C
from openness_policy.classify.openness import LEVELS, level_rank
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import RequirementKind, Violation
from openness_policy.policy import requirements_fields, requirements_license

MOF_LABELS = {1: "Class I", 2: "Class II", 3: "Class III", 0: "Unclassified"}


def check_openness(value: str, ctx: Any) -> list[Violation]:
    verdict = ctx.classification.openness
    if verdict.rank >= level_rank(value):
        return []
    why = verdict.reasons[0] if verdict.reasons else None
    msg = f"openness level is {verdict.level}, below the required {value}"
    if why:
        msg += f": {why.text}"
    return [Violation(msg, why.pos if why else ctx.record.pos)]


def check_mof(value: int, ctx: Any) -> list[Violation]:
    mof = ctx.classification.mof
    if mof.mof_class != 0 and mof.mof_class <= value:
        return []
    progress = ", ".join(f"{MOF_LABELS[c]} {mof.progress[c]:.1f}%" for c in (3, 2, 1))
    missing = [C.BY_SLUG[s].name for c in range(3, value - 1, -1) for s in mof.missing.get(c, ())]
    failing = [C.BY_SLUG[s.slug].name + f" ({s.status})" for s in mof.components
               if s.status in ("unlicensed", "invalid") and C.BY_SLUG[s.slug].mof_class >= value]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(dict.fromkeys(missing)))
    if failing:
        parts.append("not openly licensed: " + ", ".join(failing))
    msg = f"MOF class is {mof.label} ({progress}); the rule needs {MOF_LABELS[value]} or better"
    if parts:
        msg += ": " + "; ".join(parts)
    return [Violation(msg, _first_bad_component_pos(ctx, value))]


def _first_bad_component_pos(ctx: Any, value: int) -> Any:
    rec = ctx.record
    for s in ctx.classification.mof.components:
        if s.status in ("unlicensed", "invalid") and s.slug in rec.components and C.BY_SLUG[s.slug].mof_class >= value:
            comp = rec.components[s.slug]
            return comp.license.pos if comp.license is not None else comp.pos
    return rec.pos


def check_osaid(value: bool, ctx: Any) -> list[Violation]:
    osaid = ctx.classification.osaid
    if osaid.meets == value:
        return []
    if value:
        shown = "; ".join(osaid.missing[:6]) + (f"; and {len(osaid.missing) - 6} more" if len(osaid.missing) > 6 else "")
        return [Violation(f"does not meet the OSI Open Source AI Definition 1.0: {shown}", ctx.record.pos)]
    return [Violation("meets the OSI Open Source AI Definition 1.0, which the rule forbids", ctx.record.pos)]


def check_components(value: list[str], ctx: Any) -> list[Violation]:
    out = []
    for slug in value:
        comp = C.lookup(slug)
        if comp is not None and comp.slug not in ctx.record.components:
            out.append(Violation(f"component '{comp.name}' is not included", ctx.record.pos, comp.slug))
    return out


@hookimpl
def register_requirements(register):
    register(RequirementKind(
        "openness", "The model's openness level is at least this level.",
        {"enum": list(LEVELS)}, check_openness, "openness: open-weights+data"))
    register(RequirementKind(
        "mof-class", "The model's MOF class is this class or better (1 is the most open; 0 never passes).",
        {"type": "integer", "minimum": 1, "maximum": 3}, check_mof, "mof-class: 3"))
    register(RequirementKind(
        "osaid", "The model meets (true) or does not meet (false) the OSI Open Source AI Definition 1.0.",
        {"type": "boolean"}, check_osaid, "osaid: true"))
    register(RequirementKind(
        "components", "These MOF components are included (slugs or exact MOT names).",
        {"type": "array", "minItems": 1, "items": {"enum": [c.slug for c in C.COMPONENTS] + [c.name for c in C.COMPONENTS]}},
        check_components, "components: [training-code, data-card]"))
    requirements_license.register_all(register)
    requirements_fields.register_all(register)
