"""`openness-policy test`: policy unit tests with must / must_not expectations and inline markers.

Exit 0 when every expectation holds, 1 with a readable diff when one fails, 2 for a broken test folder.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from openness_policy.cli import main
from openness_policy.cli.template_cmds import run_tests

POLICY = """\
version: 1
rules:
  - id: needs-owner
    title: Every model names its owner
    help: Set `owner`.
    severity: error
    require: {fields: [labels.owner]}
  - id: production-open
    severity: warning
    scope: {labels: {stage: production}}
    require: {openness: open-weights}
"""
OWNED = "openness: 1\nname: owned\nowner: ml@example.com\nlicense: Apache-2.0\nweights: {released: true}\n"
ORPHAN = "openness: 1\nname: orphan\nlabels: {stage: production}\nweights: {released: false}\n"
OPEN_PROD = "openness: 1\nname: open-prod\nowner: ml@example.com\nlabels: {stage: production}\nlicense: MIT\n" \
            "weights: {released: true}\n"


def case(root: Path, name: str, expect: str, files: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "expect.yaml").write_text(expect, encoding="utf-8")
    for fname, text in files.items():
        (folder / fname).write_text(text, encoding="utf-8")
    return folder


def good_suite(root: Path) -> Path:
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    case(root, "owners", """\
policies: [../policy.yaml]
today: "2026-01-01"
manifests:
  - file: owned.openness.yaml
    must_not: [needs-owner, production-open]
  - file: orphan.openness.yaml
    must:
      - {rule: needs-owner, level: error, count: 1, message: "labels.owner"}
      - {rule: production-open, level: warning}
  - file: open-prod.openness.yaml
    must_not: [production-open]
""", {"owned.openness.yaml": OWNED, "orphan.openness.yaml": ORPHAN, "open-prod.openness.yaml": OPEN_PROD})
    return root


def test_a_passing_suite_exits_0_and_reports_coverage(tmp_path, capsys) -> None:
    good_suite(tmp_path)
    assert main(["test", str(tmp_path), "--require-coverage"]) == 0
    out = capsys.readouterr().out
    assert "3 passed, 0 failed" in out
    assert "coverage: 2 of 2 rules have a failing and a passing fixture" in out


def test_the_builtin_fixtures_run_with_no_argument(capsys) -> None:
    assert main(["test", "--require-coverage"]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out and "93 of 93 rules" in out


def test_a_failing_expectation_exits_1_with_a_readable_diff(tmp_path, capsys) -> None:
    root = good_suite(tmp_path)
    (root / "owners" / "expect.yaml").write_text("""\
policies: [../policy.yaml]
manifests:
  - file: owned.openness.yaml
    must: [needs-owner]
  - file: orphan.openness.yaml
    must: [{rule: production-open, level: error}]
    must_not: [needs-owner]
""")
    assert main(["test", str(root)]) == 1
    out = capsys.readouterr().out
    assert "FAIL owners :: owned.openness.yaml" in out
    assert "- expected needs-owner: not reported" in out
    assert "- expected production-open (level error): not reported" in out
    assert "reported instead: production-open warning at line 4: orphan: openness level is closed" in out
    assert "+ unexpected needs-owner:" in out and "needs-owner error at line 3: orphan: required field `labels.owner`" in out
    assert "0 passed, 2 failed" in out


def test_a_rule_whose_scope_does_not_hold_is_explained(tmp_path, capsys) -> None:
    root = good_suite(tmp_path)
    expect = root / "owners" / "expect.yaml"
    expect.write_text(expect.read_text().replace("must_not: [needs-owner, production-open]", "must: [production-open]"))
    assert main(["test", str(root)]) == 1
    assert "the rule did not apply to this model: its scope or `when` did not hold" in capsys.readouterr().out


def test_inline_markers_bind_to_the_next_line(tmp_path, capsys) -> None:
    (tmp_path / "policy.yaml").write_text(
        "version: 1\nrules:\n  - id: no-nc\n    require: {license-clauses: {forbid: [non-commercial]}}\n", encoding="utf-8")
    manifest = "openness: 1\nname: nc\n# a comment between marker and line is skipped\n# ruleid: no-nc\n\n" \
               "license: cc-by-nc-4.0\n# ok: no-nc\nweights: {released: true}\n"
    case(tmp_path, "markers", "policies: [../policy.yaml]\nmanifests:\n  - file: nc.openness.yaml\n",
         {"nc.openness.yaml": manifest})
    assert main(["test", str(tmp_path)]) == 0
    capsys.readouterr()
    (tmp_path / "markers" / "nc.openness.yaml").write_text(manifest.replace("# ruleid: no-nc\n\nlicense", "license")
                                                           .replace("# ok: no-nc\n", "# ruleid: no-nc\n"))
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "- expected no-nc (line 6): not reported" in out and "reported instead: no-nc error at line 4" in out


@pytest.mark.parametrize("expect, files, message", [
    (None, {}, "no expect.yaml found"),
    ("policies: [../policy.yaml]\nmanifests: []\n", {}, "manifests"),
    ("policies: [../policy.yaml]\nmanifests:\n  - file: gone.openness.yaml\n", {}, "gone.openness.yaml not found"),
    ("manifests:\n  - file: m.openness.yaml\n", {"m.openness.yaml": OWNED}, "name the `templates` and/or `policies`"),
    ("templates: [nope]\nmanifests:\n  - file: m.openness.yaml\n", {"m.openness.yaml": OWNED},
     "unknown template 'nope'; known templates: ca-ab-2013"),
    ("policies: [../policy.yaml]\nmanifests:\n  - file: m.openness.yaml\n    must: [neds-owner]\n",
     {"m.openness.yaml": OWNED}, "names rule(s) the policy does not define: neds-owner"),
    ("policies: [../policy.yaml]\nmanifests:\n  - file: ../../outside.openness.yaml\n", {},
     "is outside the repository"),
    ("policies: [../policy.yaml]\nmanifests:\n  - file: notes.txt\n", {"notes.txt": "hello\n"},
     "notes.txt is not a manifest of any known format"),
    ("policies: [../policy.yaml]\ntoday: 2026-1-1\nmanifests:\n  - file: m.openness.yaml\n", {"m.openness.yaml": OWNED},
     "case/expect.yaml:2:1: today: '2026-1-1' does not match"),
    ("policies: [../policy.yaml]\nmanifests: [\n", {}, "cannot read"),
])
def test_a_broken_test_folder_exits_2(tmp_path, capsys, expect, files, message) -> None:
    root = tmp_path / "suite"
    root.mkdir()
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "outside.openness.yaml").write_text(OWNED, encoding="utf-8")
    if expect is not None:
        case(root, "case", expect, files)
    assert main(["test", str(root)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_missing_folder_exits_2(tmp_path, capsys) -> None:
    assert main(["test", str(tmp_path / "nowhere")]) == 2
    assert "not a folder of policy tests" in capsys.readouterr().err


def test_require_coverage_fails_when_a_rule_lacks_a_fixture(tmp_path) -> None:
    root = good_suite(tmp_path)
    expect = root / "owners" / "expect.yaml"
    expect.write_text(expect.read_text().replace("must: [needs-owner]", "must: []").replace(
        "      - {rule: needs-owner, level: error, count: 1, message: \"labels.owner\"}\n", ""))
    code, text = run_tests(str(root), None, verbose=False, require_coverage=True)
    assert code == 1 and "needs-owner: no failing (must) fixture" in text
    code, _ = run_tests(str(root), None, verbose=False, require_coverage=False)
    assert code == 0


def test_a_must_not_on_a_rule_that_does_not_apply_is_not_a_passing_fixture(tmp_path) -> None:
    root = good_suite(tmp_path)
    expect = root / "owners" / "expect.yaml"  # production-open's scope needs stage=production: owned is not
    expect.write_text(expect.read_text().replace("    must_not: [production-open]\n", "    must_not: [needs-owner]\n"))
    code, text = run_tests(str(root), None, verbose=False, require_coverage=True)
    assert code == 1 and "production-open: no passing (must_not) fixture" in text


def test_json_output_and_today_default(tmp_path, capsys) -> None:
    root = good_suite(tmp_path)
    expect = root / "owners" / "expect.yaml"
    expect.write_text(expect.read_text().replace('today: "2026-01-01"\n', ""))
    assert main(["test", str(root), "--today", "2024-05-05", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["passed"] == 3 and doc["failed"] == 0
    assert {r["today"] for r in doc["results"]} == {"2024-05-05"}
    assert doc["coverage"]["needs-owner"] == {"failing": 1, "passing": 1}


def test_the_builtin_fixtures_catch_a_broken_template_rule(tmp_path, monkeypatch) -> None:
    """The runner can fail: a template rule that stops firing makes its fixture fail."""
    import shutil

    from openness_policy.plugin_types import Template
    from openness_policy.plugins import load_registry
    from openness_policy.policy.testing import discover, run
    from tests.conftest import REPO

    src = REPO / "policies" / "templates"
    broken = tmp_path / "ca-ab-2013.yaml"
    broken.write_text((src / "ca-ab-2013.yaml").read_text().replace("regulatory.ab2013.sources_owners",
                                                                    "regulatory.release_date"))
    registry = load_registry(entry_points=False)
    registry.templates["ca-ab-2013"] = Template("ca-ab-2013", broken, "")
    shutil.copytree(src / "tests" / "ca-ab-2013", tmp_path / "tests")
    result = run(discover(tmp_path / "tests"), registry)
    failures = "\n".join(x for o in result.failed for x in o.failures)
    assert "expected ca-ab2013.3111.a.1-sources-owners: not reported" in failures


def test_a_repository_policy_is_tested_from_a_tests_folder(tmp_path, capsys) -> None:
    """The usual layout: the policy at the repository root, its tests in policy-tests/."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".openness-policy.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "orphan.openness.yaml").write_text(ORPHAN, encoding="utf-8")
    case(tmp_path / "policy-tests", "owners", """\
policies: [../../.openness-policy.yaml]
manifests:
  - file: ../../models/orphan.openness.yaml
    must: [needs-owner]
""", {})
    assert main(["test", str(tmp_path / "policy-tests")]) == 0
    assert "ok   owners :: orphan.openness.yaml" in capsys.readouterr().out
    (tmp_path / "policy-tests" / "owners" / "expect.yaml").write_text(
        "policies: [../../../elsewhere.yaml]\nmanifests:\n  - file: ../../models/orphan.openness.yaml\n")
    (tmp_path.parent / "elsewhere.yaml").write_text(POLICY, encoding="utf-8")
    assert main(["test", str(tmp_path / "policy-tests")]) == 2
    assert "policy ../../../elsewhere.yaml is outside the repository" in capsys.readouterr().err
