"""Hostile policies (issue 7, class 7): no regular expressions (globs matched in linear time),
``extends`` never leaves the repository or loops, template names never become paths, and broken
policy files are a clear exit 2 naming the file and line."""
from __future__ import annotations

import os
import time

import pytest
from hostile import OK_MANIFEST, cli, cli_subprocess, reference_glob

from openness_policy.globmatch import glob_match
from openness_policy.limits import MAX_DEPTH, MAX_REQUIREMENT_DEPTH

POLICY = ".openness-policy.yaml"
RULE = "rules:\n  - id: r1\n    require: {openness: open-weights}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    (root / "m.openness.yaml").write_text(OK_MANIFEST)
    return root


def failing(capsys, *args: str):
    run = cli(capsys, "eval", *args)
    assert run.code == 2, run.out + run.err
    return run.err


# --- globs: the only patterns in the language ---------------------------------------------------

@pytest.mark.parametrize("pattern, path, expected", [
    ("models/**/*.yaml", "models/a/b/c.yaml", True),
    ("models/**/*.yaml", "models/c.yaml", True),
    ("models/*.yaml", "models/a/c.yaml", False),
    ("**", "any/thing", True),
    ("**/x", "x", True),
    ("a?c", "a/c", False),
    ("a?c", "abc", True),
    ("m/**", "m/", True),
    ("[x]*.yaml", "[x]1.yaml", True),  # brackets are literal: no character classes, no regex
    ("a.b", "aXb", False),
])
def test_glob_semantics(pattern, path, expected):
    assert glob_match(path, pattern) is expected is reference_glob(path, pattern)


@pytest.mark.parametrize("pattern, path", [
    ("**/" * 40 + "x", "a/" * 2000 + "y"),
    ("*a" * 40 + "b", "a" * 4000),
    ("**" * 40 + "x", "ab" * 2000),
    ("**/m/**/m/**/m/**/*.yaml", "m/" * 2000 + "x.yml"),
])
def test_globs_cannot_backtrack_catastrophically(pattern, path):
    start = time.monotonic()
    assert glob_match(path, pattern) is False
    assert time.monotonic() - start < 2


def test_a_hostile_scope_pattern_against_a_long_path_through_eval(repo, capsys):
    folder = repo
    for _ in range(60):
        folder = folder / "a"
    folder.mkdir(parents=True)
    (folder / "deep.openness.yaml").write_text(OK_MANIFEST)
    (repo / POLICY).write_text(RULE + "    scope: {paths: ['" + "**/" * 30 + "zzz/*.yaml']}\n")
    start = time.monotonic()
    run = cli(capsys, "eval")
    assert time.monotonic() - start < 30 and run.code == 0


# --- extends ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ref, message", [
    ("../outside.yaml", "is outside the repository"),
    ("/etc/passwd", "is outside the repository"),
    ("sub/../../outside.yaml", "is outside the repository"),
    ("link-out.yaml", "is outside the repository"),
    ("missing.yaml", "policy file not found"),
    ("folder", "is a directory"),
    ("bad\0name.yaml", "cannot be followed"),
])
def test_extends_cannot_leave_the_repository(repo, capsys, ref, message):
    (repo.parent / "outside.yaml").write_text("version: 1\n" + RULE)
    (repo / "link-out.yaml").symlink_to(repo.parent / "outside.yaml")
    (repo / "folder").mkdir()
    quoted = ref.replace("\0", "\\0")
    (repo / POLICY).write_text(f'version: 1\nextends: ["{quoted}"]\n')
    err = failing(capsys)
    assert message in err
    if "outside" in message or "followed" in message:
        assert f"{POLICY}:2:" in err  # the file and the line of the `extends` entry


def test_extends_loops_are_named(repo, capsys):
    (repo / "a.yaml").write_text("version: 1\nextends: [b.yaml]\n")
    (repo / "b.yaml").write_text("version: 1\nextends: [a.yaml]\n")
    (repo / POLICY).write_text("version: 1\nextends: [a.yaml]\n")
    assert "`extends` loops" in failing(capsys)
    (repo / POLICY).write_text(f"version: 1\nextends: [{POLICY}]\n")
    assert "`extends` loops" in failing(capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_policy_or_extended_file_that_is_a_fifo_is_never_opened(tmp_path):
    (tmp_path / "m.openness.yaml").write_text(OK_MANIFEST)
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "p.yaml").write_text("version: 1\nextends: [pipe.yaml]\n")
    for args in (["--policy", "pipe.yaml"], ["--policy", "p.yaml"]):
        proc = cli_subprocess(tmp_path, "eval", *args, timeout=60)
        assert proc.returncode == 2 and "pipe.yaml" in proc.stderr and "FIFO" in proc.stderr


# --- templates ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "../../policies/templates/osaid-1.0", "osaid-1.0/../x"])
def test_a_template_name_never_becomes_a_path(repo, capsys, name):
    assert f"unknown template '{name}'" in failing(capsys, "--template", name)


def test_builtin_extends_with_a_path_is_an_unknown_template(repo, capsys):
    (repo / POLICY).write_text("version: 1\nextends: ['builtin:../../etc/passwd']\n")
    err = failing(capsys)
    assert "unknown template '../../etc/passwd'" in err and f"{POLICY}:2:" in err


# --- broken policy files -------------------------------------------------------------------------------

def nested(levels: int) -> str:
    return "{all: [" * levels + "{openness: open-weights}" + "]}" * levels


@pytest.mark.parametrize("body, message, line", [
    (f"rules:\n  - id: deep\n    require: {nested(MAX_REQUIREMENT_DEPTH + 1)}\n",
     f"nested more than {MAX_REQUIREMENT_DEPTH} levels", 3),
    (f"rules:\n  - id: deeper\n    require: {nested(20_000)}\n", f"more than {MAX_DEPTH} levels", 3),
    ("x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"x-{i}: &a{i} [" + ", ".join([f"*a{i - 1}" if i else "*a"] * 10) + "]\n" for i in range(8)),
     "alias", 5),
    ("rules: &r\n  - id: x\n    require: *r\n", "recursive", 3),
    ("rules: []\nrules: []\nx: 1e400\n", "not a finite number", 3),
])
def test_hostile_policy_files_are_a_clear_exit_2(repo, capsys, body, message, line):
    (repo / POLICY).write_text("version: 1\n" + body)
    err = failing(capsys)
    assert message in err and f"{POLICY}:{line + 1}:" in err


def test_requirements_just_under_the_nesting_limit_load(repo, capsys):
    (repo / POLICY).write_text(f"version: 1\nrules:\n  - id: deep\n    require: {nested(MAX_REQUIREMENT_DEPTH - 1)}\n")
    assert cli(capsys, "eval").code in (0, 1)


@pytest.mark.parametrize("data, message", [
    (b"version: 1\n\x00\x01\x02", "binary content"),
    (b"version: 1\nname: caf\xe9\n", "not UTF-8"),
    (b"version: 1\nname: '" + b"x" * (3 * 1024 * 1024) + b"'\n", "byte limit"),
])
def test_unreadable_policy_files_are_named(repo, capsys, data, message):
    (repo / POLICY).write_bytes(data)
    err = failing(capsys)
    assert POLICY in err and message in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_pull_request_mode_never_opens_a_policy_replaced_by_a_fifo(tmp_path):
    """The base commit's policy applies; the work tree's FIFO is compared without being opened."""
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-C", str(tmp_path)]
    subprocess.run(git[:-2] + ["init", "-q", str(tmp_path)], check=True)
    (tmp_path / "m.openness.yaml").write_text(OK_MANIFEST)
    (tmp_path / POLICY).write_text("version: 1\n" + RULE.replace("open-weights", "open-source"))
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "base"], check=True)
    (tmp_path / POLICY).unlink()
    os.mkfifo(tmp_path / POLICY)
    (tmp_path / "m.openness.yaml").write_text(OK_MANIFEST + "version: '2'\n")
    proc = cli_subprocess(tmp_path, "eval", "--diff-base", "HEAD", timeout=60)
    assert proc.returncode == 1
    assert "r1" in proc.stdout  # the base commit's policy still judges the changed manifest
    assert "FIFO" in proc.stdout  # and the FIFO itself is reported, not opened
