"""The openness level of DESIGN §2, with evidence and what is missing for the next level.

Pure: record and licence verdicts in, verdict out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from openness_policy import components as C
from openness_policy.record import ModelRecord
from openness_policy.sourcemap import Pos

LEVELS = ("closed", "open-weights", "open-weights+data", "open-source")


def level_rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass(frozen=True)
class Evidence:
    text: str
    pos: Pos


@dataclass
class LevelVerdict:
    level: str
    evidence: list[Evidence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what the next level needs
    gated: bool = False
    reasons: list[Evidence] = field(default_factory=list)  # why it stops at this level

    @property
    def rank(self) -> int:
        return level_rank(self.level)


def data_information(rec: ModelRecord) -> Evidence | None:
    """Published training-data information: a data card, named datasets with sources, or a summary."""
    if C.DATA_CARD in rec.components:
        return Evidence("a data card is included", rec.components[C.DATA_CARD].pos)
    if C.DATASETS in rec.components:
        return Evidence("the training datasets are included", rec.components[C.DATASETS].pos)
    sourced = [d for d in rec.datasets if d.source is not None]
    if sourced:
        return Evidence(f"{len(sourced)} training dataset(s) named with their source", sourced[0].name.pos)
    if rec.training_summary is not None:
        return Evidence("a public training-content summary is published", rec.training_summary.pos)
    return None


def openness_level(rec: ModelRecord, lic, weights_verdict, osaid_meets: bool) -> LevelVerdict:
    """``lic`` is the weights licence Fact (own or inherited) and ``weights_verdict`` its LicenseVerdict;
    both None when no licence applies."""
    v = LevelVerdict("closed")
    avail = rec.weights_available
    if avail is None or avail.value not in ("yes", "gated"):
        pos = avail.pos if avail is not None else rec.pos
        why = "the final parameters are declared not released" if avail is not None else \
            "the manifest does not say the final parameters are released"
        v.reasons.append(Evidence(why, pos))
        v.missing.append("release the final parameters (native: weights.released: true, or list model-parameters-final)")
        return v
    v.gated = avail.value == "gated" or bool(rec.gated and rec.gated.value)
    v.evidence.append(Evidence(f"final parameters released{' (gated)' if v.gated else ''}", avail.pos))
    if lic is None or weights_verdict is None:
        v.reasons.append(Evidence("no licence applies to the final parameters", avail.pos))
        v.missing.append("declare a licence for the final parameters")
        return v
    if not weights_verdict.known:
        v.reasons.append(Evidence(f"the weights licence '{lic.value}' is not identified, so no grant of use can be shown", lic.pos))
        v.missing.append(f"identify the licence '{lic.value}' (use a known id, or add it to your policy's `licenses:`)")
        return v
    if not weights_verdict.grants_use_and_modification:
        v.reasons.append(Evidence(f"the weights licence '{lic.value}' does not grant use and modification", lic.pos))
        v.missing.append("license the final parameters under terms that grant use and modification")
        return v
    v.level = "open-weights"
    inherited = f" ({lic.note})" if lic.how == "inherited" or rec.inherited_licenses else ""
    v.evidence.append(Evidence(f"weights licence '{lic.value}' grants use and modification{inherited}", lic.pos))
    data = data_information(rec)
    if data is None:
        v.reasons.append(Evidence("no training-data information is published", rec.pos))
        v.missing.append("publish training-data information: a data card, datasets with their sources, "
                         "or a public training-content summary (native: data.datasets / data.training_summary)")
        return v
    v.level = "open-weights+data"
    v.evidence.append(data)
    if osaid_meets:
        v.level = "open-source"
        v.evidence.append(Evidence("meets the OSI Open Source AI Definition 1.0", rec.pos))
    else:
        v.missing.append("meet the OSI Open Source AI Definition 1.0 (see the OSAID items missing)")
    return v
