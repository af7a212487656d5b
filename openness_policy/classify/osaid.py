"""OSI Open Source AI Definition 1.0 status, following the OSI's MOF-based checklist.

Our reading (documented in the README): code components under OSI-approved licences; the
architecture under an OSI-approved licence; parameters and data information (datasets, data card,
a technical report or research paper) under open terms; no use restrictions on any of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from openness_policy import components as C
from openness_policy.record import ModelRecord

CODE = ("data-preprocessing-code", "training-code", "evaluation-code", "inference-code",
        "supporting-libraries-and-tools", "model-architecture")
OPEN_TERMS = ("model-parameters-final", "datasets", "data-card")
USE_RESTRICTIONS = frozenset({
    "competitor-training", "user-cap", "acceptable-use-policy", "non-commercial", "research-only",
    "geo-restriction", "remote-restriction", "hosting-restriction", "guardrail-termination", "licensor-may-amend",
})


@dataclass
class OsaidVerdict:
    meets: bool
    missing: list[str] = field(default_factory=list)
    items: dict[str, str] = field(default_factory=dict)  # slug -> "ok" | reason
    notes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # slug -> its line in missing

    @property
    def status(self) -> str:
        return "meets" if self.meets else "does-not-meet"


def osaid_status(rec: ModelRecord, verdict_of: Callable[[str], object | None]) -> OsaidVerdict:
    """``verdict_of(slug)`` gives the LicenseVerdict that applies to a component, or None."""
    out = OsaidVerdict(True)

    def fail(slug: str, state: str, text: str) -> None:
        out.items[slug] = state
        out.missing.append(text)
        out.notes[slug] = text

    def need(slug: str, osi: bool) -> None:
        comp = C.BY_SLUG[slug]
        if slug not in rec.components:
            return fail(slug, "missing", f"{comp.name}: not released")
        v = verdict_of(slug)
        if v is None:
            return fail(slug, "unlicensed", f"{comp.name}: no licence")
        if not v.known:
            return fail(slug, "unknown licence", f"{comp.name}: licence not identified ({v.expression})")
        restrictions = sorted({c.id for c in v.clauses} & USE_RESTRICTIONS)
        if restrictions:
            return fail(slug, "use restrictions",
                        f"{comp.name}: licence {v.expression} restricts use ({', '.join(restrictions)})")
        if osi and not v.osi_approved:
            return fail(slug, "not OSI-approved", f"{comp.name}: licence {v.expression} is not OSI-approved")
        if not osi and not (v.open or v.osi_approved):
            return fail(slug, "not open terms", f"{comp.name}: licence {v.expression} is not an open licence")
        out.items[slug] = "ok"

    for slug in CODE:
        need(slug, osi=True)
    for slug in OPEN_TERMS:
        need(slug, osi=False)
    # Either document describing the training method satisfies the data-information description.
    docs = [s for s in ("technical-report", "research-paper") if s in rec.components]
    if docs:
        need(docs[0], osi=False)
    else:
        fail("technical-report", "missing", "Technical report or Research paper: not released")
    out.meets = not out.missing
    return out


def summarize(items: Mapping[str, str]) -> str:
    bad = [k for k, v in items.items() if v != "ok"]
    return "all items met" if not bad else f"{len(bad)} item(s) not met"
