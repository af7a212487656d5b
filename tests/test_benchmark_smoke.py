"""The benchmark script runs end to end at a tiny size and prints every figure and ratio.

No timing is asserted (that is the benchmark's job, on a quiet machine); this only keeps the script
working as the code it measures changes.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.fixture(scope="module")
def output() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is needed to build the benchmark repository")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--n", "50", "--one-file-runs", "1",
                           "--markdown"], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_every_figure_is_printed(output):
    for key in ("a", "b", "c", "d", "e", "e'", "f", "g", "h"):
        line = next((ln for ln in output.splitlines() if ln.strip().startswith(f"{key})")), None)
        assert line is not None, f"figure {key}) missing:\n{output}"
        if key in ("c", "e'") and shutil.which("check-jsonschema") is None and "check-jsonschema not found" in output:
            continue
        if key == "f" and "not available" in output:
            continue
        assert re.search(r"\d+\.\d\d\s+\d+\.\d\d\s+\d+", line), f"figure {key}) has no numbers: {line}"


def test_every_target_has_a_verdict(output):
    for target in ("eval / check-jsonschema", "eval --jobs 2 / check-jsonschema", "one-file cold",
                   "PR mode / one-file eval", "peak RSS of eval at N", "RSS growth"):
        line = next((ln for ln in output.splitlines() if target in ln and "|" not in ln), None)
        assert line is not None, f"target {target!r} missing:\n{output}"
        assert line.rstrip().endswith(("PASS", "FAIL", "n/a")), line


def test_markdown_table_for_the_readme(output):
    assert "| run | wall s | CPU s | peak RSS MB |" in output
    assert "| target | measured | limit | result |" in output
    assert "files (MOT, native, HF, CycloneDX)" in output
