"""``.pre-commit-hooks.yaml``: its patterns cover every manifest format, and the real pre-commit
framework runs the hooks (``pre-commit try-repo``) against a temporary git repository."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from gitfixture import BASE_REPO, GIT_ENV, git

HOOKS = REPO / ".pre-commit-hooks.yaml"
NETWORK_ERRORS = ("Could not find a version", "No matching distribution", "Connection", "Temporary failure",
                  "Network is unreachable", "Max retries exceeded")


def hooks() -> dict[str, dict]:
    from ruamel.yaml import YAML

    return {h["id"]: h for h in YAML(typ="safe").load(HOOKS.read_text())}


def samples(pattern: str) -> list[str]:
    """File names an fnmatch pattern matches: ``*`` as a word, ``[aA]`` as each of its letters."""
    lower = re.sub(r"\[(.)[^\]]*\]", r"\1", pattern)
    upper = re.sub(r"\[[^\]]*?(.)\]", r"\1", pattern)
    return sorted({s.replace("*", "model-v1").replace("?", "x") for s in (lower, upper)})


def test_manifest_hook_files_pattern_matches_every_registered_format():
    from openness_policy.plugins import load_registry

    regex = re.compile(hooks()["openness-policy"]["files"])
    names = {(spec.name, s) for spec in load_registry().formats.values() for p in spec.filenames for s in samples(p)}
    assert len({n for n, _ in names}) >= 6
    missed = sorted((fmt, name) for fmt, name in names
                    if not (regex.search(name) and regex.search(f"models/sub dir/{name}")))
    assert not missed, f"extend `files` in .pre-commit-hooks.yaml to cover: {missed}"
    for other in ("notes.txt", "src/main.py", "a.yaml/readme.txt", "docs/readme.mdx", "data.json"):
        assert not regex.search(other), other


def test_hook_definitions():
    h = hooks()
    assert list(h) == ["openness-policy", "openness-policy-validate", "openness-policy-test"]
    assert h["openness-policy"]["pass_filenames"] is True and h["openness-policy"]["entry"] == "openness-policy eval"
    assert h["openness-policy-validate"]["entry"] == "openness-policy validate"
    assert h["openness-policy-test"]["entry"] == "openness-policy test"
    assert all(x["language"] == "python" for x in h.values())
    policy = re.compile(h["openness-policy-validate"]["files"])
    assert policy.search(".openness-policy.yaml") and policy.search("team/.openness-policy.yml")
    assert not policy.search("models/a.openness.yaml")


@pytest.mark.parametrize("command", ["eval", "validate", "test"])
def test_hook_entries_are_commands(command):
    from openness_policy.cli import _register, cli

    _register()
    if command == "test" and "test" not in cli.commands:
        pytest.skip("the `openness-policy test` command is not in this build yet (policy tests, issue 4)")
    assert command in cli.commands


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit") or (str(Path(sys.executable).parent / "pre-commit")
                                         if (Path(sys.executable).parent / "pre-commit").exists() else None)
    if exe is None:
        pytest.skip("pre-commit is not installed (it is in the `test` extra: pip install -e '.[test]')")
    return [exe]


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory) -> Path:
    """A clone of this repository's HEAD: ``try-repo`` installs the hooks from it, as users do."""
    if not (REPO / ".git").exists():
        pytest.skip("needs this project as a git clone (try-repo installs the hooks from git)")
    dest = tmp_path_factory.mktemp("hooks") / "src"
    git(dest.parent, "clone", "-q", "--no-hardlinks", str(REPO), str(dest))
    if not (dest / ".pre-commit-hooks.yaml").exists():
        pytest.skip(".pre-commit-hooks.yaml is not committed yet")
    return dest


def _try_repo(source: Path, target: Path, hook: str, *files: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.run([*_pre_commit(), "try-repo", str(source), hook, "--verbose", "--files", *files],
                          cwd=target, capture_output=True, text=True, env=env, timeout=900)
    if proc.returncode != 0 and "An unexpected error has occurred" in proc.stdout + proc.stderr:
        text = proc.stdout + proc.stderr
        if any(s in text for s in NETWORK_ERRORS):
            pytest.skip(f"pre-commit could not install the hook (no package index?): {text[-300:]}")
    return proc


def test_try_repo_runs_the_hooks_on_staged_manifests(hook_source, tmp_path):
    _pre_commit()
    home = tmp_path / "pre-commit-home"
    target = tmp_path / "target"
    shutil.copytree(BASE_REPO, target, ignore=shutil.ignore_patterns("SOURCE.md"))
    (target / "notes.txt").write_text("not a manifest\n")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")

    ok = _try_repo(hook_source, target, "openness-policy", "models/alpha/alpha.openness.yaml", "notes.txt",
                   home=home)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "openness-policy (model manifests)" in ok.stdout and "Passed" in ok.stdout
    assert "notes.txt" not in ok.stdout  # filtered out by `files`, never handed to the hook

    alpha = target / "models" / "alpha" / "alpha.openness.yaml"
    alpha.write_text(alpha.read_text().replace("released: true", "released: false"))
    git(target, "add", "-A")
    bad = _try_repo(hook_source, target, "openness-policy", "models/alpha/alpha.openness.yaml", home=home)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "prod-open" in bad.stdout and "models/alpha/alpha.openness.yaml" in bad.stdout

    valid = _try_repo(hook_source, target, "openness-policy-validate", ".openness-policy.yaml", home=home)
    assert valid.returncode == 0, valid.stdout + valid.stderr
    (target / ".openness-policy.yaml").write_text("version: 1\nrules:\n  - id: x\n")
    git(target, "add", "-A")
    invalid = _try_repo(hook_source, target, "openness-policy-validate", ".openness-policy.yaml", home=home)
    assert invalid.returncode != 0 and ".openness-policy.yaml" in invalid.stdout
