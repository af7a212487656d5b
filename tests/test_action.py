"""``action.yml``: valid metadata, clean under zizmor, pinned, inputs only through ``env``; and a local
harness that runs its composite steps (all but the upload) against a temporary git repository with
the variables a GitHub runner sets, then checks outputs, job summary and annotations."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from gitfixture import commit, edit, git, make_repo

ACTION = REPO / "action.yml"
sys.path.insert(0, str(REPO / "scripts"))
from action_event import analyse  # noqa: E402

EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
SHA_PIN = re.compile(r"^\s*(?:-\s*)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$")
NETWORK_ERRORS = ("Could not find a version", "No matching distribution", "Connection", "Temporary failure",
                  "Network is unreachable", "Max retries exceeded")


def action() -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(ACTION.read_text())


# -- the metadata file ------------------------------------------------------------------------------------

def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        pytest.skip(f"{name} is not installed (pip install {name})")
    return exe


def test_action_validates_against_the_github_actions_schema():
    proc = subprocess.run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_is_clean_under_zizmor():
    proc = subprocess.run([_tool("zizmor"), "--offline", "--persona", "pedantic", str(ACTION)],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_inputs_reach_scripts_only_through_env():
    for step in action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
            assert step["shell"] == "bash"


def test_third_party_actions_are_pinned_to_a_commit_with_the_version_in_a_comment():
    uses = [line for line in ACTION.read_text().splitlines() if re.match(r"^\s*(-\s*)?uses:", line)]
    assert len(uses) == 2
    for line in uses:
        assert SHA_PIN.match(line), line


def test_inputs_outputs_and_upload_step():
    meta = action()
    assert set(meta["inputs"]) >= {"paths", "policy", "templates", "fail-on", "diff-base", "only-new", "sarif-file",
                                   "upload-sarif", "annotations", "summary", "python-version", "version"}
    assert set(meta["outputs"]) == {"findings", "errors", "sarif-file", "exit-code"}
    (upload,) = [s for s in meta["runs"]["steps"] if "upload-sarif" in s.get("uses", "")]
    assert "success() || failure()" in upload["if"] and "steps.scan.outputs.upload == 'true'" in upload["if"]
    assert set(upload["with"]) == {"sarif_file", "category"}
    for name, spec in meta["inputs"].items():
        assert spec["description"].strip(), name


# -- the event ----------------------------------------------------------------------------------------------

def _pr(head_repo: object = "org/repo", fork: bool = False) -> dict:
    head = None if head_repo is None else {"full_name": head_repo, "fork": fork}
    return {"pull_request": {"base": {"sha": "b" * 40, "repo": {"full_name": "org/repo"}},
                             "head": {"sha": "h" * 40, "repo": head}}}


@pytest.mark.parametrize("event, payload, actor, base, blocked", [
    ("pull_request", _pr(), "alice", "b" * 40, False),
    ("pull_request", _pr("someone/repo", fork=True), "alice", "b" * 40, True),
    ("pull_request", _pr("someone/repo", fork=False), "alice", "b" * 40, True),  # head repo differs
    ("pull_request", _pr(None), "alice", "b" * 40, True),  # the fork was deleted
    ("pull_request", _pr(), "dependabot[bot]", "b" * 40, True),
    ("pull_request_target", _pr("someone/repo", fork=True), "alice", "b" * 40, False),  # base token
    ("merge_group", {"merge_group": {"base_sha": "m" * 40}}, "alice", "m" * 40, False),
    ("push", {"before": "p" * 40}, "alice", "", False),
])
def test_event_analysis(event, payload, actor, base, blocked):
    info = analyse(event, payload, actor)
    assert info.diff_base == base and bool(info.upload_blocked) == blocked


# -- the local harness ------------------------------------------------------------------------------------------

class Runner:
    """Runs the composite action's ``run:`` steps the way a GitHub runner does (``uses:`` steps are not run)."""

    def __init__(self, workspace: Path, tmp: Path, event: str, payload: dict, inputs: dict[str, str]):
        self.meta = action()
        self.workspace, self.tmp = workspace, tmp
        self.inputs = {k: str(v.get("default", "")) for k, v in self.meta["inputs"].items()} | inputs
        event_path = tmp / "event.json"
        event_path.write_text(json.dumps(payload))
        self.summary = tmp / "summary.md"
        self.summary.write_text("")
        self.env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event,
                    "GITHUB_EVENT_PATH": str(event_path), "GITHUB_WORKSPACE": str(workspace),
                    "GITHUB_ACTION_PATH": str(REPO), "GITHUB_STEP_SUMMARY": str(self.summary),
                    "GITHUB_ACTOR": "alice", "RUNNER_TEMP": str(tmp), "PYTHONPATH": ""}
        self.env.pop("VIRTUAL_ENV", None)
        self.outputs: dict[str, dict[str, str]] = {"python": {"python-path": sys.executable}}  # setup-python's
        self.stdout: dict[str, str] = {}
        self.codes: dict[str, int] = {}

    def value(self, expr: str) -> str:
        parts = expr.split(".")
        if parts[0] == "inputs":
            return self.inputs[parts[1]]
        if parts[0] == "steps" and parts[2] == "outputs":
            return self.outputs.get(parts[1], {}).get(parts[3], "")
        if expr == "github.action_path":
            return str(REPO)
        raise AssertionError(f"the harness does not know ${{{{ {expr} }}}}")

    def run(self, only: tuple[str, ...] | None = None, preset: dict[str, dict[str, str]] | None = None) -> None:
        self.outputs.update(preset or {})
        for step in self.meta["runs"]["steps"]:
            if "run" not in step or (only is not None and step["id"] not in only):
                continue
            out_file = self.tmp / f"output-{step['id']}"
            out_file.write_text("")
            env = {k: EXPR.sub(lambda m: self.value(m.group(1)), str(v)) for k, v in step.get("env", {}).items()}
            proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=self.workspace, capture_output=True,
                                  text=True, env={**self.env, **env, "GITHUB_OUTPUT": str(out_file)}, timeout=900)
            self.stdout[step["id"]] = proc.stdout + proc.stderr
            self.codes[step["id"]] = proc.returncode
            self.outputs[step["id"]] = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if line)
            if proc.returncode != 0:
                break

    def action_outputs(self) -> dict[str, str]:
        return {k: EXPR.sub(lambda m: self.value(m.group(1)), v["value"]) for k, v in self.meta["outputs"].items()}

    def upload_would_run(self) -> bool:
        return self.outputs.get("scan", {}).get("upload") == "true"  # the `if:` of the upload step, evaluated


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, str]:
    """Run the action's real install step once: a virtual environment with this checkout installed."""
    tmp = tmp_path_factory.mktemp("runner")
    runner = Runner(tmp, tmp, "push", {}, {})
    runner.run(only=("install",))
    if runner.codes["install"] != 0:
        text = runner.stdout["install"]
        if any(s in text for s in NETWORK_ERRORS):
            pytest.skip(f"cannot install the package here (no package index?): {text[-300:]}")
        raise AssertionError(text)
    return runner.outputs["install"]


@pytest.fixture
def pr_repo(tmp_path):
    repo = make_repo(tmp_path / "ws")
    base = git(repo, "rev-parse", "main")
    edit(repo, "models/alpha/alpha.openness.yaml", "released: true", "released: false")  # new error + regression
    edit(repo, "models/beta/beta.openness.yaml", "license: mit", "license: apache-2.0")  # old warning stays
    head = commit(repo)
    return repo, base, head


def _payload(base: str, head: str, fork: bool = False) -> dict:
    return {"pull_request": {"number": 7, "base": {"sha": base, "repo": {"full_name": "org/models"}},
                             "head": {"sha": head, "repo": {"full_name": "someone/models" if fork else "org/models",
                                                            "fork": fork}}}}


def test_harness_pull_request(installed, pr_repo, tmp_path):
    repo, base, head = pr_repo
    runner = Runner(repo, tmp_path, "pull_request", _payload(base, head), {"fail-on": "warning"})
    runner.run(preset={"install": installed})
    assert runner.codes["scan"] == 1
    out = runner.action_outputs()
    assert out == {"findings": "2", "errors": "2", "sarif-file": "openness-policy.sarif", "exit-code": "1"}
    assert runner.upload_would_run()
    log = runner.stdout["scan"]
    assert re.search(r"^::error file=models/alpha/alpha\.openness\.yaml,line=\d+,col=\d+,title=prod-open", log, re.M)
    assert re.search(r"^::error file=models/alpha/alpha\.openness\.yaml,.*title=regression", log, re.M)
    assert "owner-required" not in "".join(l for l in log.splitlines() if l.startswith("::warning"))  # not new
    summary = runner.summary.read_text()
    assert "prod-open" in summary and "regression" in summary and "Suppressed findings (1)" in summary
    sarif = json.loads((repo / "openness-policy.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == ["prod-open", "regression"]


def test_harness_fork_pull_request_skips_the_upload_but_still_reports(installed, pr_repo, tmp_path):
    repo, base, head = pr_repo
    runner = Runner(repo, tmp_path, "pull_request", _payload(base, head, fork=True), {})
    runner.run(preset={"install": installed})
    assert runner.codes["scan"] == 1 and not runner.upload_would_run()
    log = runner.stdout["scan"]
    assert "::notice title=openness-policy::SARIF upload skipped: this pull request comes from a fork" in log
    assert "::error file=models/alpha/alpha.openness.yaml" in log
    summary = runner.summary.read_text()
    assert "prod-open" in summary and "SARIF upload skipped" in summary


def test_harness_push_checks_everything(installed, pr_repo, tmp_path):
    repo, _, _ = pr_repo
    runner = Runner(repo, tmp_path, "push", {"before": "0" * 40}, {"sarif-file": "out/results.sarif",
                                                                  "annotations": "false", "summary": "false"})
    runner.run(preset={"install": installed})
    out = runner.action_outputs()
    assert out["sarif-file"] == "out/results.sarif" and (repo / "out" / "results.sarif").exists()
    assert out["errors"] == "1" and int(out["findings"]) >= 3  # every manifest, old findings included
    assert "::error file=" not in runner.stdout["scan"] and runner.summary.read_text() == ""
    assert "--sarif-max-results 25000" in runner.stdout["scan"]  # GitHub's limit, by default


def test_harness_sarif_keeps_the_most_severe_within_the_limit(installed, pr_repo, tmp_path):
    repo, _, _ = pr_repo
    runner = Runner(repo, tmp_path, "push", {"before": "0" * 40}, {"sarif-max-results": "1"})
    runner.run(preset={"install": installed})
    out = runner.action_outputs()
    total = int(out["findings"])
    assert runner.codes["scan"] == 1 and total >= 3 and out["errors"] == "1"  # every finding still counts
    sarif = json.loads((repo / "openness-policy.sarif").read_text())
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["error"]
    assert sarif["runs"][0]["properties"]["omitted"] == total - 1
    text = f"lists the 1 most severe of {total:,} findings"
    assert text in runner.summary.read_text() and f"::notice title=openness-policy::The SARIF report {text}" in runner.stdout["scan"]
    (tmp_path / "bad").mkdir()
    bad = Runner(repo, tmp_path / "bad", "push", {"before": "0" * 40}, {"sarif-max-results": "lots"})
    bad.run(preset={"install": installed})
    assert bad.codes["scan"] == 2 and "--sarif-max-results" in bad.stdout["scan"]


def test_harness_text_from_a_manifest_cannot_run_workflow_commands(installed, pr_repo, tmp_path):
    repo, base, _ = pr_repo
    edit(repo, "models/beta/beta.openness.yaml", "name: beta", "name: \"::add-mask::beta\\n::error::forged\"")
    head = commit(repo)
    runner = Runner(repo, tmp_path, "pull_request", _payload(base, head), {"annotations": "false"})
    runner.run(preset={"install": installed})
    log = runner.stdout["scan"].splitlines()
    start = next(i for i, l in enumerate(log) if l.startswith("::stop-commands::"))
    token = log[start].split("::")[2]
    end = log.index(f"::{token}::")
    assert any("forged" in l for l in log[start:end])
    assert not any("forged" in l for l in log[:start] + log[end + 1:])


def test_harness_configuration_error(installed, pr_repo, tmp_path):
    repo, base, head = pr_repo
    runner = Runner(repo, tmp_path, "pull_request", _payload(base, head), {"templates": "no-such-template"})
    runner.run(preset={"install": installed})
    assert runner.codes["scan"] == 2 and not runner.upload_would_run()
    assert runner.action_outputs()["exit-code"] == "2"
    assert "::error title=openness-policy::" in runner.stdout["scan"] and "no-such-template" in runner.stdout["scan"]
    assert "could not run" in runner.summary.read_text()
