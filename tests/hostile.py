"""Helpers for the hardening tests: run the CLI on a throw-away repository and read its SARIF.

Every run asserts what must hold for any input: no traceback on either stream, and (for SARIF)
output that GitHub accepts (``sarif_lint.lint``) with a file and a line on every result.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sarif_lint import lint

from openness_policy.cli import main

REPO = Path(__file__).resolve().parents[1]
OK_MANIFEST = "openness: 1\nname: fine\nlicense: apache-2.0\nweights: {released: true}\n"


@dataclass
class Result:
    rule: str
    uri: str
    line: int
    message: str


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def sarif(self) -> dict:
        doc = json.loads(self.out)
        assert lint(doc) == [], lint(doc)
        return doc

    @property
    def results(self) -> list[Result]:
        found = []
        for r in self.sarif["runs"][0]["results"]:
            loc = r["locations"][0]["physicalLocation"]
            found.append(Result(r["ruleId"], loc["artifactLocation"]["uri"], loc["region"]["startLine"],
                                r["message"]["text"]))
        return found

    def result_for(self, uri: str, rule: str | None = None) -> Result:
        hits = [r for r in self.results if r.uri == uri and (rule is None or r.rule == rule)]
        assert hits, f"no {rule or 'finding'} for {uri} in {[(r.rule, r.uri) for r in self.results]}"
        return hits[0]


def cli(capsys, *args: str) -> Run:
    """Run the CLI in-process; never a traceback."""
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
    return Run(code, out, err)


def sarif_eval(capsys, *paths: str) -> Run:
    """``eval --format sarif`` with no policy file: the built-in checks judge every manifest."""
    return cli(capsys, "eval", "--format", "sarif", *paths)


def cli_subprocess(cwd: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI in a child process: a C-stack crash or a hang fails the test instead of pytest."""
    env_path = os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.run([sys.executable, "-c", "import sys; from openness_policy.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": env_path})
    assert proc.returncode in (0, 1, 2), f"crashed with {proc.returncode}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-2000:]
    return proc


def reference_glob(path: str, pattern: str) -> bool:
    """The glob → regular expression translation the policy model used before (backtracking)."""
    import re

    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] in "*?":
            out.append("[^/]*" if pattern[i] == "*" else "[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.fullmatch("".join(out), path) is not None
