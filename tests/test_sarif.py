"""SARIF: schema validity, the GitHub-profile lint, URIs, fingerprints, rules and suppressions."""
from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from reporter_cases import CASES, TRICKY_PATHS, basic, many, tricky
from sarif_lint import lint, uri_problems

from openness_policy.reporters import sarif

SCHEMA = Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


@pytest.fixture(scope="module")
def validator():
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def schema_errors(validator, doc: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]


def produce(report, **kw) -> dict:
    return json.loads(sarif.render(report, **kw))


def test_committed_schema_is_the_unmodified_oasis_file() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_committed_schema_matches_the_corpus_copy(corpus) -> None:
    assert corpus("sarif", "sarif-schema-2.1.0.json").read_bytes() == SCHEMA.read_bytes()


@pytest.mark.parametrize("include_suppressed", [False, True])
@pytest.mark.parametrize("case", sorted(CASES))
def test_valid_against_schema_and_github_profile(validator, case: str, include_suppressed: bool) -> None:
    doc = produce(CASES[case](), include_suppressed=include_suppressed)
    assert schema_errors(validator, doc) == []
    assert lint(doc, allow_suppressed=include_suppressed) == []


def test_schema_and_lint_can_fail(validator) -> None:
    doc = produce(basic())
    bad = copy.deepcopy(doc)
    bad["runs"][0]["results"][0]["level"] = "fatal"
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(schema_errors(validator, bad)) == 2
    assert any("region.startLine must be >= 1" in p for p in lint(bad))


BREAKAGES = {
    "duplicate rule ids": lambda run: run["tool"]["driver"]["rules"].append(copy.deepcopy(run["tool"]["driver"]["rules"][0])),
    "empty shortDescription.text": lambda run: run["tool"]["driver"]["rules"][0]["shortDescription"].update(text=" "),
    "empty help.text": lambda run: run["tool"]["driver"]["rules"][0]["help"].update(text=""),
    "tags (GitHub rejects": lambda run: run["tool"]["driver"]["rules"][0]["properties"].update(tags=list("abcdefghijklmnopqrstu")),
    "needs exactly one location, has 0": lambda run: run["results"][0].update(locations=[]),
    "needs exactly one location, has 2": lambda run: run["results"][0]["locations"].append(run["results"][0]["locations"][0]),
    "has a scheme": lambda run: _loc(run).update(uri="file:///repo/m.yaml"),
    "not properly percent-encoded": lambda run: _loc(run).update(uri="models/my model.yaml"),
    "colon in its first segment": lambda run: _loc(run).update(uri="1:b/c.yaml"),
    "primaryLocationLineHash": lambda run: run["results"][0]["partialFingerprints"].update(primaryLocationLineHash="x"),
    "suppressed result": lambda run: run["results"][0].update(suppressions=[{"kind": "external"}]),
    "does not point at rule": lambda run: run["results"][0].update(ruleIndex=99),
    "not in tool.driver.rules": lambda run: run["results"][0].update(ruleId="nope"),
    "results (limit 25000)": lambda run: run.update(results=run["results"] * (25_001 // len(run["results"]) + 1)),
}


def _loc(run: dict) -> dict:
    return run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]


@pytest.mark.parametrize("problem", sorted(BREAKAGES))
def test_lint_catches(problem: str) -> None:
    doc = produce(basic())
    assert lint(doc) == []
    BREAKAGES[problem](doc["runs"][0])
    assert any(problem in p for p in lint(doc)), lint(doc)[:5]


def test_lint_needs_one_run() -> None:
    doc = produce(basic())
    doc["runs"].append(copy.deepcopy(doc["runs"][0]))
    assert lint(doc) == ["needs exactly one run, has 2"]


@pytest.mark.parametrize("path, uri", [
    ("models/my model.openness.yaml", "models/my%20model.openness.yaml"),
    ("models/100%/x.openness.yaml", "models/100%25/x.openness.yaml"),
    ("models/#1.openness.yaml", "models/%231.openness.yaml"),
    ("models/modèle-é.openness.yaml", "models/mod%C3%A8le-%C3%A9.openness.yaml"),
    ("models/line\nbreak.yaml", "models/line%0Abreak.yaml"),
    ("C:odd/colon.yaml", "C%3Aodd/colon.yaml"),
    ("./a/../b/c.yaml", "b/c.yaml"),
    ("models\\win.yaml", "models/win.yaml"),
])
def test_uris_are_repo_relative_and_percent_encoded(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == (uri, True)
    assert uri_problems(uri) == []


def test_absolute_paths_become_file_uris_which_the_github_lint_rejects() -> None:
    assert sarif.artifact_uri("/tmp/x y.yaml") == ("file:///tmp/x%20y.yaml", False)
    assert sarif.artifact_uri("C:/w/x.yaml") == ("file:///C:/w/x.yaml", False)
    assert uri_problems("file:///tmp/x%20y.yaml")


def test_tricky_results_locations() -> None:
    run = produce(tricky())["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {sarif.artifact_uri(p)[0] for p in TRICKY_PATHS} | {"models/zero.yaml"}
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_fingerprints_are_ours_and_stable_across_line_moves() -> None:
    report = basic()
    run = produce(report)["runs"][0]
    for result, finding in zip(run["results"], sorted(report.findings, key=lambda f: f.sort_key())):
        assert result["partialFingerprints"] == {"opennessPolicy/v1": finding.fingerprint}
    moved = basic()
    for f in moved.findings:
        object.__setattr__(f, "pos", type(f.pos)(f.pos.file, f.pos.line + 5, f.pos.col, f.pos.key))
    assert sorted(r["partialFingerprints"]["opennessPolicy/v1"] for r in produce(moved)["runs"][0]["results"]) == \
           sorted(r["partialFingerprints"]["opennessPolicy/v1"] for r in run["results"])


def test_driver_rules_and_run_metadata() -> None:
    doc = produce(basic())
    assert doc["$schema"] and doc["version"] == "2.1.0" and len(doc["runs"]) == 1
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["semanticVersion"]) == ("openness-policy", "0.1.0", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    # every evaluated rule (no-competitor-training has only a suppressed finding) plus rules of results
    assert ids == sorted(["production-open-source", "no-competitor-training", "naming-clause",
                          "training-data-summary", "manifest-invalid"])
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    rule = driver["rules"][ids.index("production-open-source")]
    assert rule["helpUri"] == "https://opensource.org/ai/open-source-ai-definition"
    assert "[Reference](https://opensource.org/ai/open-source-ai-definition)" in rule["help"]["markdown"]
    assert rule["properties"]["problem.severity"] == "error" and rule["properties"]["precision"] == "very-high"
    assert rule["properties"]["tags"] == ["openness", "osaid", "compliance"]
    assert driver["rules"][ids.index("naming-clause")]["properties"]["problem.severity"] == "recommendation"
    assert run["automationDetails"]["id"] == "openness-policy/"
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["properties"]["notices"] == basic().notices
    assert "security-severity" not in json.dumps(doc) and "primaryLocationLineHash" not in json.dumps(doc)


def test_models_without_findings_have_no_results() -> None:
    run = produce(basic())["runs"][0]
    assert not [r for r in run["results"] if "olmo" in json.dumps(r)]
    assert len(run["results"]) == 4


def test_rule_texts_fall_back_and_tags_are_capped() -> None:
    rules = produce(tricky())["runs"][0]["tool"]["driver"]["rules"]
    bare = next(r for r in rules if r["id"] == "bare-rule")
    assert bare["shortDescription"]["text"] == bare["fullDescription"]["text"] == "bare-rule"
    assert bare["help"]["text"] == "bare-rule"
    assert bare["properties"]["tags"] == [f"t{i}" for i in range(10)]


def test_suppressed_left_out_by_default_and_marked_when_included() -> None:
    assert [r for r in produce(tricky())["runs"][0]["results"] if "suppressions" in r] == []
    results = produce(tricky(), include_suppressed=True)["runs"][0]["results"]
    sup = [r["suppressions"][0] for r in results if "suppressions" in r]
    assert sup == [
        {"kind": "inSource", "status": "accepted", "justification": "inline: vendor | confirmed\nin writing"},
        {"kind": "external", "status": "accepted", "justification": "baseline"},
    ]
    exc = produce(basic(), include_suppressed=True)["runs"][0]["results"]
    assert [r["suppressions"][0]["kind"] for r in exc if "suppressions" in r] == ["external"]


def test_category_sets_automation_id() -> None:
    assert produce(basic(), category="openness-policy/prod")["runs"][0]["automationDetails"]["id"] == \
           "openness-policy/prod/"


def test_large_report_is_valid_and_fast_enough(validator) -> None:
    doc = produce(many(3000, 2000, 1000))
    assert len(doc["runs"][0]["results"]) == 6000
    assert lint(doc) == []


def test_help_uri_is_a_valid_link_or_left_out() -> None:
    from openness_policy.plugin_types import RuleInfo

    spaced = sarif.rule_descriptor(RuleInfo("r", "T", "D", "H", help_uri="https://example.org/a b (c)"))
    assert spaced["helpUri"] == "https://example.org/a%20b%20%28c%29"
    assert spaced["help"]["markdown"].endswith("[Reference](https://example.org/a%20b%20%28c%29)")
    prose = sarif.rule_descriptor(RuleInfo("r", "T", "D", "H", help_uri="Regulation (EU) 2024/1689, Art. 53"))
    assert "helpUri" not in prose and prose["help"]["markdown"].endswith("See: Regulation (EU) 2024/1689, Art. 53")
