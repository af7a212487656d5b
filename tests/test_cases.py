"""Golden end-to-end cases: every folder in ``tests/cases/`` is one CLI run.

A case folder holds ``args`` (the command line after ``openness-policy``), ``repo/`` or a ``repo_from`` file naming a project folder (copied to a
temporary folder that becomes the working directory), ``expected.txt`` (standard output),
``expected.exit`` and, optionally, ``expected.sarif`` (then ``--output sarif=…`` is added and the
SARIF is validated against the schema and GitHub's rules too). ``UPDATE_GOLDEN=1`` rewrites them.
"""
from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import pytest

from tests.golden import assert_golden, updating

CASES = Path(__file__).parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "args").is_file())


def run_case(case: Path, tmp_path: Path, monkeypatch, capsys) -> tuple[int, str, str, str | None]:
    from openness_policy.cli import main

    work = tmp_path / "repo"
    source = case / "repo"
    if (case / "repo_from").is_file():  # a case that runs on a folder of the project, e.g. examples/demo
        source = Path(__file__).parents[1] / (case / "repo_from").read_text().strip()
    shutil.copytree(source, work)
    monkeypatch.chdir(work)
    args = shlex.split((case / "args").read_text())
    sarif_path = None
    if (case / "expected.sarif").exists() or (updating() and (case / "sarif").exists()):
        sarif_path = tmp_path / "out.sarif"
        args += ["--output", f"sarif={sarif_path}"]
    code = main(args)
    out, err = capsys.readouterr()
    sarif = sarif_path.read_text() if sarif_path is not None and sarif_path.exists() else None
    return code, out, err, sarif


@pytest.mark.parametrize("name", NAMES)
def test_case(name, tmp_path, monkeypatch, capsys):
    case = CASES / name
    code, out, err, sarif = run_case(case, tmp_path, monkeypatch, capsys)
    assert "Traceback" not in err
    assert_golden(out, case / "expected.txt")
    if err or (case / "expected.err").exists():
        assert_golden(err, case / "expected.err")
    assert_golden(f"{code}\n", case / "expected.exit")
    if sarif is not None:
        assert_golden(sarif, case / "expected.sarif")
        from tests.sarif_lint import lint

        assert lint(json.loads(sarif)) == []
