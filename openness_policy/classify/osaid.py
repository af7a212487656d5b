"""OSI Open Source AI Definition 1.0 status, following the OSI's MOF-based checklist.

Our reading (documented in the README): code components under OSI-approved licences; the
architecture under an OSI-approved licence; parameters and data information (datasets, data card,
a technical report or research paper) under open terms; no use restrictions on any of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

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
        state, why = _terms(v, osi)
        if why:
            return fail(slug, state, f"{comp.name}: {why}")
        out.items[slug] = state

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


_TERMS: dict[tuple[int, bool], tuple[Any, str, str]] = {}  # (id(verdict), osi) -> (verdict, state, why)


def _terms(v: Any, osi: bool) -> tuple[str, str]:
    """("ok", "") or (state, why) for an item under licence verdict ``v``: OSI-approved terms when ``osi``,
    else open ones; no use restrictions either way. Remembered for catalogue verdicts (immutable)."""
    hit = _TERMS.get((id(v), osi))
    if hit is not None and hit[0] is v:
        return hit[1], hit[2]
    if not v.known:
        out = "unknown licence", f"licence not identified ({v.expression})"
    elif restrictions := sorted({c.id for c in v.clauses} & USE_RESTRICTIONS):
        out = "use restrictions", f"licence {v.expression} restricts use ({', '.join(restrictions)})"
    elif osi and not v.osi_approved:
        out = "not OSI-approved", f"licence {v.expression} is not OSI-approved"
    elif not osi and not (v.open or v.osi_approved):
        out = "not open terms", f"licence {v.expression} is not an open licence"
    else:
        out = "ok", ""
    from openness_policy.licenses.expression import LicenseVerdict

    if type(v) is LicenseVerdict:  # frozen: the answer cannot change (held here, so its id stays its own)
        if len(_TERMS) >= 4096:
            _TERMS.clear()
        _TERMS[(id(v), osi)] = (v, *out)
    return out


def summarize(items: Mapping[str, str]) -> str:
    bad = [k for k, v in items.items() if v != "ok"]
    return "all items met" if not bad else f"{len(bad)} item(s) not met"
