"""Findings and the report every reporter renders."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy.plugin_types import RuleInfo
from openness_policy.sourcemap import Pos

LEVELS = ("note", "warning", "error")  # ascending severity


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass
class Finding:
    rule: RuleInfo
    level: str  # error | warning | note (after overrides and dates)
    message: str
    pos: Pos
    manifest: str  # the manifest's display path
    model: str | None = None  # the model's display name
    key: str = ""  # extra identity when one rule yields several findings on one model
    suppressed_by: str | None = None  # "inline: <reason>" | "exception: <reason>" | "baseline"
    properties: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Stable identity: rule, manifest, model and manifest key path — never the line number."""
        import hashlib

        raw = "\x1f".join((self.rule.id, self.manifest, self.model or "", self.pos.key, self.key))
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (self.pos.file, self.pos.line, self.pos.col, self.rule.id, self.message)


@dataclass
class ModelResult:
    """One model's verdicts, as shown by `classify` and carried in reports."""

    record: Any  # ModelRecord
    classification: Any  # Classification


@dataclass
class Report:
    findings: list[Finding]  # not suppressed
    suppressed: list[Finding]
    models: list[ModelResult]
    rules: dict[str, RuleInfo]  # every rule evaluated, by id
    files: int = 0  # manifests read
    notices: list[str] = field(default_factory=list)  # run-level notes (e.g. a changed policy file)
    fail_on: str = "error"
    tool_version: str = ""

    def failing(self) -> list[Finding]:
        if self.fail_on == "none":
            return []
        threshold = level_rank(self.fail_on)
        return [f for f in self.findings if level_rank(f.level) >= threshold]

    def counts(self) -> dict[str, int]:
        out = {lvl: 0 for lvl in reversed(LEVELS)}
        for f in self.findings:
            out[f.level] = out.get(f.level, 0) + 1
        return out
