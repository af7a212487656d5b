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

    @property
    def status(self) -> str:
        return "meets" if self.meets else "does-not-meet"


def osaid_status(rec: ModelRecord, verdict_of: Callable[[str], object | None]) -> OsaidVerdict:
    """``verdict_of(slug)`` gives the LicenseVerdict that applies to a component, or None."""
    out = OsaidVerdict(True)

    def need(slug: str, osi: bool) -> None:
        comp = C.BY_SLUG[slug]
        if slug not in rec.components:
            out.items[slug] = "missing"
            out.missing.append(f"{comp.name}: not released")
            return
        v = verdict_of(slug)
        if v is None:
            out.items[slug] = "unlicensed"
            out.missing.append(f"{comp.name}: no licence")
            return
        if not v.known:
            out.items[slug] = "unknown licence"
            out.missing.append(f"{comp.name}: licence not identified ({v.expression})")
            return
        restrictions = sorted({c.id for c in v.clauses} & USE_RESTRICTIONS)
        if restrictions:
            out.items[slug] = "use restrictions"
            out.missing.append(f"{comp.name}: licence {v.expression} restricts use ({', '.join(restrictions)})")
            return
        if osi and not v.osi_approved:
            out.items[slug] = "not OSI-approved"
            out.missing.append(f"{comp.name}: licence {v.expression} is not OSI-approved")
            return
        if not osi and not (v.open or v.osi_approved):
            out.items[slug] = "not open terms"
            out.missing.append(f"{comp.name}: licence {v.expression} is not an open licence")
            return
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
        out.items["technical-report"] = "missing"
        out.missing.append("Technical report or Research paper: not released")
    out.meets = not out.missing
    return out


def summarize(items: Mapping[str, str]) -> str:
    bad = [k for k, v in items.items() if v != "ok"]
    return "all items met" if not bad else f"{len(bad)} item(s) not met"
