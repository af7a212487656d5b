"""Findings and the report every reporter renders."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy.plugin_types import RuleInfo
from openness_policy.sourcemap import Pos

LEVELS = ("note", "warning", "error")  # ascending severity


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


@dataclass(slots=True)
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
        raw = "\x1f".join((self.rule.id, self.manifest, self.model or "", self.pos.key, self.key))
        return (_SHA256[0] if _SHA256 else _sha256())(raw.encode()).hexdigest()[:32]

    def sort_key(self) -> tuple:
        pos = self.pos
        return (pos.file, pos.line, pos.col, self.rule.id, self.message)

    def order_key(self) -> tuple:
        """``sort_key`` then the fingerprint: the order every reporter lists findings in."""
        pos = self.pos
        return (pos.file, pos.line, pos.col, self.rule.id, self.message, self.fingerprint)


_SHA256: list = []  # hashlib.sha256, imported on first use


def _sha256() -> Any:
    import hashlib

    _SHA256.append(hashlib.sha256)
    return hashlib.sha256


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
        if threshold < 0:
            return list(self.findings)
        at_least = LEVELS[threshold:]  # the levels ranked at or above the threshold
        return [f for f in self.findings if f.level in at_least]

    def counts(self) -> dict[str, int]:
        out = {lvl: 0 for lvl in reversed(LEVELS)}
        for f in self.findings:
            out[f.level] = out.get(f.level, 0) + 1
        return out
