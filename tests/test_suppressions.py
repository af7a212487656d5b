"""Inline suppressions: ``# openness-policy: ignore RULE reason="..." [expires=...]`` in every YAML-based
format (and the native ``suppressions:`` key), with a mandatory reason and an optional expiry.

Suppressed findings are listed in text and JSON output and left out of the SARIF meant for GitHub.
"""
from __future__ import annotations

import json

import pytest

from gitfixture import run_cli
from openness_policy.suppress_comments import scan

POLICY = """\
version: 1
rules:
  - id: owner-required
    title: Every model names an owner
    description: Each manifest names the team accountable for the model.
    help: Add `owner:`.
    severity: error
    require:
      fields: [labels.owner]
"""
NATIVE = "openness: 1\nname: m\nlicense: mit\n{comment}\nweights: {{released: true}}\n"
TODAY = "2026-06-01"


def _write(tmp_path, name: str, text: str):
    (tmp_path / ".openness-policy.yaml").write_text(POLICY)
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _eval(tmp_path, monkeypatch, capsys, *args):
    code, out, err = run_cli(tmp_path, "eval", "--today", TODAY, *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code in (0, 1), err
    return code, out


def _json(tmp_path, monkeypatch, capsys):
    code, out = _eval(tmp_path, monkeypatch, capsys, "--format", "json")
    return code, json.loads(out)


@pytest.mark.parametrize("line, rule, reason, expires", [
    ('# openness-policy: ignore owner-required reason="team pending"', "owner-required", "team pending", None),
    ("  #openness-policy:ignore a.b-c reason='x y' expires=2030-01-31", "a.b-c", "x y", "2030-01-31"),
    ('name: m  # openness-policy: ignore r reason=short', "r", "short", None),
    ('<!-- openness-policy: ignore r reason="in Markdown" -->', "r", "in Markdown", None),
    ("# openness-policy: ignore r", "r", "", None),  # no reason: read, then reported by the engine
])
def test_scan_reads_a_suppression(line, rule, reason, expires):
    (sup,), problems = scan(f"openness: 1\n{line}\n", "f.yaml")
    assert (sup.rule, sup.reason, sup.expires, sup.pos.line) == (rule, reason, expires, 2)
    assert problems == []


@pytest.mark.parametrize("line, says", [
    ("# openness-policy: ignore", "names no rule id"),
    ('# openness-policy: ignore reason="x"', "names no rule id"),
    ('# openness-policy: ignore r reason="x" until=2030-01-01', "unexpected `until=`"),
    ('# openness-policy: ignore r reason="unclosed', "cannot read"),
])
def test_scan_reports_a_malformed_comment(line, says):
    sups, (problem,) = scan(f"a: 1\n{line}\n", "f.yaml")
    assert sups == [] and problem.rule == "suppression-invalid" and says in problem.message
    assert problem.pos.line == 2


def test_scan_ignores_look_alikes():
    text = "url: https://example.com/#openness-policy: ignore r\n# openness-policy: checked weekly\n"
    assert scan(text, "f.yaml") == ([], [])


def test_comment_suppression_hides_the_finding_and_lists_it(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml",
           NATIVE.format(comment='# openness-policy: ignore owner-required reason="owner named in CODEOWNERS"'))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert code == 0 and doc["findings"] == []
    (sup,) = doc["suppressed"]
    assert sup["rule"] == "owner-required" and "owner named in CODEOWNERS" in sup["suppression"]["reason"]
    code, text = _eval(tmp_path, monkeypatch, capsys)
    assert "Suppressed (1)" in text and "owner named in CODEOWNERS" in text
    code, sarif = _eval(tmp_path, monkeypatch, capsys, "--format", "sarif")
    results = json.loads(sarif)["runs"][0]["results"]
    assert all(r["ruleId"] != "owner-required" for r in results)  # GitHub would open alerts for them


def test_suppression_with_a_future_expiry_applies(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml",
           NATIVE.format(comment='# openness-policy: ignore owner-required reason="x" expires=2026-12-31'))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert code == 0 and [f["rule"] for f in doc["suppressed"]] == ["owner-required"]


def test_expired_suppression_fails_closed(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml",
           NATIVE.format(comment='# openness-policy: ignore owner-required reason="x" expires=2026-01-31'))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    rules = sorted(f["rule"] for f in doc["findings"])
    assert code == 1 and rules == ["owner-required", "suppression-expired"]
    (expired,) = [f for f in doc["findings"] if f["rule"] == "suppression-expired"]
    assert expired["line"] == 4 and "2026-01-31" in expired["message"]


def test_suppression_without_a_reason_does_not_apply(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml", NATIVE.format(comment="# openness-policy: ignore owner-required"))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert code == 1 and sorted(f["rule"] for f in doc["findings"]) == ["owner-required", "suppression-invalid"]


def test_malformed_comment_is_a_finding_at_its_line(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml", NATIVE.format(comment='# openness-policy: ignore reason="forgot the rule"'))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    (bad,) = [f for f in doc["findings"] if f["rule"] == "suppression-invalid"]
    assert bad["line"] == 4 and "names no rule id" in bad["message"]


def test_native_extension_key_still_works(tmp_path, monkeypatch, capsys):
    _write(tmp_path, "m.openness.yaml", NATIVE.format(
        comment='suppressions:\n  - {rule: owner-required, reason: "tracked in ML-7", expires: 2026-12-31}'))
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert code == 0 and [f["rule"] for f in doc["suppressed"]] == ["owner-required"]


def test_hf_card_front_matter_and_markdown_comment(tmp_path, monkeypatch, capsys):
    card = ("---\nlicense: mit\n# openness-policy: ignore owner-required reason=\"the hub org owns it\"\n---\n\n"
            "# A card\n")
    _write(tmp_path, "cards/a/README.md", card)
    body = ("---\nlicense: mit\n---\n\n# B card\n\n"
            "<!-- openness-policy: ignore owner-required reason=\"owned by the hub org\" -->\n")
    _write(tmp_path, "cards/b/README.md", body)
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert sorted(f["path"] for f in doc["suppressed"] if f["rule"] == "owner-required") == [
        "cards/a/README.md", "cards/b/README.md"]
    assert not [f for f in doc["findings"] if f["rule"] in ("owner-required", "suppression-invalid")]
    (a,) = [f for f in doc["suppressed"] if f["path"] == "cards/a/README.md"]
    assert "the hub org owns it" in a["suppression"]["reason"]


def test_mot_yaml_comment(tmp_path, monkeypatch, capsys):
    mot = ("# openness-policy: ignore owner-required reason=\"MOT entries have no owner field\"\n"
           "framework:\n  name: Model Openness Framework\n  version: '1.0'\n  date: '2024-12-15'\n"
           "release:\n  name: mot-model\n  version: '1'\n  date: '2025-01-01'\n  type: language\n"
           "  architecture: transformer\n  producer: x\n  license:\n    distribution:\n      name: Apache-2.0\n"
           "  components:\n    - name: Model parameters (Final)\n      description: weights\n")
    _write(tmp_path, "mot/mot-model.yml", mot)
    code, doc = _json(tmp_path, monkeypatch, capsys)
    assert [m["format"] for m in doc["models"]] == ["mot"]
    assert [f["rule"] for f in doc["suppressed"]] == ["owner-required"]
