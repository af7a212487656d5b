"""EU AI Act facts about one GPAI model, decided from its record: pure functions, no I/O.

- ``systemic_risk``: Art. 51 — designated (``regulatory.systemic_risk``) or presumed above 10^25
  training FLOPs (Art. 51(2)).
- ``transition``: Art. 111(3) — placed on the market before 2 Aug 2025, so the duties apply from
  2 Aug 2027.
- ``foss_exemption``: Art. 53(2) / 54(6) — the open-source exemption, with one condition per
  requirement of the article and Recitals 102–104; a condition can be met, not met, or unknown
  (an open interpretation, never claimed either way).

Sources: research/licenses-and-regulation.md Part B2. We are not lawyers; the texts say where the
law is unsettled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy import components as C
from openness_policy.sourcemap import Pos

FLOPS_THRESHOLD = 1e25
GPAI_DUTIES_FROM = "2025-08-02"  # Art. 113, third paragraph, point (b)
LEGACY_DEADLINE = "2027-08-02"  # Art. 111(3)
LIFTED = ("Art. 53(1)(a) technical documentation (Annex XI)", "Art. 53(1)(b) information for downstream providers "
          "(Annex XII)", "Art. 54(1) authorised representative for a provider outside the EU (Art. 54(6))")
STILL_DUE = "Art. 53(1)(c) copyright policy and Art. 53(1)(d) training-content summary (Recital 104)"
NOT_FOSS = {"non-commercial": "forbids commercial use", "research-only": "allows research use only"}
OPEN_QUESTION = ("user-cap", "acceptable-use-policy", "competitor-training", "geo-restriction", "remote-restriction",
                 "hosting-restriction", "guardrail-termination", "licensor-may-amend")


@dataclass(frozen=True)
class Condition:
    name: str
    state: str  # met | not-met | unknown
    text: str
    pos: Pos


@dataclass
class Exemption:
    state: str  # applies | does-not-apply | unknown
    conditions: list[Condition] = field(default_factory=list)

    def failing(self) -> list[Condition]:
        return [c for c in self.conditions if c.state != "met"]


def _reg(rec: Any, key: str) -> Any:
    return rec.regulatory.get(key)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(str(value).replace("_", ""))
    except ValueError:
        return None


def systemic_risk(rec: Any) -> tuple[bool | None, str, Pos]:
    """(is systemic-risk, why, where); None when nothing declared lets us tell."""
    declared, flops = _reg(rec, "systemic_risk"), _reg(rec, "training_compute_flops")
    value = _number(flops.value) if flops is not None else None
    if declared is not None and declared.value is True:
        return True, "declared a GPAI model with systemic risk (regulatory.systemic_risk: true)", declared.pos
    if value is not None and value > FLOPS_THRESHOLD:
        return True, (f"training compute {value:.3g} FLOPs exceeds 10^25, so high-impact capabilities are presumed "
                      "(Art. 51(2))"), flops.pos
    if declared is not None and declared.value is False:
        return False, "declared not a systemic-risk model (regulatory.systemic_risk: false)", declared.pos
    if value is not None:
        return False, f"training compute {value:.3g} FLOPs is not above 10^25 and no designation is declared", flops.pos
    return None, ("neither regulatory.systemic_risk nor regulatory.training_compute_flops is declared, so systemic "
                  "risk cannot be ruled out"), rec.anchor("regulatory.systemic_risk")


def placement(rec: Any) -> tuple[str | None, Any]:
    """The EU placement date (falling back to the release date) and its fact."""
    for key in ("placed_on_market", "release_date"):
        f = _reg(rec, key)
        if f is not None and len(str(f.value)) >= 10:
            return str(f.value)[:10], f
    return None, None


def transition(rec: Any, today: str) -> tuple[bool, str, Pos]:
    """True while a model placed on the market before 2 Aug 2025 is within its Art. 111(3) period."""
    date, f = placement(rec)
    if date is None:
        return False, "no placement date declared, so the duties are taken to apply from 2025-08-02", rec.pos
    key = "placed_on_market" if f is _reg(rec, "placed_on_market") else "release_date"
    if date < GPAI_DUTIES_FROM and today < LEGACY_DEADLINE:
        return True, (f"placed on the market on {date} (regulatory.{key}), before 2 August 2025: Art. 111(3) gives "
                      f"until {LEGACY_DEADLINE} to meet the GPAI duties, so this template reports them from that date "
                      f"(preview with --today {LEGACY_DEADLINE})"), f.pos
    return False, f"placed on the market on {date} (regulatory.{key})", f.pos


def _licence(ctx: Any) -> Condition:
    from openness_policy.policy.requirements_license import clause_text

    cls, rec = ctx.classification, ctx.record
    fact, verdict = cls.weights_license_fact, cls.weights_license
    if fact is None or verdict is None:
        return Condition("licence", "not-met", "no licence applies to the weights", rec.pos)
    name = f"licence '{fact.value}'"
    if not verdict.known:
        return Condition("licence", "unknown", f"{name} is not identified, so its terms cannot be checked", fact.pos)
    denied = [g for g in ("use", "modification", "distribution") if not all(r.grants.get(g) for r in verdict.records)]
    if denied:
        return Condition("licence", "not-met", f"{name} does not grant {', '.join(denied)}", fact.pos)
    for lic in verdict.records:
        for clause in lic.clauses:
            if clause.id in NOT_FOSS:
                return Condition("licence", "not-met", (
                    f"{name} {NOT_FOSS[clause.id]} ({clause_text(lic, clause)}): not a free and open-source licence "
                    "that allows usage as Art. 53(2) and Recital 102 describe"), fact.pos)
    for lic in verdict.records:
        for clause in lic.clauses:
            if clause.id in OPEN_QUESTION:
                return Condition("licence", "unknown", (
                    f"{name} restricts use: {clause_text(lic, clause)}. Whether a licence with such a term is a free "
                    "and open-source licence under Art. 53(2) is an open interpretation (the Commission guidelines "
                    "are reported to exclude user-count thresholds and allow non-discriminatory safety restrictions; "
                    "unverified), so the exemption cannot be confirmed"), fact.pos)
    return Condition("licence", "met", f"{name} allows access, use, modification and distribution", fact.pos)


def _weights(rec: Any) -> Condition:
    avail = rec.weights_available
    if avail is None or avail.value not in ("yes", "gated"):
        return Condition("weights", "not-met", "the weights are not declared publicly released",
                         avail.pos if avail is not None else rec.pos)
    if avail.value == "gated" or (rec.gated is not None and rec.gated.value is True):
        pos = rec.gated.pos if rec.gated is not None else avail.pos
        return Condition("weights", "unknown", "the weights are gated: whether gated access counts as 'made publicly "
                         "available' (Art. 53(2)) is not settled", pos)
    return Condition("weights", "met", "the weights are publicly released", avail.pos)


def _published(rec: Any, name: str, slug: str, key: str) -> Condition:
    if slug in rec.components:
        return Condition(name, "met", f"{name} information is public ({C.BY_SLUG[slug].name} included)",
                         rec.components[slug].pos)
    f = _reg(rec, key)
    if f is not None:
        return Condition(name, "met", f"{name} information is public (regulatory.{key})", f.pos)
    return Condition(name, "not-met", f"no public {name} information (include the {C.BY_SLUG[slug].name} component "
                     f"or set regulatory.{key})", rec.anchor(f"regulatory.{key}"))


def _monetised(rec: Any) -> Condition:
    f = _reg(rec, "monetised")
    if f is None:
        return Condition("monetisation", "unknown", "regulatory.monetised is not declared, so it is unknown whether the "
                         "model is provided for a price or otherwise monetised (Recital 103)",
                         rec.anchor("regulatory.monetised"))
    if f.value is True:
        return Condition("monetisation", "not-met", "the model is monetised (regulatory.monetised: true; Recital 103)",
                         f.pos)
    return Condition("monetisation", "met", "not monetised", f.pos)


def foss_exemption(ctx: Any) -> Exemption:
    """The Art. 53(2) / 54(6) open-source exemption for one model, condition by condition."""
    rec = ctx.record
    risky, why, pos = systemic_risk(rec)
    risk = Condition("systemic-risk", {True: "not-met", False: "met", None: "unknown"}[risky],
                     why if risky is not None else why + " (the exemption never applies to systemic-risk models)", pos)
    conds = [_licence(ctx), _weights(rec), _published(rec, "architecture", C.ARCHITECTURE, "architecture_information"),
             _published(rec, "usage", "model-card", "usage_information"), _monetised(rec), risk]
    states = {c.state for c in conds}
    state = "does-not-apply" if "not-met" in states else "unknown" if "unknown" in states else "applies"
    return Exemption(state, conds)


def describe_exemption(ex: Exemption) -> str:
    if ex.state == "applies":
        met = "; ".join(c.text for c in ex.conditions)
        return (f"the Art. 53(2)/54(6) open-source exemption applies ({met}). Lifted: {'; '.join(LIFTED)}. "
                f"Still due: {STILL_DUE}")
    head = ("the Art. 53(2)/54(6) open-source exemption does not apply" if ex.state == "does-not-apply"
            else "the Art. 53(2)/54(6) open-source exemption cannot be confirmed")
    why = "; ".join(c.text for c in ex.failing())
    return f"{head}: {why}. So these duties stay: {'; '.join(LIFTED)}, besides {STILL_DUE}"
