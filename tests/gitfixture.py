"""Temporary git repositories built with plain ``git`` commands, and running the CLI inside them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from conftest import FIXTURES

BASE_REPO = FIXTURES / "git" / "repo"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert proc.returncode == 0, f"git {' '.join(args)} failed: {proc.stderr}"
    return proc.stdout.strip()


def make_repo(dest: Path, source: Path = BASE_REPO) -> Path:
    """``source`` committed on ``main``, with a ``pr`` branch checked out on top of it."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("SOURCE.md"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    git(dest, "checkout", "-q", "-b", "pr")
    return dest


def commit(repo: Path, message: str = "change") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_cli(repo: Path, *args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    from openness_policy.cli import main

    monkeypatch.chdir(repo)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(repo: Path, *args: str, monkeypatch, capsys) -> tuple[int, dict]:
    code, out, err = run_cli(repo, "eval", "--format", "json", *args, monkeypatch=monkeypatch, capsys=capsys)
    assert code in (0, 1), f"exit {code}: {err}"
    return code, json.loads(out)


def rules_of(doc: dict, key: str = "findings") -> list[tuple[str, str]]:
    return sorted((f["rule"], f["path"]) for f in doc[key])


def count_reads(monkeypatch) -> list[str]:
    """The names of the files read from disk from now on (``reading.read_bytes``), in order."""
    from openness_policy import reading

    seen: list[str] = []
    real = reading.read_bytes

    def counting(path, *args, **kwargs):
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(reading, "read_bytes", counting)
    return seen


def family(repo: Path, n: int) -> None:
    """``n`` manifests that mention "olmo" only as a label value, never as their name."""
    for i in range(n):
        folder = repo / "models" / "family" / f"m{i:03d}"
        folder.mkdir(parents=True)
        (folder / f"fam-{i:03d}.openness.yaml").write_text(
            f"openness: 1\nname: olmo-{i:03d}\nowner: f@example.com\nlicense: apache-2.0\nlabels:\n  family: olmo\n")
