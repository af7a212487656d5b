"""Hostile YAML (issue 7, classes 1 and 2): alias bombs, recursive aliases, deep nesting.

Each input becomes a finding at the line where the problem is, with valid SARIF, in bounded time;
the deepest inputs run in a child process so that a C-stack crash would fail the test, not pytest.
"""
from __future__ import annotations

import time

import pytest
from hostile import OK_MANIFEST, cli_subprocess, sarif_eval

from openness_policy.limits import MAX_ALIAS_EXPANSION, MAX_DEPTH
from openness_policy.yamlload import YamlError, load_yaml

HEAD = "openness: 1\nname: hostile\nlicense: apache-2.0\n"


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fine.openness.yaml").write_text(OK_MANIFEST)
    return tmp_path


def test_billion_laughs_is_refused_at_the_alias_that_crosses_the_limit(repo, capsys):
    (repo / "bomb.openness.yaml").write_text(HEAD + "x-extra:\n" + "".join("  " + ln + "\n" for ln in billion_laughs().splitlines()))
    start = time.monotonic()
    run = sarif_eval(capsys)
    assert time.monotonic() - start < 20
    assert run.code == 1
    hit = run.result_for("bomb.openness.yaml", "manifest-unreadable")
    assert "alias" in hit.message and f"{MAX_ALIAS_EXPANSION:,}" in hit.message
    assert hit.line == 4 + 6  # lol5: its second alias of lol4 (66,430 nodes each) crosses 100,000
    assert run.result_for("fine.openness.yaml")  # the other manifest is still judged


def test_fan_out_that_schema_validation_would_walk_is_refused_before_validation(repo, capsys):
    """A shared 1,000-node list aliased 200 times: cheap to parse, 200,000 nodes for a validator."""
    big = "[" + ", ".join(f"{{name: d{i}}}" for i in range(500)) + "]"
    text = HEAD + f"x-shared: &big {big}\nevaluation: [" + ", ".join(["*big"] * 200) + "]\n"
    (repo / "fan.openness.yaml").write_text(text)
    start = time.monotonic()
    run = sarif_eval(capsys)
    assert time.monotonic() - start < 20
    hit = run.result_for("fan.openness.yaml", "manifest-unreadable")
    assert hit.line == 5 and "alias" in hit.message


def test_modest_anchor_reuse_still_loads_and_is_validated(repo, capsys):
    text = HEAD + "x-lic: &lic apache-2.0\nlicenses: {code: *lic, data: *lic}\nx-ds: &ds {name: c4, source: s}\n" \
        "data: {datasets: [*ds, *ds]}\n"
    doc = load_yaml(text, "m.yaml")
    assert doc.data["licenses"] == {"code": "apache-2.0", "data": "apache-2.0"}
    assert doc.data["data"]["datasets"][0] is doc.data["data"]["datasets"][1]  # shared, not copied
    (repo / "reuse.openness.yaml").write_text(text)
    run = sarif_eval(capsys)
    assert not [r for r in run.results if r.uri == "reuse.openness.yaml" and r.rule == "manifest-unreadable"]


@pytest.mark.parametrize("text, line", [
    ("&a [*a]", 1),
    ("&m {k: *m}", 1),
    ("a: &a\n  b:\n    - c\n    - {d: *a}\n", 4),
    ("a: &x [1]\nb: &x [*x, 2]\n", 2),  # the nearest &x is the one still open: recursive
])
def test_recursive_aliases_are_refused_not_built(text, line):
    with pytest.raises(YamlError) as info:
        load_yaml(text, "r.yaml")
    assert info.value.line == line and "recursive" in info.value.message


def test_recursive_alias_through_the_cli(repo, capsys):
    (repo / "loop.openness.yaml").write_text(HEAD + "evaluation: &e\n  - {name: x, results: *e}\n")
    run = sarif_eval(capsys)
    assert run.code == 1
    assert run.result_for("loop.openness.yaml", "manifest-unreadable").line == 5


def test_an_alias_redefined_later_refers_to_the_latest_anchor():
    doc = load_yaml("a: &x [1]\nb: &x [2]\nc: *x\n", "m.yaml")
    assert doc.data["c"] == [2]


def test_undefined_alias_and_collection_keys_are_errors_with_lines():
    with pytest.raises(YamlError) as info:
        load_yaml("a: 1\nb: *nope\n", "m.yaml")
    assert (info.value.line, info.value.col) == (2, 4)
    with pytest.raises(YamlError) as info:
        load_yaml("a: &k [1]\n? *k\n: v\n", "m.yaml")
    assert info.value.line == 2


def test_nesting_up_to_the_limit_loads_and_one_more_level_is_refused():
    assert load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH, "m.yaml").data is not None
    with pytest.raises(YamlError) as info:
        load_yaml("a:\n  b: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n", "m.yaml")
    assert info.value.line == 2 and f"more than {MAX_DEPTH} levels" in info.value.message


DEEP = {
    "flow-sequences": lambda n: HEAD + "x-deep: " + "[" * n + "]" * n + "\n",
    "flow-mappings": lambda n: HEAD + "x-deep: " + "{a: " * n + "1" + "}" * n + "\n",
    "compact-sequences": lambda n: HEAD + "x-deep:\n" + "- " * n + "x\n",
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_100000_levels_are_a_finding_in_a_child_process(tmp_path, shape):
    """libyaml's own composer recurses in C and segfaults near 50,000 levels; ours never recurses."""
    (tmp_path / "deep.openness.yaml").write_text(DEEP[shape](100_000))
    (tmp_path / "fine.openness.yaml").write_text(OK_MANIFEST)
    proc = cli_subprocess(tmp_path, "eval", "--format", "sarif")
    from hostile import Run

    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert run.code == 1
    hit = run.result_for("deep.openness.yaml", "manifest-unreadable")
    assert f"more than {MAX_DEPTH} levels" in hit.message
    assert hit.line == (4 if shape != "compact-sequences" else 5)
    assert run.result_for("fine.openness.yaml")


def test_deep_block_indentation_is_refused_at_the_line_that_crosses_the_limit(repo, capsys):
    lines = "".join(" " * i + "- x\n" + " " * i + "-\n" for i in range(2, 3000))
    (repo / "indent.openness.yaml").write_text(HEAD + "x-deep:\n -\n" + lines)
    run = sarif_eval(capsys)
    hit = run.result_for("indent.openness.yaml", "manifest-unreadable")
    assert f"more than {MAX_DEPTH} levels" in hit.message
    assert hit.line == 5 + 2 * (MAX_DEPTH - 2) + 1


def test_data_at_the_depth_limit_goes_through_every_reporter(repo, capsys):
    """The limit keeps recursive consumers (schema validation, JSON output) inside Python's stack."""
    deep = "[" * (MAX_DEPTH - 3) + "1" + "]" * (MAX_DEPTH - 3)
    (repo / "limit.openness.yaml").write_text(HEAD + f"evaluation:\n  - {{name: x, results: {deep}}}\nx-d: {deep}\n")
    for fmt in ("text", "json", "sarif", "markdown", "github"):
        run = sarif_eval(capsys) if fmt == "sarif" else None
        if run is None:
            from hostile import cli

            run = cli(capsys, "eval", "--format", fmt)
        assert run.code in (0, 1) and "internal error" not in run.err, (fmt, run.err)
