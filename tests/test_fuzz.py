"""Fuzzing manifest and policy loading (issue 7): "a finding or a clean exit 2, never an exception".

Manifests go through the engine's ``load_candidate`` for every registered format (random bytes,
random text, structure-aware YAML/JSON built from each format's own keys, and random edits of real
samples), then through classification, evaluation and the SARIF reporter. Policies go through
``PolicyLoader`` and may only raise ``UserError``/``ConfigError``. The budget is bounded for CI and
derandomized (the same examples every run); ``FUZZ_EXAMPLES`` raises it for a longer local run.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hostile import reference_glob
from sarif_lint import lint

from openness_policy.discover import Candidate
from openness_policy.errors import UserError
from openness_policy.globmatch import glob_match
from openness_policy.jsonload import load_json
from openness_policy.record import ModelRecord
from openness_policy.yamlload import YamlError, load_yaml

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
BUDGET = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")), deadline=None, derandomize=True,
                  database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                        HealthCheck.function_scoped_fixture])
# For each format: a file name it claims, a real sample, and the words its documents are made of.
FORMATS = {
    "native": ("m.openness.yaml", REPO / "examples/demo/models/atlas-chat/atlas-chat.openness.yaml"),
    "mot": ("model.yml", FIXTURES / "mot/class-ii-report-and-paper.yml"),
    "hf-card": ("README.md", FIXTURES / "hf/gated/README.md"),
    "cyclonedx": ("m.cdx.json", FIXTURES / "cyclonedx/two-models.cdx.json"),
    "spdx3": ("m.spdx3.json", FIXTURES / "spdx/tool-output.spdx3.json"),
    "osai-index": ("entry.yaml", FIXTURES / "osai/example-model.yaml"),
}
YAML_BITS = ["&a ", "*a", "<<: ", "!!int ", "!!str ", "? ", "- ", ": ", "[", "]", "{", "}", ",", "'", '"', "|\n",
             ">-\n", "#", "\n", "\r\n", "\t", "  ", "---\n", "...\n", "%YAML 1.2\n", "~", "null", ".inf", ".nan",
             "1e400", "9" * 60, "0x1F", "\\u00e9", "\ufeff", "\x85", "\u2028", "é", "\U0001F600", "\\"]
JSON_BITS = ['{', '}', '[', ']', ',', ':', '"', '\\"', "\\ud800", "NaN", "Infinity", "1e999", "-0", "null", "true",
             "9" * 400, '"@type"', '"type"', '"machine-learning-model"', '"components"', "\n"]


def chunks(bits: list[str], size: int):
    """Text made of syntax fragments and arbitrary characters (surrogates included)."""
    return st.lists(st.sampled_from(bits) | st.characters(), max_size=size).map("".join)


@lru_cache(maxsize=None)
def world():
    """Registry, default policy and catalogue, built once for every example."""
    from openness_policy.engine import Options, build_policy, load_catalog
    from openness_policy.plugins import load_registry

    registry = load_registry(entry_points=False)
    opts = Options(no_default_policy=True)
    policy = build_policy(registry, REPO, opts, REPO)
    return registry, policy, load_catalog(registry, policy), opts


def words(fmt: str) -> list[str]:
    """Keys and string values of a format's sample: what a structure-aware document is made of."""
    sample = FORMATS[fmt][1].read_text(encoding="utf-8")
    out, token = set(), ""
    for ch in sample:
        if ch.isalnum() or ch in "-_@.:/":
            token += ch
        else:
            if 1 < len(token) < 40:
                out.add(token.strip(":"))
            token = ""
    return sorted(w for w in out if w)


def values(fmt: str):
    keys = st.sampled_from(words(fmt)) | st.text(max_size=8)
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | \
        st.sampled_from(words(fmt)) | st.text(max_size=20)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=6),
                        max_leaves=40)


def render(fmt: str, data, as_block: bool) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=False)
    if fmt == "cyclonedx" and isinstance(data, dict):
        text = json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", **data}, indent=1)
    if as_block and fmt not in ("cyclonedx", "spdx3"):
        from io import StringIO

        from ruamel.yaml import YAML

        out = StringIO()
        YAML(typ="safe", pure=True).dump(data, out)
        text = out.getvalue()
    if fmt == "native":
        text = "openness: 1\n" + text if as_block else text
    if fmt == "hf-card":
        text = f"---\n{text}\n---\n# card\n"
    return text


def mutate(text: str, edits: list[tuple[int, int, str]]) -> str:
    for where, cut, bit in edits:
        i = where % (len(text) + 1)
        text = text[:i] + bit + text[i + cut:]
    return text


def judge_all(tmp: Path, fmt: str, data: bytes) -> None:
    """Load the file as the engine does, then classify, evaluate and render SARIF: never an exception."""
    from openness_policy.engine import judge, load_candidate
    from openness_policy.reporters import sarif

    registry, policy, catalog, opts = world()
    name = FORMATS[fmt][0]
    path = tmp / name
    path.write_bytes(data)
    records = load_candidate(Candidate(path, name, True), tmp, [registry.formats[fmt]], 1 << 20)
    assert isinstance(records, list) and all(isinstance(r, ModelRecord) for r in records)
    for rec in records:
        for p in rec.problems:
            assert "reader failed" not in p.message, p.message  # a plugin exception, caught by the engine
            assert p.pos.file == name and p.pos.line >= 1
    report = judge(records, registry, policy, catalog, opts, files=1)
    assert lint(json.loads(sarif.render(report))) == []


@pytest.fixture(scope="module")
def tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@BUDGET
@given(data=st.data())
def test_manifest_loading_never_raises(tmp, fmt, data):
    sample = FORMATS[fmt][1].read_text(encoding="utf-8")
    bits = JSON_BITS if fmt in ("cyclonedx", "spdx3") else YAML_BITS
    kind = data.draw(st.sampled_from(["bytes", "text", "structure", "block", "edits"]), label="kind")
    if kind == "bytes":
        raw = data.draw(st.binary(max_size=400), label="bytes")
    elif kind == "text":
        raw = data.draw(chunks(bits, 80).map(lambda t: t.encode("utf-8", "surrogatepass")), label="text")
    elif kind in ("structure", "block"):
        raw = render(fmt, data.draw(values(fmt), label="doc"), kind == "block").encode("utf-8", "surrogatepass")
    else:
        edits = data.draw(st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 5), st.sampled_from(bits)),
                                   min_size=1, max_size=6), label="edits")
        raw = mutate(sample, edits).encode("utf-8", "surrogatepass")
    judge_all(tmp, fmt, raw)


@BUDGET
@given(text=chunks(YAML_BITS, 120))
def test_yaml_loader_raises_only_yaml_error(text):
    try:
        doc = load_yaml(text, "f.yaml")
    except YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.message
        return
    doc.pos()  # positions are consistent with the data


@BUDGET
@given(text=chunks(JSON_BITS, 120))
def test_json_loader_raises_only_yaml_error(text):
    try:
        doc = load_json(text, "f.json")
    except YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.message
        return
    json.dumps(doc.data, allow_nan=False)  # whatever loads can be written out as strict JSON
    assert doc.marks is not None


POLICY_WORDS = ["version", "name", "rules", "id", "require", "when", "scope", "labels", "paths", "formats", "models",
                "severity", "error", "warning", "note", "all", "any", "not", "openness", "open-weights", "mof-class",
                "osaid", "license-clauses", "forbid", "allow", "licenses", "components", "fields", "field",
                "extends", "builtin:osaid-1.0", "builtin:nope", "../x.yaml", "/etc/passwd", "exceptions", "rule",
                "reason", "expires", "2030-01-01", "settings", "unknown-license", "override", "**/*.yaml", "x"]


def policies():
    scalars = st.none() | st.booleans() | st.integers(-3, 5) | st.sampled_from(POLICY_WORDS) | st.text(max_size=6)
    keys = st.sampled_from(POLICY_WORDS)
    tree = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
                        max_leaves=30)
    return st.fixed_dictionaries({"version": st.sampled_from([1, 2, "1"])}, optional={
        "rules": st.lists(st.dictionaries(keys, tree, max_size=5) | tree, max_size=3),
        "extends": st.lists(st.sampled_from(POLICY_WORDS), max_size=2) | tree,
        "settings": tree, "exceptions": tree, "licenses": tree, "name": tree})


@BUDGET
@given(doc=policies(), edits=st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 3), st.sampled_from(YAML_BITS)),
                                      max_size=3))
def test_policy_loading_is_a_policy_or_a_clean_user_error(tmp, doc, edits):
    from openness_policy.policy.load import PolicyLoader

    registry = world()[0]
    path = tmp / "policy.yaml"
    path.write_text(mutate(json.dumps(doc, indent=1), edits), encoding="utf-8", errors="surrogatepass")
    try:
        PolicyLoader(registry, tmp).load_file(path)
    except UserError as exc:  # ConfigError included
        assert str(exc).strip()


@BUDGET
@given(pattern=st.lists(st.sampled_from(["*", "**", "**/", "?", "/", "a", "b", "."]), max_size=8).map("".join),
       path=st.lists(st.sampled_from(["/", "a", "b", ".", "ab"]), max_size=10).map("".join))
def test_linear_glob_agrees_with_the_regex_translation(pattern, path):
    assert glob_match(path, pattern) is reference_glob(path, pattern)
