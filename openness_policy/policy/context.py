"""What a requirement check sees: one model, its verdicts, the licence catalogue and today."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy.plugin_types import Violation

COMBINATORS = ("all", "any", "not")


@dataclass
class EvalContext:
    record: Any  # ModelRecord
    classification: Any  # Classification
    catalog: Any  # LicenseCatalog
    registry: Any  # Registry
    today: str  # ISO date
    settings: dict[str, Any]
    # Where a finding about each MOF component points, found once per model (several rules ask).
    component_pos: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def check(self, req: dict) -> list[Violation]:
        """Violations of one requirement (combinators included); empty when it holds."""
        (kind, value), = req.items()
        if kind == "all":
            return [v for sub in value for v in self.check(sub)]
        if kind == "any":
            collected: list[Violation] = []
            for sub in value:
                found = self.check(sub)
                if not found:
                    return []
                collected.extend(found)
            first = collected[0]
            reasons = "; ".join(dict.fromkeys(v.message for v in collected))
            return [Violation(f"none of the alternatives holds: {reasons}", first.pos, "any")]
        if kind == "not":
            if self.check(value):
                return []
            return [Violation(f"the rule forbids this, and it holds: {describe(value)}", self.record.pos, "not")]
        return list(self.registry.requirements[kind].check(value, self))


def describe(req: Any) -> str:
    """A compact, readable rendering of a requirement for messages."""
    if not isinstance(req, dict) or len(req) != 1:
        return str(req)
    (kind, value), = req.items()
    if kind in ("all", "any"):
        return f"{kind}({', '.join(describe(r) for r in value)})"
    if kind == "not":
        return f"not {describe(value)}"
    return f"{kind}: {value}"
