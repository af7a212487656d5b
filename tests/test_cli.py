"""CLI contracts: exit codes 0/1/2, messages for bad input, no tracebacks, help matches the README."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from openness_policy.cli import main

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "examples" / "demo"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    shutil.copytree(DEMO, tmp_path / "demo")
    monkeypatch.chdir(tmp_path / "demo")
    return tmp_path / "demo"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_exit_0_when_nothing_at_threshold(demo, capsys):
    code, out, _ = run(capsys, "eval", "--fail-on", "none")
    assert code == 0 and "production-open-weights-data" in out


def test_exit_1_on_findings(demo, capsys):
    code, out, _ = run(capsys, "eval")
    assert code == 1
    assert "licence llama3 §1.b.v" in out


def test_exit_0_when_only_warnings_below_threshold(demo, capsys):
    code, _, _ = run(capsys, "eval", "models/cedar-vision")
    assert code == 0  # only a warning (staging-mof-class-3)
    code, _, _ = run(capsys, "eval", "models/cedar-vision", "--fail-on", "warning")
    assert code == 1


def test_exit_2_missing_path(demo, capsys):
    code, _, err = run(capsys, "eval", "no/such/dir")
    assert code == 2 and "no/such/dir: no such file or directory" in err


def test_exit_2_unknown_template(demo, capsys):
    code, _, err = run(capsys, "eval", "--template", "no-such-template")
    assert code == 2 and "unknown template 'no-such-template'" in err and "known templates:" in err


def test_exit_2_bad_policy_syntax(demo, capsys):
    Path(".openness-policy.yaml").write_text("version: 1\nrules:\n  - id: x\n    require: {openness: [\n")
    code, _, err = run(capsys, "eval")
    assert code == 2 and re.search(r"\.openness-policy\.yaml:\d+:\d+: not valid YAML", err)


def test_exit_2_policy_wrong_type_names_json_path(demo, capsys):
    Path(".openness-policy.yaml").write_text("version: 1\nrules:\n  - id: x\n    severity: fatal\n    require: {osaid: true}\n")
    code, _, err = run(capsys, "eval")
    assert code == 2
    assert ".openness-policy.yaml:4:5:" in err and "$.rules[0].severity" in err and "hint:" in err


def test_exit_2_policy_unknown_key(demo, capsys):
    Path(".openness-policy.yaml").write_text("version: 1\nrulez: []\n")
    code, _, err = run(capsys, "eval")
    assert code == 2 and ".openness-policy.yaml:2:1: unknown key 'rulez'" in err and "did you mean 'rules'" in err


def test_unreadable_manifest_is_a_finding_and_others_still_judged(demo, capsys):
    Path("models/broken.openness.yaml").write_text("openness: 1\nname: [unclosed\n")
    code, out, _ = run(capsys, "eval", "--fail-on", "none")
    assert "models/broken.openness.yaml:3:1  ERROR    manifest-unreadable" in out or "manifest-unreadable" in out
    assert "atlas-chat" in out
    code, _, _ = run(capsys, "eval", "models/broken.openness.yaml")
    assert code == 1


def test_unrecognised_explicit_file_is_reported(demo, capsys):
    Path("notes.yaml").write_text("hello: world\n")
    code, out, _ = run(capsys, "eval", "notes.yaml")
    assert "manifest-unrecognised" in out and code == 0


def test_several_outputs_in_one_run(demo, capsys, tmp_path):
    sarif = tmp_path / "out" / "results.sarif"
    code, out, _ = run(capsys, "eval", "--format", "text", "--output", f"sarif={sarif}", "--output", f"json={tmp_path}/r.json")
    assert code == 1 and "production-open-weights-data" in out
    assert sarif.read_text().startswith("{") and (tmp_path / "r.json").exists()


def test_two_outputs_on_stdout_is_a_usage_error(demo, capsys):
    code, _, err = run(capsys, "eval", "--format", "text", "--output", "json=-", "--output", "sarif=-")
    assert code == 2 and "only one output can go to standard output" in err


def test_classify_json_contract(demo, capsys):
    import json

    code, out, _ = run(capsys, "classify", "--format", "json")
    assert code == 0
    models = {m["name"]: m for m in json.loads(out)["models"]}
    beacon = models["beacon-embed"]
    assert beacon["path"] == "models/beacon-embed/beacon-embed.openness.yaml"
    assert beacon["format"] == "native"
    assert beacon["openness"]["level"] == "open-source"
    assert beacon["mof"]["class"] == 1 and beacon["mof"]["progress"] == {"1": 100.0, "2": 100.0, "3": 100.0}
    assert beacon["osaid"]["status"] == "meets"
    assert models["atlas-chat"]["licenses"]["weights"]["id"] == "llama3"
    assert "competitor-training" in models["atlas-chat"]["licenses"]["weights"]["clauses"]
    assert models["atlas-chat"]["licenses"]["weights"]["osi_approved"] is False


def test_classify_exits_2_when_an_input_is_unreadable(demo, capsys):
    Path("models/broken.openness.yaml").write_text("openness: 1\nname: [unclosed\n")
    code, out, err = run(capsys, "classify")
    assert code == 2 and "beacon-embed" in out and "not valid YAML" in err


def test_validate_and_init(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "init")
    assert code == 0 and Path(".openness-policy.yaml").exists()
    code, _, err = run(capsys, "init")
    assert code == 2 and "already exists" in err
    code, out, _ = run(capsys, "validate", ".openness-policy.yaml")
    assert code == 0 and "ok (1 rules" in out


def test_licenses_show_cites_sections(capsys):
    code, out, _ = run(capsys, "licenses", "show", "llama3")
    assert code == 0 and "§1.b.v" in out and "competitor-training" in out
    code, _, err = run(capsys, "licenses", "show", "no-such-licence")
    assert code == 2 and "unknown licence" in err


def test_version(capsys):
    from openness_policy import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out


def test_internal_error_is_short_and_exits_2(demo, capsys, monkeypatch):
    import openness_policy.engine as engine

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(engine, "run", boom)
    code, _, err = run(capsys, "eval")
    assert code == 2 and "internal error: RuntimeError: kaboom" in err and "please report it" in err


def test_readme_documents_every_command_and_eval_option(capsys):
    """CLI help and README must agree: every command and every eval option is in the README."""
    readme = (REPO / "README.md").read_text()
    main(["--help"])
    out, _ = capsys.readouterr()
    commands = re.findall(r"^  (\w[\w-]*)\s", out.split("Commands:")[1], re.M)
    assert commands
    for name in commands:
        assert f"openness-policy {name}" in readme, f"README does not document `openness-policy {name}`"
    main(["eval", "--help"])
    out, _ = capsys.readouterr()
    for opt in sorted(set(re.findall(r"(--[a-z][a-z-]+)", out)) - {"--help"}):
        assert opt in readme, f"README does not document eval option {opt}"
