"""The compiled schema predicate agrees with jsonschema: on our schemas, real files and generated data.

``validation.schema_errors`` skips jsonschema when the compiled predicate says "valid", so a
predicate that is wrong in that direction would hide errors. These tests try hard to find one.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.resources import data_dir
from openness_policy.schema_compile import compile_schema
from openness_policy.schema_values import equal, unique
from openness_policy.validation import fast_check, is_valid, schema_errors, validator
from openness_policy.yamlload import load_yaml
from tests.conftest import REPO, corpus_path

SCHEMAS = sorted(p.name for p in data_dir("schemas").glob("*.json"))
D2020 = "https://json-schema.org/draft/2020-12/schema"
D7 = "http://json-schema.org/draft-07/schema#"


def _load(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else load_yaml(text, path.name).data


def _mutations(doc, rng: random.Random, n: int):
    """Variants of a document: values swapped for other types, keys dropped or added."""
    odd = [None, True, False, 0, 1, 1.0, 2.5, -1, "", "x", "Apache-2.0", [], ["a", "a"], {}, {"name": 1}]
    paths = []

    def walk(node, path):
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, path + (i,))
    walk(doc, ())
    for _ in range(n):
        out = copy.deepcopy(doc)
        path = rng.choice(paths)
        if not path:
            continue
        parent = out
        for p in path[:-1]:
            parent = parent[p]
        action = rng.random()
        if action < 0.6:
            parent[path[-1]] = copy.deepcopy(rng.choice(odd))
        elif action < 0.8 and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[rng.choice(["extra", "x-note", "Name", "license"])] = rng.choice(odd)
        else:
            parent.append(copy.deepcopy(parent[path[-1]]))
        yield out


def _agree(name: str, data) -> None:
    fast = fast_check(name)
    assert fast is not None
    assert fast(data) == validator(name).is_valid(data), (name, data)


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_shipped_schema_compiles(name):
    assert fast_check(name) is not None, f"{name} uses a keyword the compiler does not know: add it"


def test_mot_corpus_and_mutations_agree():
    files = sorted(corpus_path("mot", "models").glob("*.yml"))
    rng = random.Random(6)
    for path in files:
        doc = _load(path)
        _agree("mot-model.schema.json", doc)
        for variant in _mutations(doc, rng, 8):
            _agree("mot-model.schema.json", variant)


def test_repository_files_and_mutations_agree():
    """Our own fixtures and examples (present in a fresh clone) against the schema that fits each."""
    rng = random.Random(7)
    pairs = [(p, "model-manifest.schema.json") for p in REPO.glob("examples/**/*.openness.yaml")]
    pairs += [(p, "policy.schema.json") for p in REPO.glob("examples/**/.openness-policy.yaml")]
    pairs += [(p, "policy.schema.json") for p in REPO.glob("tests/cases/*/.openness-policy.yaml")]
    pairs += [(p, "policy.schema.json") for p in (REPO / "policies" / "templates").glob("*.yaml")]
    pairs += [(p, "mot-model.schema.json") for p in (REPO / "tests" / "fixtures").glob("mot*/**/*.yml")]
    assert len(pairs) > 5
    for path, name in pairs:
        try:
            doc = _load(path)
        except Exception:  # a deliberately broken fixture
            continue
        _agree(name, doc)
        for variant in _mutations(doc, rng, 20):
            _agree(name, variant)


def test_license_catalogue_agrees():
    doc = _load(data_dir("policies") / "licenses" / "catalog.yaml")
    _agree("license-catalog.schema.json", doc)
    rng = random.Random(8)
    for variant in _mutations(doc, rng, 60):
        _agree("license-catalog.schema.json", variant)


# Small schemas that exercise every keyword, with jsonschema's corner cases (bool vs number).
KEYWORD_SCHEMAS = [
    {"$schema": D2020, "type": "integer"},
    {"$schema": D2020, "type": ["number", "null"], "minimum": 1, "exclusiveMaximum": 3},
    {"$schema": D2020, "enum": [1, "a", None, [1, 2], {"k": True}]},
    {"$schema": D2020, "const": False},
    {"$schema": D2020, "type": "array", "uniqueItems": True, "minItems": 1, "maxItems": 3},
    {"$schema": D2020, "type": "string", "minLength": 2, "maxLength": 4, "pattern": "^a"},
    {"$schema": D2020, "type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}},
     "patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": {"type": "integer"},
     "minProperties": 1, "maxProperties": 3, "propertyNames": {"maxLength": 3}},
    {"$schema": D2020, "oneOf": [{"type": "integer"}, {"minimum": 2}]},
    {"$schema": D2020, "anyOf": [{"type": "string"}, {"type": "array", "items": {"const": 1}}]},
    {"$schema": D2020, "not": {"enum": [0, "0"]}},
    {"$schema": D2020, "if": {"type": "object", "required": ["k"]}, "then": {"properties": {"k": {"const": 1}}},
     "else": {"type": ["array", "string"]}},
    {"$schema": D2020, "$defs": {"n": {"type": ["array", "integer"], "items": {"$ref": "#/$defs/n"}}},
     "$ref": "#/$defs/n", "maxItems": 2},
    {"$schema": D7, "definitions": {"s": {"type": "string"}}, "$ref": "#/definitions/s", "type": "integer"},
    {"$schema": D2020, "allOf": [{"type": "object"}, {"additionalProperties": False, "properties": {"a": True}}]},
]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.0, 1.0, 2.5, -1.5])
    | st.sampled_from(["", "a", "ab", "abcd", "abcde", "0", "x-y", "k"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["a", "k", "x-a", "long", "b"]), inner, max_size=4),
    max_leaves=10,
)


TRICKY = [None, True, False, 0, 1, 2, 3, 1.0, 2.5, "", "a", "ab", "abcde", "0", [], [1], [1, 1.0], [1, True],
          [[1], [True]], ["a", "a"], [1, 2, 3, 4], [[1, [2]]], {}, {"a": True}, {"a": 1}, {"k": 1}, {"k": 2},
          {"x-a": "s"}, {"x-a": 1}, {"b": 1}, {"b": 1.5}, {"long": 1}, {"a": True, "b": 2, "k": 3, "x-a": "s"}]


@pytest.mark.parametrize("sch", KEYWORD_SCHEMAS)
def test_keywords_agree_on_tricky_values(sch):
    check = compile_schema(sch)
    assert check is not None
    js = jsonschema.validators.validator_for(sch)(sch)
    for value in TRICKY:
        assert check(value) == js.is_valid(value), (sch, value)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(range(len(KEYWORD_SCHEMAS))), json_values)
def test_keywords_agree_with_jsonschema(index, value):
    sch = KEYWORD_SCHEMAS[index]
    check = compile_schema(sch)
    assert check is not None
    want = jsonschema.validators.validator_for(sch)(sch).is_valid(value)
    assert check(value) == want, (sch, value)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_equal_and_unique_match_jsonschema(a, b):
    from jsonschema._utils import equal as js_equal
    from jsonschema._utils import uniq

    assert equal(a, b) == js_equal(a, b)
    assert unique([a, b, a] if isinstance(a, list) else [a, b]) == uniq([a, b, a] if isinstance(a, list) else [a, b])


@pytest.mark.parametrize("sch", [
    {"$schema": D2020, "type": "object", "unevaluatedProperties": False},  # unknown keyword
    {"$schema": "http://json-schema.org/draft-04/schema#", "type": "integer"},  # other dialect
    {"$schema": D2020, "$ref": "https://example.com/other.json"},  # a schema we do not have
    {"$schema": D7, "items": [{"type": "string"}]},  # tuple form
])
def test_unsupported_schemas_fall_back(sch):
    assert compile_schema(sch) is None


def test_schema_errors_still_reports_invalid_documents():
    doc = load_yaml("framework: {name: Model Openness Framework, version: '1.0', date: '2024-01-01'}\n"
                    "release: {name: '', components: [{name: Model card, license: 3}]}\n", "m.yml")
    found = list(schema_errors(doc, "mot-model.schema.json"))
    assert not is_valid(doc.data, "mot-model.schema.json")
    paths = [p for p, _m, _h in found]
    assert ("release", "name") in paths and ("release", "components", 0, "license") in paths


def test_requirement_kind_schemas_compile_and_agree():
    """Policy loading checks every requirement value against its kind's schema, through the fast path."""
    from openness_policy.plugins import load_registry
    from openness_policy.validation import LATEST, inline_is_valid

    kinds = load_registry(entry_points=False).requirements
    assert kinds
    values = TRICKY + [["training-code"], ["model-card", "nope"], "open-weights", "open-source", {"forbid": ["x"]},
                       {"forbid": ["competitor-training"]}, {"allow": ["MIT"]}, ["labels.owner"], 3, 0, 4]
    for name, spec in kinds.items():
        sch = spec.schema if "$schema" in spec.schema else {"$schema": LATEST, **spec.schema}
        assert compile_schema(sch) is not None, f"requirement kind {name}: schema not compilable"
        js = jsonschema.validators.validator_for(spec.schema)(spec.schema)
        for value in values:
            assert inline_is_valid(spec.schema, value) == js.is_valid(value), (name, value)
