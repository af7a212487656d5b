"""The Model Openness Framework class, computed exactly as the Model Openness Tool computes it.

research/mof.md §6, in order:

1. resolve each included component's licence: its own ``license`` key (``""``/``unlicensed`` = no
   licence, no fallback), else the global licence for its content type, else the ``distribution``
   one, else none;
2. give each included component a verdict (``mof_licenses.license_verdict``);
3. build cumulative per-class lists (class II holds III's components too, class I holds all);
4. let a research paper stand in for a technical report that does not pass;
5. gate the progress: a class shows 0 % until every higher class is complete; class I needs 13
   instead of 14 when the paper replaced the report;
6. the class is the lowest class number at exactly 100 %, else 0 (Unclassified).

Pure: no I/O, no global state. The licence lists come from ``mof_licenses`` (injected or default).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from openness_policy.components import BY_SLUG, COMPONENTS, RESEARCH_PAPER, TECHNICAL_REPORT
from openness_policy.classify.mof_licenses import (
    CONDITIONAL,
    NO_LICENSE,
    PASS,
    UNLICENSED,
    MofLicenseData,
    default_mof_licenses,
    license_verdict,
)

MISSING = "missing"
CLASSES = (3, 2, 1)
# Exactly the MOT's labels (ASCII hyphen, as its API and expected_results.json spell them).
LABELS: Mapping[int, str] = MappingProxyType({
    0: "Unclassified",
    1: "Class I - Open Science Model",
    2: "Class II - Open Tooling Model",
    3: "Class III - Open Model",
})
GLOBAL_KEYS = ("distribution", "code", "data", "document")


@dataclass(frozen=True)
class ComponentInput:
    slug: str  # components.py slug
    license: str | None  # as written; None = key absent (inherit); "" / "unlicensed" = no licence


@dataclass(frozen=True)
class ComponentStatus:
    slug: str
    status: str  # pass | conditional | unlicensed | invalid | missing
    license: str | None  # the resolved licence; None when there is none
    how: str  # component | global:<code|data|document|distribution> | none


@dataclass(frozen=True)
class MofResult:
    mof_class: int  # 0..3 (0 = Unclassified)
    label: str
    progress: Mapping[int, float]  # {1: .., 2: .., 3: ..} percent, unrounded as the MOT reports it
    total: float  # mean of the three
    components: tuple[ComponentStatus, ...]  # all 17, in components.py order
    missing: Mapping[int, tuple[str, ...]]  # per class: required slugs not included
    not_type_appropriate: tuple[str, ...]  # open licence, but not one for the component's type
    report_replaced_by_paper: bool = False  # the research paper stood in for the technical report


def resolve_license(
    own: str | None, content_type: str, global_licenses: Mapping[str, str | None]
) -> tuple[str | None, str]:
    """(licence, how) for an included component; licence None means "no licence"."""
    if own is not None:
        return (None if own in ("", NO_LICENSE) else own), "component"
    for key in (content_type, "distribution"):
        name = global_licenses.get(key)
        if name:
            return name, f"global:{key}"
    return None, "none"


def _merge_inputs(components: Iterable[ComponentInput]) -> dict[str, str | None]:
    """slug -> own licence. A repeated component merges like the MOT's import: a later licence wins."""
    merged: dict[str, str | None] = {}
    for comp in components:
        if comp.slug not in BY_SLUG:
            raise ValueError(f"unknown MOF component slug {comp.slug!r}")
        if comp.license is not None or comp.slug not in merged:
            merged[comp.slug] = comp.license
    return merged


def classify_mof(
    components: Iterable[ComponentInput],
    global_licenses: Mapping[str, str | None],
    *,
    is_osi_or_fsf: Callable[[str], bool],
    licenses: MofLicenseData | None = None,
) -> MofResult:
    """Classify one model; ``global_licenses`` maps distribution/code/data/document to a name."""
    data = licenses or default_mof_licenses()
    unknown = set(global_licenses) - set(GLOBAL_KEYS)
    if unknown:
        raise ValueError(f"unknown global licence keys {sorted(unknown)}")
    own = _merge_inputs(components)

    statuses: dict[str, ComponentStatus] = {}
    for comp in COMPONENTS:
        if comp.slug not in own:
            statuses[comp.slug] = ComponentStatus(comp.slug, MISSING, None, "none")
            continue
        lic, how = resolve_license(own[comp.slug], comp.content_type, global_licenses)
        verdict = license_verdict(lic, comp.content_type, data=data, is_osi_or_fsf=is_osi_or_fsf)
        statuses[comp.slug] = ComponentStatus(comp.slug, verdict, None if verdict == UNLICENSED else lic, how)

    def passes(slug: str) -> bool:
        return statuses[slug].status in (PASS, CONDITIONAL)

    # Cumulative required lists, in the MOT's component order: class k needs classes III..k.
    required = {k: [c.slug for c in COMPONENTS if c.required and c.mof_class >= k] for k in CLASSES}
    per_class = {k: sum(1 for c in COMPONENTS if c.required and c.mof_class == k) for k in CLASSES}
    included = {k: [s for s in required[k] if passes(s)] for k in CLASSES}
    missing = {k: [s for s in required[k] if statuses[s].status == MISSING] for k in CLASSES}

    # The paper stands in for a technical report that does not pass (included, invalid or unlicensed
    # paper alike): the report is no longer missing, and classes III and II count the paper.
    substituted = not passes(TECHNICAL_REPORT) and statuses[RESEARCH_PAPER].status != MISSING
    if substituted:
        for k in CLASSES:
            missing[k] = [s for s in missing[k] if s != TECHNICAL_REPORT]
        if passes(RESEARCH_PAPER):
            for k in (3, 2):
                included[k].append(RESEARCH_PAPER)

    # Class I needs one fewer when the paper passes and the report does not.
    paper_for_report = passes(RESEARCH_PAPER) and not passes(TECHNICAL_REPORT)
    progress = {k: _progress(k, included, per_class, paper_for_report) for k in CLASSES}
    mof_class = next((k for k in sorted(CLASSES) if progress[k] == 100.0), 0)
    return MofResult(
        mof_class=mof_class,
        label=LABELS[mof_class],
        progress=MappingProxyType({1: progress[1], 2: progress[2], 3: progress[3]}),
        total=(progress[3] + progress[2] + progress[1]) / 3,
        components=tuple(statuses[c.slug] for c in COMPONENTS),
        missing=MappingProxyType({k: tuple(missing[k]) for k in (1, 2, 3)}),
        not_type_appropriate=tuple(c.slug for c in COMPONENTS if statuses[c.slug].status == CONDITIONAL),
        report_replaced_by_paper=substituted,
    )


def _progress(cls: int, included: Mapping[int, list[str]], per_class: Mapping[int, int], paper_for_report: bool) -> float:
    """Percent for ``cls``: 0 while a higher class is incomplete, else included / required."""
    total = count = 0
    for k in (c for c in CLASSES if c >= cls):  # III first, down to cls
        total += per_class[k]
        count = len(included[k])
        if count < total and k > cls:
            return 0.0  # a higher class is not met
    if cls == 1 and paper_for_report:
        total -= 1  # the paper replaces the report: 13 required instead of 14
    return min(count / total * 100, 100.0)
