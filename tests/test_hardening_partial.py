"""Partial failure and error messages (issue 7, classes 8 and 9): what can be read is judged and
reported, what cannot is named with its file and line, exit codes follow the contract, and a bug
is a short message with the version and a hint (exit 2), never a traceback."""
from __future__ import annotations

import json
import os
import re

import pytest
from hostile import OK_MANIFEST, cli, sarif_eval

from openness_policy import __version__
from openness_policy.limits import MAX_DEPTH

GOOD = {
    "good-a.openness.yaml": OK_MANIFEST.replace("fine", "good-a"),
    "good-b.openness.yaml": OK_MANIFEST.replace("fine", "good-b"),
}
BAD = {  # file -> (how to make it, the rule it earns, the line of the finding)
    "binary.openness.yaml": (b"openness: 1\n\x00\x01", "manifest-unreadable", 2),  # the line of the first NUL byte
    "bomb.openness.yaml": (b"openness: 1\nname: bomb\na: &a [1,1,1,1,1,1,1,1,1,1]\n" + b"".join(
        b"b%d: &a%d [" % (i, i) + b", ".join([b"*a" if i == 0 else b"*a%d" % (i - 1)] * 10) + b"]\n"
        for i in range(7)), "manifest-unreadable", 7),
    "deep.cdx.json": (b'{"bomFormat": "CycloneDX", "specVersion": "1.6",\n "x": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                      "manifest-unreadable", 2),
    "syntax.openness.yaml": (b"openness: 1\nname: [unclosed\n", "manifest-unreadable", 3),
}


@pytest.fixture
def mixed(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    for name, text in GOOD.items():
        (root / name).write_text(text)
    for name, (data, _, _) in BAD.items():
        (root / name).write_bytes(data)
    (root / "link.openness.yaml").symlink_to(tmp_path)  # a folder outside: never read
    return root


def test_eval_judges_everything_readable_and_names_everything_else(mixed, capsys):
    run = sarif_eval(capsys)
    assert run.code == 1
    for name in GOOD:
        assert run.result_for(name, "openness-level")  # judged: its verdict is reported
    for name, (_, rule, line) in BAD.items():
        assert run.result_for(name, rule).line == line, name
    assert run.result_for("link.openness.yaml", "path-unsafe")


def test_every_output_format_survives_mixed_input(mixed, capsys, tmp_path):
    for fmt in ("text", "json", "markdown", "github"):
        run = cli(capsys, "eval", "--format", fmt)
        assert run.code == 1 and "internal error" not in run.err
        for name in [*GOOD, *BAD]:
            assert name in run.out, (fmt, name)
    report = json.loads(cli(capsys, "eval", "--format", "json").out)
    assert report
    out = tmp_path / "out.sarif"
    assert cli(capsys, "eval", "--output", f"sarif={out}").code == 1
    from sarif_lint import lint

    assert lint(json.loads(out.read_text())) == []


def test_an_unreadable_manifest_alone_makes_eval_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.openness.yaml").write_text(OK_MANIFEST)
    assert cli(capsys, "eval", "--fail-on", "error").code == 0
    (tmp_path / "bad.openness.yaml").write_bytes(b"\xff\xfe\x00")
    run = cli(capsys, "eval", "--fail-on", "error")
    assert run.code == 1 and "bad.openness.yaml" in run.out


def test_classify_prints_what_it_could_and_exits_2(mixed, capsys):
    run = cli(capsys, "classify")
    assert run.code == 2
    for name in GOOD:
        assert name.split(".")[0] in run.out
    for name, (_, _, line) in BAD.items():
        assert re.search(rf"^error: {re.escape(name)}:{line}:\d+: .+\(.+\)$", run.err, re.M), (name, run.err)
    run = cli(capsys, "classify", "--format", "json")
    assert run.code == 2
    paths = {m["path"] for m in json.loads(run.out)["models"]}
    assert set(GOOD) <= paths


def test_classify_exits_0_when_everything_is_readable(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.openness.yaml").write_text(OK_MANIFEST)
    assert cli(capsys, "classify").code == 0


# --- class 9: messages -------------------------------------------------------------------------------

def test_every_finding_for_bad_input_names_file_line_and_a_fix(mixed, capsys):
    report = json.loads(cli(capsys, "eval", "--format", "json").out)
    bad = [f for f in report["findings"] if f["rule"] in ("manifest-unreadable", "path-unsafe", "manifest-invalid")]
    assert len(bad) >= len(BAD) + 1
    text = cli(capsys, "eval").out
    for name, (_, _, line) in BAD.items():
        assert re.search(rf"^{re.escape(name)}:{line}:\d+ .*\(fix: .+\)$", text, re.M), name


def test_limit_messages_say_what_to_do_not_fix_the_syntax(mixed, capsys):
    text = cli(capsys, "eval").out
    deep = next(ln for ln in text.splitlines() if ln.startswith("deep.cdx.json:"))
    assert f"more than {MAX_DEPTH} levels" in deep and "flatten the structure" in deep and "syntax" not in deep
    bomb = next(ln for ln in text.splitlines() if ln.startswith("bomb.openness.yaml:"))
    assert "alias" in bomb and "repeat the values" in bomb


@pytest.mark.parametrize("args, expect", [
    (["eval", "no/such/dir"], "no/such/dir: no such file or directory"),
    (["eval", "--policy", "nope.yaml"], "nope.yaml: policy file not found"),
    (["eval", "--template", "../x"], "unknown template '../x'"),
])
def test_usage_errors_name_what_is_wrong(tmp_path, monkeypatch, capsys, args, expect):
    monkeypatch.chdir(tmp_path)
    run = cli(capsys, *args)
    assert run.code == 2 and expect in run.err


def test_a_format_plugin_that_raises_is_a_finding_not_a_crash(tmp_path, monkeypatch, capsys):
    from openness_policy.formats import native

    def boom(src):
        raise KeyError("plugin bug")

    monkeypatch.setattr(native, "load", boom)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.openness.yaml").write_text(OK_MANIFEST)
    run = sarif_eval(capsys)
    hit = run.result_for("m.openness.yaml", "manifest-unreadable")
    assert run.code == 1 and __version__ in hit.message and "report" in hit.message


def test_an_internal_error_is_a_short_message_with_the_version_and_exit_2(tmp_path, monkeypatch, capsys):
    from openness_policy.reporters import sarif

    def boom(*args, **kwargs):
        raise ZeroDivisionError("reporter bug")

    monkeypatch.setattr(sarif, "render", boom)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.openness.yaml").write_text(OK_MANIFEST)
    run = cli(capsys, "eval", "--format", "sarif")
    assert run.code == 2
    assert "internal error" in run.err and __version__ in run.err and "report" in run.err
    assert len(run.err.strip().splitlines()) <= 3


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_explicit_paths_that_are_not_files_are_named(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dir.openness.yaml").mkdir()
    (tmp_path / "good.openness.yaml").write_text(OK_MANIFEST)
    os.symlink("/dev/null", tmp_path / "null.openness.yaml")
    run = sarif_eval(capsys, "null.openness.yaml", "good.openness.yaml", "dir.openness.yaml")
    assert run.result_for("null.openness.yaml", "path-unsafe") and run.result_for("good.openness.yaml")
