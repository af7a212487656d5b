"""Hostile JSON (issue 7, class 2 and the JSON half of class 5): deep nesting, NaN/Infinity,
numbers that overflow or exceed Python's digit limit, unpaired surrogate escapes, duplicate keys."""
from __future__ import annotations

import json
import sys

import pytest
from hostile import OK_MANIFEST, Run, cli_subprocess, sarif_eval

from openness_policy.jsonload import load_json
from openness_policy.limits import MAX_DEPTH, MAX_NUMBER_CHARS
from openness_policy.yamlload import YamlError

BOM_HEAD = '{\n  "bomFormat": "CycloneDX",\n  "specVersion": "1.6",\n  "version": 1,\n'


def bom(body: str) -> str:
    return BOM_HEAD + body + "\n}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fine.openness.yaml").write_text(OK_MANIFEST)
    return tmp_path


@pytest.mark.parametrize("shape", ["arrays", "objects"])
def test_100000_levels_are_a_finding_in_a_child_process(tmp_path, shape):
    n = 100_000
    deep = "[" * n + "]" * n if shape == "arrays" else '{"a":' * n + "1" + "}" * n
    (tmp_path / "deep.cdx.json").write_text(bom(f'  "x-deep": {deep}'))
    (tmp_path / "fine.openness.yaml").write_text(OK_MANIFEST)
    proc = cli_subprocess(tmp_path, "eval", "--format", "sarif")
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert run.code == 1
    hit = run.result_for("deep.cdx.json", "manifest-unreadable")
    assert f"more than {MAX_DEPTH} levels" in hit.message and hit.line == 5
    assert run.result_for("fine.openness.yaml")


def test_depth_limit_is_exact_and_ignores_brackets_inside_strings():
    assert load_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "x.json").data is not None
    assert load_json('["' + "[" * 10_000 + '"]', "x.json").data == ["[" * 10_000]
    text = '{\n "a": [1, 2],\n "b": "]]]]",\n "c":\n ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}"
    with pytest.raises(YamlError) as info:
        load_json(text, "x.json")
    assert (info.value.line, info.value.col) == (5, 1 + MAX_DEPTH)  # the object counts as one level


def test_deep_json_hidden_after_a_large_flat_array_is_still_found():
    text = "[" + "1," * 200_000 + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "]"
    with pytest.raises(YamlError) as info:
        load_json(text, "x.json")
    assert info.value.line == 1 and info.value.col == 1 + 400_000 + MAX_DEPTH


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1E+999"])
def test_non_finite_numbers_are_findings_at_their_line(repo, capsys, literal):
    (repo / "nan.cdx.json").write_text(bom(f'  "components": [\n    {{"type": "machine-learning-model", "name": "NaN", "x": {literal}}}\n  ]'))
    run = sarif_eval(capsys)
    assert run.code == 1
    hit = run.result_for("nan.cdx.json", "manifest-unreadable")
    assert hit.line == 6 and literal.lstrip("-") in hit.message


def test_integer_beyond_pythons_digit_limit_is_a_finding(repo, capsys):
    (repo / "big.cdx.json").write_text(bom('  "x-big":\n    ' + "9" * 5000))
    run = sarif_eval(capsys)
    hit = run.result_for("big.cdx.json", "manifest-unreadable")
    assert hit.line == 6 and f"{MAX_NUMBER_CHARS:,} digits" in hit.message


@pytest.mark.skipif(not hasattr(sys, "set_int_max_str_digits"), reason="Python without int_max_str_digits")
def test_integer_limit_holds_even_when_python_limit_is_switched_off():
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with pytest.raises(YamlError) as info:
            load_json('{"a":\n ' + "1" * 100_000 + "}", "x.json")
    finally:
        sys.set_int_max_str_digits(before)
    assert info.value.line == 2


def test_unpaired_surrogate_escape_is_refused_but_a_pair_is_fine():
    assert load_json('{"a": "\\ud83d\\ude00"}', "x.json").data == {"a": "\U0001F600"}
    assert load_json('{"a": "\\\\ud800"}', "x.json").data == {"a": "\\ud800"}  # an escaped backslash, not an escape
    with pytest.raises(YamlError) as info:
        load_json('{\n"a": "\\ud800x"}', "x.json")
    assert info.value.line == 2 and "surrogate" in info.value.message


def test_surrogate_in_a_cyclonedx_name_does_not_break_any_output(repo, capsys):
    (repo / "s.cdx.json").write_text(bom('  "components": [{"type": "machine-learning-model", "name": "a\\udc80"}]'))
    run = sarif_eval(capsys)
    assert run.result_for("s.cdx.json", "manifest-unreadable").line == 5


def test_duplicate_json_keys_are_a_finding_and_the_last_value_wins(repo, capsys):
    text = '{"a": 1,\n "b": {"c": 1,\n  "c": 2},\n "a": 3}'
    doc = load_json(text, "x.json")
    assert doc.data == {"a": 3, "b": {"c": 2}}
    assert sorted((p, doc.pos(*p).line) for _, p, _ in doc.problems) == [(("a",), 4), (("b", "c"), 3)]
    model = '{"type": "machine-learning-model", "name": "m", "name": "m2"}'
    (repo / "dup.cdx.json").write_text(bom(f'  "components": [\n    {model}\n  ]'))
    run = sarif_eval(capsys)
    hit = run.result_for("dup.cdx.json", "manifest-invalid")
    assert "duplicate key 'name'" in hit.message and hit.line == 6


def test_crlf_and_lone_cr_line_endings_keep_positions_right():
    for eol in ("\r\n", "\r"):
        text = eol.join(['{', ' "a": 1,', ' "b": [1,', '  2]', '}'])
        assert load_json(text, "x.json").pos("b", 1).line == 4
        with pytest.raises(YamlError) as info:
            load_json(text.replace("2]", "2,]"), "x.json")
        assert info.value.line == 4


def test_positions_in_a_huge_json_file_do_not_scan_all_of_it():
    import time

    text = '{"components": [{"name": "m"}],\n "x": [' + "0," * 3_000_000 + '0],\n "y": {"z": 1}}'
    doc = load_json(text, "x.json")
    start = time.monotonic()
    assert (doc.pos("components", 0, "name").line, doc.pos("y", "z").line) == (1, 3)
    assert doc.pos("components", 5).key == "components[5]" and doc.pos("components", 5).col == 2  # the parent
    assert time.monotonic() - start < 5


def test_a_five_megabyte_line_is_fast():
    import time

    text = json.dumps({"a": "x" * 5_000_000, "b": ["[" * 1000] * 1000})
    start = time.monotonic()
    doc = load_json(text, "x.json")
    assert doc.pos("b", 3).line == 1
    assert time.monotonic() - start < 5
