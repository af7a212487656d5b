"""All verdicts for one model: licences, openness level, MOF class, OSAID status.

Pure: record + licence catalogue in, :class:`Classification` out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy import components as C
from openness_policy.classify.openness import LevelVerdict, openness_level
from openness_policy.classify.osaid import OsaidVerdict, osaid_status
from openness_policy.record import Fact, ModelRecord


@dataclass
class Classification:
    openness: LevelVerdict
    mof: Any  # MofResult
    osaid: OsaidVerdict
    weights_license: Any | None  # LicenseVerdict
    weights_license_fact: Fact | None
    component_licenses: dict[str, Any] = field(default_factory=dict)  # slug -> LicenseVerdict | None
    unknown_licenses: list[tuple[str, Fact]] = field(default_factory=list)  # (term, where)


_MOF_SEEN: dict[tuple, tuple[Any, Any]] = {}  # (inputs, global licences) -> (catalogue, MofResult)
_MOF_SEEN_MAX = 4096


def classify(rec: ModelRecord, catalog: Any) -> Classification:
    from openness_policy.classify.mof import ComponentInput, classify_mof
    from openness_policy.licenses.expression import evaluate

    cache: dict[str, Any] = {}

    def verdict(fact: Fact | None) -> Any | None:
        if fact is None or fact.value in (None, ""):
            return None
        text = str(fact.value)
        if text not in cache:
            cache[text] = evaluate(text, catalog)
        return cache[text]

    comp_verdicts: dict[str, Any] = {}
    unknown: list[tuple[str, Fact]] = []
    seen: set[tuple[str, Any]] = set()
    for slug in rec.components:
        fact, _how = rec.component_license(slug)
        v = verdict(fact)
        comp_verdicts[slug] = v
        if v is not None and not v.known and fact is not None and (fact.value, fact.pos) not in seen:
            seen.add((fact.value, fact.pos))
            unknown.append((str(fact.value), fact))
    wfact, wv = weights_licence(rec, verdict)
    if wv is not None and not wv.known and wfact is not None and (wfact.value, wfact.pos) not in seen:
        unknown.append((str(wfact.value), wfact))
    if rec.inherited_licenses and C.WEIGHTS in comp_verdicts:
        comp_verdicts[C.WEIGHTS] = wv
    osaid = osaid_status(rec, lambda slug: comp_verdicts.get(slug))
    level = openness_level(rec, wfact, wv, osaid.meets)
    inputs = tuple([(slug, None if c.license is None else str(c.license.value or ""))
                    for slug, c in rec.components.items()])
    globals_ = {slot: (str(f.value) if f.value is not None else None) for slot, f in rec.licenses.items()}

    def is_osi_or_fsf(spdx_id: str) -> bool:
        flags = catalog.spdx_flags(spdx_id)
        return bool(flags and (flags[0] or flags[1]))

    key = (inputs, tuple(globals_.items()))  # plain tuples: cheaper to hash than ComponentInputs
    hit = _MOF_SEEN.get(key)
    if hit is not None and hit[0] is catalog:  # the same components and licences: the same (immutable) result
        mof = hit[1]
    else:
        mof = classify_mof([ComponentInput(slug, lic) for slug, lic in inputs], globals_, is_osi_or_fsf=is_osi_or_fsf)
        if len(_MOF_SEEN) >= _MOF_SEEN_MAX:
            _MOF_SEEN.clear()
        _MOF_SEEN[key] = (catalog, mof)  # the catalogue is held, so its id is never reused while cached
    return Classification(level, mof, osaid, wv, wfact, comp_verdicts, unknown)


def weights_licence(rec: ModelRecord, verdict: Any) -> tuple[Fact | None, Any]:
    """The weights licence and its verdict, with licences inherited from bases in this repository.

    No licence of its own: the inherited one applies. Both: every term applies (AND), so a
    derivative is never more open than its base allows.
    """
    own = rec.weights_license()
    inherited = rec.inherited_licenses
    if not inherited:
        return own, verdict(own)
    terms = ([own] if own is not None else []) + inherited
    if len(terms) == 1:
        return terms[0], verdict(terms[0])
    text = " AND ".join(f"({t.value})" if " " in str(t.value) else str(t.value) for t in terms)
    anchor = own or inherited[0]
    note = "; ".join(t.note for t in inherited if t.note)
    return Fact(text, anchor.pos, "inherited" if own is None else anchor.how, note), verdict(Fact(text, anchor.pos))
