"""A loaded policy: rules, exceptions, settings and organisation licences, with their positions."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from openness_policy.plugin_types import RuleInfo
from openness_policy.sourcemap import Pos


@dataclass(frozen=True)
class Scope:
    """Which models a rule or exception covers (every condition given must hold)."""

    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    paths: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    models: tuple[str, ...] = ()

    def matches(self, record: Any) -> bool:
        if self.formats and record.format not in self.formats:
            return False
        if self.paths and not any(_glob(record.path, p) for p in self.paths):
            return False
        if self.models and not any(fnmatch.fnmatchcase(record.display_name, m) for m in self.models):
            return False
        for key, allowed in self.labels.items():
            fact = record.labels.get(key)
            if fact is None or str(fact.value) not in allowed:
                return False
        return True


def _glob(path: str, pattern: str) -> bool:
    """Glob on POSIX paths where ``**`` spans folders and ``*`` does not cross ``/`` (linear time)."""
    from openness_policy.globmatch import glob_match

    return glob_match(path, pattern)


@dataclass(frozen=True)
class Rule:
    """A policy rule: what it requires, of which models, when, and where it is written."""

    info: RuleInfo
    require: Any  # a requirement mapping (one kind -> value)
    scope: Scope
    when: Any | None
    pos: Pos


@dataclass(frozen=True)
class Waiver:
    """An exception from a policy file: a rule, which models, why, until when."""

    rule: str
    reason: str
    expires: str | None
    scope: Scope
    pos: Pos
    problem: str = ""  # why this exception is invalid (then it never applies)


@dataclass
class Policy:
    """Everything read from the policy files and templates of a run."""

    files: list[str] = field(default_factory=list)  # every file read, extends first
    rules: list[Rule] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    licenses: list[Any] = field(default_factory=list)  # LicenseRecord additions
    license_overrides: set[str] = field(default_factory=set)
    settings: dict[str, Any] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)  # rule id -> level override

    @property
    def empty(self) -> bool:
        return not self.rules
