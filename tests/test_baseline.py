"""Baseline files: ``--write-baseline FILE`` then ``--baseline FILE``, matched by fingerprint, not line."""
from __future__ import annotations

import json
import shutil

import pytest

from gitfixture import BASE_REPO, run_cli, run_json

BETA = "models/beta/beta.openness.yaml"
ALPHA = "models/alpha/alpha.openness.yaml"


@pytest.fixture
def repo(tmp_path):
    dest = tmp_path / "repo"
    shutil.copytree(BASE_REPO, dest, ignore=shutil.ignore_patterns("SOURCE.md"))
    return dest


def test_round_trip(repo, monkeypatch, capsys):
    code, before = run_json(repo, "--fail-on", "warning", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and {f["path"] for f in before["findings"]} == {BETA, "models/gamma/README.md"}

    code, out, err = run_cli(repo, "eval", "--fail-on", "warning", "--write-baseline", "ci/baseline.json",
                             monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0, err
    assert "wrote 2 accepted findings to the baseline ci/baseline.json" in out
    doc = json.loads((repo / "ci" / "baseline.json").read_text())
    assert doc["version"] == 1
    entries = doc["findings"]
    assert [(e["path"], e["rule"]) for e in entries] == sorted((e["path"], e["rule"]) for e in entries)
    assert {e["fingerprint"] for e in entries} == {f["fingerprint"] for f in before["findings"]}
    assert all("line" not in e for e in entries)
    text = (repo / "ci" / "baseline.json").read_text()
    run_cli(repo, "eval", "--write-baseline", "ci/again.json", monkeypatch=monkeypatch, capsys=capsys)
    assert (repo / "ci" / "again.json").read_text() == text  # deterministic

    code, after = run_json(repo, "--fail-on", "warning", "--baseline", "ci/baseline.json", monkeypatch=monkeypatch,
                           capsys=capsys)
    assert code == 0 and after["findings"] == []
    assert sorted(f["path"] for f in after["suppressed"]) == sorted(f["path"] for f in before["findings"])
    assert {f["suppression"]["kind"] for f in after["suppressed"]} == {"baseline"}


def test_moving_lines_does_not_resurrect_accepted_findings(repo, monkeypatch, capsys):
    run_cli(repo, "eval", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    path = repo / BETA
    path.write_text("# a new comment block\n# pushes every line down\n\n" + path.read_text()
                    .replace("license: mit", "version: '2'\nlicense: mit"))
    code, doc = run_json(repo, "--fail-on", "warning", "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 0 and doc["findings"] == []
    (moved,) = [f for f in doc["suppressed"] if f["path"] == BETA]
    assert moved["line"] == 7  # the finding moved from line 4, and is still accepted


def test_a_new_finding_is_not_hidden(repo, monkeypatch, capsys):
    run_cli(repo, "eval", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    path = repo / ALPHA
    path.write_text(path.read_text().replace("owner: alpha-team@example.com\n", ""))
    code, doc = run_json(repo, "--fail-on", "warning", "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 1 and [(f["rule"], f["path"]) for f in doc["findings"]] == [("owner-required", ALPHA)]


def test_refresh_drops_fixed_entries_and_says_so(repo, monkeypatch, capsys):
    run_cli(repo, "eval", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    path = repo / BETA
    path.write_text(path.read_text().replace("name: beta", "name: beta\nowner: beta@example.com"))
    code, doc = run_json(repo, "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    assert any("1 baseline entry in b.json no longer matches any finding" in n for n in doc["notices"])
    run_cli(repo, "eval", "--baseline", "b.json", "--write-baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    entries = json.loads((repo / "b.json").read_text())["findings"]
    assert [e["path"] for e in entries] == ["models/gamma/README.md"]


@pytest.mark.parametrize("content, says", [
    (None, "baseline file not found; create it with --write-baseline"),
    ("{not json", "not valid JSON"),
    ('{"version": 99, "findings": []}', "not an openness-policy baseline"),
    ('{"version": 1, "findings": [{"rule": "x"}]}', "has no fingerprint"),
])
def test_bad_baseline_file_exits_2(repo, monkeypatch, capsys, content, says):
    if content is not None:
        (repo / "b.json").write_text(content)
    code, out, err = run_cli(repo, "eval", "--baseline", "b.json", monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and says in err


def test_write_baseline_refuses_a_partial_run(repo, monkeypatch, capsys):
    code, out, err = run_cli(repo, "eval", "--diff-base", "main", "--write-baseline", "b.json",
                             monkeypatch=monkeypatch, capsys=capsys)
    assert code == 2 and "--write-baseline needs a full run" in err


def test_exit_zero(repo, monkeypatch, capsys):
    code, out, err = run_cli(repo, "eval", "--fail-on", "warning", "--exit-zero", monkeypatch=monkeypatch,
                             capsys=capsys)
    assert code == 0 and "owner-required" in out
