"""Policy unit tests: fixture manifests with the findings they must and must not produce.

A test folder holds cases; a case is any folder with an ``expect.yaml`` (the idea of semgrep's
``ruleid:``/``ok:`` markers and ``conftest verify``)::

    templates: [eu-ai-act-gpai]        # built-in templates to apply
    policies: [policy.yaml]            # and/or policy files, relative to this folder, inside the repository
    today: 2026-03-01                  # the evaluation date (default: --today, else the real date)
    manifests:
      - file: open.openness.yaml
        must: [eu-ai-act.art53.1.c-copyright-policy, {rule: R, level: note, count: 1, message: "text"}]
        must_not: [eu-ai-act.art53.1.a-technical-documentation]

Manifests may also carry markers in comments: ``# ruleid: R`` (R must be reported on the next line
that is not a comment) and ``# ok: R`` (R must not be reported on that line). Only the rules named
are checked; any other finding is allowed. A rule id that the case's policy does not define (nor a
built-in check) is a broken test, as are a missing manifest or a malformed ``expect.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openness_policy.errors import UserError

EXPECT = "expect.yaml"
_MARKER = re.compile(r"^\s*#\s*(ruleid|ok)\s*:\s*([A-Za-z0-9][A-Za-z0-9._/-]*)\s*$")
_ITEM = {"anyOf": [{"type": "string", "minLength": 1}, {
    "type": "object", "required": ["rule"], "additionalProperties": False, "properties": {
        "rule": {"type": "string", "minLength": 1}, "level": {"enum": ["error", "warning", "note"]},
        "count": {"type": "integer", "minimum": 0}, "message": {"type": "string"}}}]}
SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["manifests"], "properties": {
        "description": {"type": "string"},
        "templates": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "policies": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "today": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "manifests": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["file"], "additionalProperties": False, "properties": {
                "file": {"type": "string", "minLength": 1}, "must": {"type": "array", "items": _ITEM},
                "must_not": {"type": "array", "items": _ITEM}}}}}}


class BadTest(UserError):
    """The test folder itself is broken (exit 2), as opposed to a failing expectation (exit 1)."""


@dataclass(frozen=True)
class Expect:
    rule: str
    level: str | None = None
    count: int | None = None
    message: str | None = None
    line: int | None = None  # from an inline marker

    def matches(self, f: Any) -> bool:
        return (f.rule.id == self.rule and (self.level is None or f.level == self.level)
                and (self.message is None or self.message in f.message)
                and (self.line is None or f.pos.line == self.line))

    def __str__(self) -> str:
        extra = []
        if self.level:
            extra.append(f"level {self.level}")
        if self.count is not None:
            extra.append(f"count {self.count}")
        if self.message:
            extra.append(f"message contains {self.message!r}")
        if self.line:
            extra.append(f"line {self.line}")
        return self.rule + (f" ({', '.join(extra)})" if extra else "")


@dataclass
class ManifestCase:
    file: Path
    must: list[Expect] = field(default_factory=list)
    must_not: list[Expect] = field(default_factory=list)


@dataclass
class Case:
    folder: Path
    repo: Path  # the repository (git work tree) holding the tests: files may not come from outside it
    name: str
    templates: list[str]
    policies: list[Path]
    today: str | None
    manifests: list[ManifestCase]


@dataclass
class Outcome:
    case: Case
    manifest: str  # display path
    today: str
    failures: list[str]
    findings: list[Any]
    applied: set[str]  # rules whose scope and `when` held for this manifest's models
    passed_must: set[str] = field(default_factory=set)
    held_must_not: set[str] = field(default_factory=set)


@dataclass
class Result:
    outcomes: list[Outcome]
    rules: dict[str, Any]  # rule id -> RuleInfo, for every rule of the policies under test

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.failures]

    def coverage(self) -> dict[str, tuple[int, int]]:
        """Rule id -> (failing fixtures asserted with `must`, passing fixtures asserted with `must_not`)."""
        cov = {rid: [0, 0] for rid in self.rules}
        for o in self.outcomes:
            for rid in o.passed_must & set(cov):
                cov[rid][0] += 1
            for rid in o.held_must_not & o.applied & set(cov):
                cov[rid][1] += 1
        return {rid: (a, b) for rid, (a, b) in cov.items()}

    def uncovered(self) -> list[str]:
        return sorted(rid for rid, (fail, ok) in self.coverage().items() if not fail or not ok)


def discover(root: Path) -> list[Case]:
    if not root.is_dir():
        raise BadTest(f"{root}: not a folder of policy tests")
    files = sorted(p for p in root.rglob(EXPECT) if p.is_file())
    if not files:
        raise BadTest(f"{root}: no {EXPECT} found; each test case is a folder with an {EXPECT}")
    from openness_policy.discover import find_root

    repo = find_root(root)
    return [parse_case(p, root, repo) for p in files]


def parse_case(path: Path, root: Path, repo: Path) -> Case:
    from openness_policy.validation import describe
    from openness_policy.yamlload import YamlError, load_yaml
    import jsonschema

    name = path.parent.relative_to(root).as_posix() or "."
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"), f"{name}/{EXPECT}")
    except (OSError, UnicodeDecodeError, YamlError) as exc:
        raise BadTest(f"{name}/{EXPECT}: cannot read: {exc}") from None
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc.data))
    if errors:
        err = min(errors, key=lambda e: len(e.absolute_path))
        raise BadTest(f"{doc.pos(*err.absolute_path)}: {describe(err)}")
    data = doc.data
    if not data.get("templates") and not data.get("policies"):
        raise BadTest(f"{name}/{EXPECT}: name the `templates` and/or `policies` to test")
    policies = [_inside(path.parent / p, repo, f"{name}/{EXPECT}: policy {p}") for p in data.get("policies", [])]
    manifests = []
    for item in data["manifests"]:
        file = _inside(path.parent / item["file"], repo, f"{name}/{EXPECT}: manifest {item['file']}")
        case = ManifestCase(file, [_expect(x) for x in item.get("must", [])],
                            [_expect(x) for x in item.get("must_not", [])])
        _markers(case)
        manifests.append(case)
    return Case(path.parent, repo.resolve(), name, list(data.get("templates", [])), policies, data.get("today"),
                manifests)


def _inside(path: Path, repo: Path, what: str) -> Path:
    resolved = path.resolve()
    if not resolved.is_relative_to(repo.resolve()):
        raise BadTest(f"{what} is outside the repository ({repo})")
    if not resolved.is_file():
        raise BadTest(f"{what} not found")
    return resolved


def _expect(item: Any) -> Expect:
    if isinstance(item, str):
        return Expect(item)
    return Expect(item["rule"], item.get("level"), item.get("count"), item.get("message"))


def _markers(case: ManifestCase) -> None:
    """Add the ``# ruleid:`` / ``# ok:`` markers of a manifest, each bound to the next non-comment line."""
    try:
        lines = case.file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    pending: list[tuple[str, str]] = []
    for number, text in enumerate(lines, 1):
        m = _MARKER.match(text)
        if m:
            pending.append((m.group(1), m.group(2)))
            continue
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        for kind, rule in pending:
            (case.must if kind == "ruleid" else case.must_not).append(Expect(rule, line=number))
        pending = []


def run(cases: list[Case], registry: Any, today: str | None = None) -> Result:
    from openness_policy.policy.testing_eval import evaluate_case

    outcomes: list[Outcome] = []
    rules: dict[str, Any] = {}
    for case in cases:
        got, case_rules = evaluate_case(case, registry, today)
        outcomes.extend(got)
        rules.update(case_rules)
    return Result(outcomes, rules)
