"""Wrong values (issue 7, class 5): duplicate keys, wrong types everywhere for every format plugin,
huge numbers and non-finite floats in YAML. A problem on the record, never an exception."""
from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from hostile import OK_MANIFEST, sarif_eval

from openness_policy.limits import MAX_NUMBER_CHARS
from openness_policy.plugin_types import Source
from openness_policy.plugins import load_registry
from openness_policy.record import ModelRecord
from openness_policy.yamlload import YamlError, load_yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# A valid sample per built-in format, how it is written, and where its model object sits.
SAMPLES = {
    "native": (REPO / "examples/demo/models/atlas-chat/atlas-chat.openness.yaml", "yaml", ()),
    "mot": (FIXTURES / "mot/class-ii-report-and-paper.yml", "yaml", ("release",)),
    "hf-card": (FIXTURES / "hf/gated/README.md", "md", ()),
    "cyclonedx": (FIXTURES / "cyclonedx/two-models.cdx.json", "json", ("components", 0)),
    "spdx3": (FIXTURES / "spdx/tool-output.spdx3.json", "json", None),  # the first AIPackage element
    "osai-index": (FIXTURES / "osai/example-model.yaml", "yaml", ()),
}
WRONG = ["text", 7, -1.5, True, None, [], {}, [1, "x"], {"x": [1]}, "9" * 50]
KEEP = {"type", "@type", "bomFormat", "specVersion", "@context"}  # what makes the document that format


def registry():
    return load_registry(entry_points=False)


def parse(path: Path, kind: str):
    text = path.read_text(encoding="utf-8")
    if kind == "json":
        return json.loads(text)
    if kind == "md":
        text = text.split("---\n")[1]
    return load_yaml(text, path.name).data


def render(data, kind: str) -> str:
    if kind != "md":
        return json.dumps(data, indent=1)  # JSON is YAML too
    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return f"---\n{out.getvalue()}---\n\n# A model\n"


def paths(data) -> list[tuple]:
    out, stack = [], [((), data)]
    while stack:
        path, item = stack.pop()
        out.append(path)
        if isinstance(item, dict):
            stack.extend((path + (k,), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((path + (i,), v) for i, v in enumerate(item))
    return sorted(out, key=lambda p: (len(p), list(map(str, p))))


def replaced(data, path: tuple, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    cur = data
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    return data


def load(fmt: str, text: str) -> list[ModelRecord]:
    path, _, _ = SAMPLES[fmt]
    records = registry().formats[fmt].load(Source(path, path.name, text))
    assert isinstance(records, list) and all(isinstance(r, ModelRecord) for r in records)
    return records


def test_every_builtin_format_has_a_sample():
    assert set(registry().formats) <= set(SAMPLES)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_any_single_value_of_the_wrong_type_never_raises(fmt):
    path, kind, _ = SAMPLES[fmt]
    data = parse(path, kind)
    spec = registry().formats[fmt]
    for p in paths(data):
        for wrong in WRONG:
            text = render(replaced(data, p, wrong), kind)
            try:
                spec.load(Source(path, path.name, text))
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{fmt}: {p} = {wrong!r} raised {type(exc).__name__}: {exc}")


def opposite(value):
    """A value of the wrong kind: a string where a mapping was, a number where a list was, ..."""
    if isinstance(value, dict):
        return "text"
    if isinstance(value, list):
        return 7
    if isinstance(value, str):
        return {"x": [1]}
    return [1, "x"]


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_every_key_of_the_model_wrong_is_a_problem(fmt):
    path, kind, where = SAMPLES[fmt]
    data = parse(path, kind)
    if where is None:
        where = next(("element", i) for i, el in enumerate(data["element"]) if "AIPackage" in str(el.get("type")))
    target = data
    for key in where:
        target = target[key]
    wrong = {k: v if k in KEEP else opposite(v) for k, v in target.items()}
    records = load(fmt, render(replaced(data, where, wrong), kind))
    # The model whose keys were all replaced carries problems about them (other models in the same
    # document, such as a second BOM component, are untouched and may have none).
    from openness_policy.sourcemap import key_string

    prefix = key_string(tuple(where))
    mine = [r for r in records if r.pos.key == prefix] or records  # the record rooted at that element, if any
    assert records and all(r.problems for r in mine), fmt


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@pytest.mark.parametrize("root", ["text", 7, [1, 2], None])
def test_a_document_that_is_not_a_mapping_never_raises(fmt, root):
    load(fmt, render(root, SAMPLES[fmt][1]))


def test_duplicate_yaml_keys_are_a_warning_at_the_second_key_and_the_last_value_wins(tmp_path, monkeypatch, capsys):
    doc = load_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "d.yaml")
    assert doc.data == {"a": 3, "b": {"c": 2}}
    assert [(p, doc.pos(*p).line) for _, p, _ in doc.problems] == [(("b", "c"), 4), (("a",), 5)]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.openness.yaml").write_text(OK_MANIFEST + "license: mit\n")
    run = sarif_eval(capsys)
    hit = run.result_for("d.openness.yaml", "manifest-invalid")
    assert hit.line == 5 and "duplicate key 'license'" in hit.message


@pytest.mark.parametrize("value, message", [
    ("1" * 5000, f"the limit is {MAX_NUMBER_CHARS:,}"),
    ("0x" + "f" * 5000, f"the limit is {MAX_NUMBER_CHARS:,}"),  # Python converts hex freely, then cannot print it
    ("1e400", "not a finite number"),
    ("-.inf", "not a finite number"),
    (".NaN", "not a finite number"),
    ("1" * 400 + ".5", "not a finite number"),
])
def test_huge_and_non_finite_yaml_numbers_are_errors_at_their_line(value, message):
    with pytest.raises(YamlError) as info:
        load_yaml(f"a: 1\nb: {value}\n", "n.yaml")
    assert info.value.line == 2 and message in info.value.message


def test_huge_numbers_as_text_are_fine_and_so_is_a_wrong_explicit_tag():
    doc = load_yaml(f"a: '{'1' * 5000}'\nb: !!int twelve\nc: 0b101\nd: 1_000\n", "n.yaml")
    assert doc.data == {"a": "1" * 5000, "b": "twelve", "c": 5, "d": 1000}


def test_huge_number_in_a_manifest_is_a_finding(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.openness.yaml").write_text(OK_MANIFEST + "version: " + "7" * 10_000 + "\n")
    run = sarif_eval(capsys)
    assert run.code == 1
    assert run.result_for("n.openness.yaml", "manifest-unreadable").line == 5
