"""``--sarif-max-results N``: the N most severe results, in the usual order, and a note of the rest.

Checked on the reporter (one report in memory) and on the streamed path (results spooled by files, in
this process and in workers), which must write the same bytes for every cut: inside the errors, inside
the warnings, at a level boundary, and at or above the total (nothing cut, nothing noted).
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from reporter_cases import many
from sarif_lint import lint
from test_sarif import schema_errors, validator  # noqa: F401  (a fixture)

from openness_policy import engine
from openness_policy.discover import candidates
from openness_policy.findings import LEVELS
from openness_policy.parallel import Judging
from openness_policy.plugins import load_registry
from openness_policy.reporters import sarif
from openness_policy.reporters.sarif_limit import NOTIFICATION_ID
from openness_policy.streaming import stream_sarif
from tests.conftest import REPO


def _results(text: str) -> list[dict]:
    return json.loads(text)["runs"][0]["results"]


def _check_cut(full: list[dict], cut_doc: dict, limit: int) -> None:
    """``cut_doc`` holds the ``limit`` most severe of ``full``, in ``full``'s order, and says how many it left out."""
    run = cut_doc["runs"][0]
    got = run["results"]
    assert len(got) == min(limit, len(full))
    ids = [r["partialFingerprints"]["opennessPolicy/v1"] for r in got]
    by_severity = sorted(full, key=lambda r: -LEVELS.index(r["level"]))  # stable: usual order within a level
    want = {r["partialFingerprints"]["opennessPolicy/v1"] for r in by_severity[:limit]}
    assert set(ids) == want
    order = [r["partialFingerprints"]["opennessPolicy/v1"] for r in full]
    assert ids == [fp for fp in order if fp in want]  # the usual order is kept
    notes = run["invocations"][0].get("toolExecutionNotifications", [])
    if limit < len(full):
        assert run["properties"]["omitted"] == len(full) - limit
        assert [n["descriptor"]["id"] for n in notes] == [NOTIFICATION_ID]
        assert f"{len(full) - limit:,} of {len(full):,} results are left out" in notes[0]["message"]["text"]
    else:
        assert "omitted" not in run["properties"] and notes == []


@pytest.mark.parametrize("limit", [1, 3, 5, 7, 8, 11, 12, 13, 100])
def test_reporter_keeps_the_most_severe_in_order(limit, validator):  # noqa: F811
    report = many(errors=5, warnings=3, notes=4)  # interleaved: severity order differs from file order
    full = _results(sarif.render(report))
    doc = json.loads(sarif.render(report, max_results=limit))
    _check_cut(full, doc, limit)
    assert schema_errors(validator, doc) == [] and lint(doc) == []
    if limit >= len(full):
        assert sarif.render(report, max_results=limit) == sarif.render(report)
    assert sarif.render(report, max_results=limit) == json.dumps(
        sarif.report_to_sarif(report, max_results=limit), indent=2, ensure_ascii=True) + "\n"


def _generated(tmp_path: Path) -> Path:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from bench_generate import Counts, generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    generate(tmp_path / "gen", Counts(24, native=4, hf=3, cyclonedx=3, lineage_share=0.25), per_folder=8)
    return tmp_path / "gen"


def test_streamed_sarif_cuts_exactly_like_the_reporter(tmp_path, monkeypatch):
    work = _generated(tmp_path)
    monkeypatch.chdir(work)
    reg = load_registry(entry_points=False)
    opts = engine.Options(paths=["."], templates=["mof-class-3", "osaid-1.0", "eu-ai-act-gpai"], today="2026-06-01")
    report = engine.run(opts, reg, work)
    full = _results(sarif.render(report))
    levels = [r["level"] for r in full]
    assert {"error", "warning", "note"} <= set(levels), "the generated repository should give every level"
    errors, warnings = levels.count("error"), levels.count("warning")
    root = engine.find_root(work)
    policy = engine.build_policy(reg, root, opts, work)
    catalog = engine.load_catalog(reg, policy)
    found = candidates(opts.paths, root, engine.patterns(engine.ordered_formats(reg)))
    for limit in (1, errors // 2, errors, errors + warnings // 2, errors + warnings, len(full) - 1, len(full)):
        want = sarif.render(report, max_results=limit)
        _check_cut(full, json.loads(want), limit)
        opts.sarif_max_results = limit
        for jobs in (1, 2):
            buf = io.StringIO()
            stream_sarif(found, Judging(root, reg, policy, catalog, opts), [buf], jobs)
            assert buf.getvalue() == want, (limit, jobs)


def test_cli_notes_the_cut_and_the_exit_code_counts_every_finding(tmp_path):
    def run(*extra: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "openness_policy", "eval", "--template", "mof-class-3",
                               *extra, str(REPO / "examples")],
                              cwd=tmp_path, capture_output=True, text=True, encoding="utf-8")

    whole, cut = run("--format", "sarif"), run("--format", "sarif", "--sarif-max-results", "2")
    assert whole.returncode == cut.returncode == 1
    total = len(_results(whole.stdout))
    assert total > 2 and len(_results(cut.stdout)) == 2
    assert f"note: {total - 2:,} of {total:,} results are left out" in cut.stderr
    assert "left out" not in whole.stderr
    # with text on standard output and SARIF in a file: the reporter path
    both = run("--output", f"sarif={tmp_path / 'out.sarif'}",
               "--sarif-max-results", "2")
    assert both.returncode == 1 and "left out" in both.stderr
    assert len(_results((tmp_path / "out.sarif").read_text(encoding="utf-8"))) == 2
    bad = run("--format", "sarif", "--sarif-max-results", "-1")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
