"""CycloneDX ML-BOM format plugin: detection, mapping, licences, positions, corpus test vectors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.formats import cyclonedx
from openness_policy.formats.cyclonedx_licenses import read_licenses
from openness_policy.jsonload import load_json
from openness_policy.plugin_types import Source
from openness_policy.record import ModelRecord
from tests.conftest import FIXTURES, corpus_path

FIX = FIXTURES / "cyclonedx"


def load(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    return cyclonedx.load(Source(path, path.name, text))


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    return lines[nth]


def by_name(records: list) -> dict:
    return {r.name.value: r for r in records}


@pytest.mark.parametrize("name, head, expected", [
    ("bom.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "machine-learning-model"}]}', True),
    ("model.cdx.json", '{"bomFormat":"CycloneDX","specVersion":"1.7","x":"machine-learning-model"}', True),
    ("any-name.json", '{"bomFormat": "CycloneDX", "specVersion": "1.5", "t": "machine-learning-model"}', True),
    ("old.cdx.json", '{"bomFormat": "CycloneDX", "specVersion": "1.4", "t": "machine-learning-model"}', False),
    ("bom.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library"}]}', False),
    ("bom.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [' + " " * 5000, True),
    ("bom.xml", '<bom xmlns="http://cyclonedx.org/schema/bom/1.6">machine-learning-model', False),
    ("bom.yaml", 'bomFormat: CycloneDX\nspecVersion: "1.6"\nmachine-learning-model', False),
    ("package.json", '{"name": "x", "version": "1.0.0"}', False),
])
def test_detection_by_name_and_content(name, head, expected):
    assert cyclonedx.detect(name, head) is expected


@pytest.mark.parametrize("name, scanned", [
    ("bom.json", True), ("model.cdx.json", True), ("llama_aibom.json", True), ("x.bom.json", True),
    ("tokenizer.json", False), ("config.json", False), ("package-lock.json", False),
])
def test_directory_scans_look_at_conventional_names_only(name, scanned):
    import fnmatch

    assert any(fnmatch.fnmatch(name, p) for p in cyclonedx.PATTERNS) is scanned


def test_two_models_give_two_records_in_order():
    recs = load(FIX / "two-models.cdx.json")
    assert [r.index for r in recs] == [0, 1]  # the BOM subject repeated in `components` counts once
    assert [r.name.value for r in recs] == ["acme/summarizer", "classifier"]
    assert all(r.format == "cyclonedx" for r in recs)


def test_model_with_distribution_dataset_ref_metrics_and_lineage():
    path = FIX / "two-models.cdx.json"
    rec = by_name(load(path))["acme/summarizer"]
    assert rec.version.value == "2.0"
    assert rec.licenses["distribution"].value == "Apache-2.0"
    assert rec.weights_available.value == "yes"
    weights = rec.components["model-parameters-final"]
    assert weights.location.value == "https://huggingface.co/acme/summarizer"
    assert rec.components["model-card"].location.value.endswith("README.md")
    assert [str(f.value) for f in rec.evidence["code"]] == ["https://github.com/acme/summarizer-train"]
    wiki, missing = rec.datasets
    assert (wiki.name.value, wiki.source.value, wiki.license.value) == (
        "wiki-clean", "https://data.example.com/wiki-clean", "CC-BY-SA-4.0")
    assert wiki.license.pos.line == line_of(path, '"id": "CC-BY-SA-4.0"')
    assert missing.name.value == "data-missing" and missing.source is None
    assert any("data-missing" in p.message and p.level == "warning" for p in rec.problems)
    assert "data-card" in rec.components  # the referenced data component has a description
    assert rec.evaluation[0].value == {"name": "rouge-l", "value": "0.41", "slice": "cnn-dailymail test"}
    assert "evaluation-results" in rec.components
    assert [b.ref.value for b in rec.lineage] == ["pkg:huggingface/acme/base-lm@1.0"]
    assert rec.labels["stage"].value == "production"
    assert rec.evidence["purl"].value == "pkg:huggingface/acme/summarizer@0f3e9c1"


def test_expression_licence_hashes_only_and_inline_described_dataset():
    path = FIX / "two-models.cdx.json"
    rec = by_name(load(path))["classifier"]
    assert rec.licenses["distribution"].value == "MIT OR Apache-2.0"
    assert rec.licenses["distribution"].pos.line == line_of(path, '"expression": "MIT OR Apache-2.0"')
    assert "model-parameters-final" in rec.components
    assert rec.weights_available.value == "unknown"  # hashes, but nothing says where they are published
    (ds,) = rec.datasets
    assert (ds.name.value, ds.source.value, ds.license) == (
        "support-tickets-2025", "https://data.example.com/support-tickets-2025", None)
    assert "data-card" in rec.components
    assert not rec.problems


def test_licence_fact_points_at_the_id_line():
    path = FIX / "two-models.cdx.json"
    rec = by_name(load(path))["acme/summarizer"]
    pos = rec.licenses["distribution"].pos
    assert (pos.file, pos.line) == ("two-models.cdx.json", line_of(path, '"id": "Apache-2.0"'))
    assert pos.key == "components[0].licenses[0].license.id"


def test_mixed_declared_concluded_is_a_warning_in_1_6_only():
    (old,) = load(FIX / "mixed-licenses-1.6.cdx.json")
    (new,) = load(FIX / "mixed-licenses-1.7.cdx.json")
    for rec in (old, new):
        assert rec.licenses["distribution"].value == "MIT AND Acme Model Licence"  # declared entries preferred
        assert rec.evidence["license_concluded"].value == "MIT"
    (warning,) = old.problems
    assert warning.rule == "manifest-invalid" and warning.level == "warning" and "1.6" in warning.message
    assert warning.pos.line == line_of(FIX / "mixed-licenses-1.6.cdx.json", '"licenses"')
    assert not new.problems


def test_extension_properties_and_unknown_property_warning():
    ranker, gated = load(FIX / "properties.bom.json")
    assert ranker.weights_available.value == "no"
    assert "model-parameters-final" not in ranker.components  # declared not released wins over the reference
    assert "training-code" in ranker.components
    assert ranker.data_disclosure.value == "described"
    assert [p.message for p in ranker.problems] == [
        "unknown or malformed property 'openness-policy:weights-releasd' = 'true'"]
    assert gated.weights_available.value == "gated" and gated.gated.value is True
    assert gated.components["model-parameters-final"].location.value == "https://huggingface.co/acme/gated-model"


def test_bom_without_a_model_is_not_detected_and_loads_nothing():
    path = FIX / "library-only.cdx.json"
    assert not cyclonedx.detect(path.name, path.read_text()[:4096])
    assert load(path) == []


def test_syntax_error_becomes_an_unreadable_record_at_its_line():
    path = FIX / "broken.cdx.json"
    assert cyclonedx.detect(path.name, path.read_text())
    (rec,) = load(path)
    (problem,) = rec.problems
    assert problem.rule == "manifest-unreadable" and problem.level == "error"
    assert problem.pos.line == line_of(path, "]")


def test_registered_with_docs():
    from openness_policy.plugins import load_registry

    spec = load_registry(entry_points=False).formats["cyclonedx"]
    assert spec.detect is cyclonedx.detect
    assert "| CycloneDX (per ML component) | canonical record |" in spec.docs
    assert "`openness-policy:`" in spec.docs and "`weights-released`" in spec.docs


# --- the spec's own test vectors -------------------------------------------------------------

def test_every_corpus_example_loads_or_is_not_detected():
    folder = corpus_path("cyclonedx", "examples")
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 13
    for path in files:
        text = path.read_text(encoding="utf-8")
        has_model = '"machine-learning-model"' in text
        detected = cyclonedx.detect(path.name, text[:4096])
        if has_model:
            assert detected, path.name
            recs = load(path)
            assert recs and all(r.name is not None for r in recs), path.name
            assert not [p for r in recs for p in r.problems if p.level == "error"], path.name
        else:  # small ones are not detected; a larger one is, and yields no record
            assert not detected or load(path) == [], path.name


@pytest.mark.parametrize("version, metrics_line", [("1.6", 39), ("1.7", 47)])
def test_machine_learning_test_vector(version, metrics_line):
    path = corpus_path("cyclonedx", "examples", f"valid-machine-learning-{version}.json")
    (rec,) = load(path)
    assert (rec.name.value, rec.version.value) == ("CompVis/stable-diffusion", "1.4")
    assert rec.name.pos.line == 13
    (ds,) = rec.datasets
    assert (ds.name.value, ds.source.value) == ("Training Data", "https://example.com/path/to/dataset")
    assert ds.name.pos.line == line_of(path, '"name": "Training Data"')
    assert rec.evaluation[0].value["name"] == "The type of performance metric"
    assert rec.evaluation[0].pos.line == metrics_line
    assert set(rec.components) == {"model-card", "evaluation-results"}  # no distribution, no hashes
    assert rec.weights_available.value == "unknown"
    assert rec.licenses == {} and rec.problems == []
    assert rec.evidence["architectureFamily"].value == "the architecture family goes here"


def test_energy_test_vector_has_weights_from_distribution():
    (rec,) = load(corpus_path("cyclonedx", "examples", "valid-machine-learning-considerations-env-1.7.json"))
    assert rec.name.value == "meta-llama/Llama-2-7b"
    assert rec.weights_available.value == "yes"
    assert rec.components["model-parameters-final"].location.value == "https://huggingface.co/meta-llama/Llama-2-7b"
    assert "model-card" not in rec.components  # energy figures alone are not a model card


@pytest.mark.parametrize("version, warns", [("1.6", True), ("1.7", False)])
def test_licence_mix_test_vectors(version, warns):
    """The spec's declared/concluded vectors (library components): invalid in 1.6, valid in 1.7."""
    prefix = "invalid" if version == "1.6" else "valid"
    path = corpus_path("cyclonedx", "examples", f"{prefix}-license-declared-concluded-mix-{version}.json")
    doc = load_json(path.read_text(encoding="utf-8"), path.name)
    situation_a = read_licenses(doc, ("components", 0), doc.get("specVersion"))
    assert situation_a.declared.value == "MIT AND PostgreSQL AND Apache Software License"
    assert situation_a.declared.pos.line == line_of(path, '"id": "MIT"')
    assert situation_a.concluded.value == "(MIT OR PostgreSQL OR Apache-2.0)"
    assert bool(situation_a.problems) is warns
    situation_c = read_licenses(doc, ("components", 2), doc.get("specVersion"))
    assert (situation_c.declared.value, situation_c.concluded.value) == ("GPL-3.0-or-later OR GPL-2.0", "GPL-3.0-only")
    if warns:
        assert situation_c.problems[0].level == "warning" and "1.6" in situation_c.problems[0].message


# --- robustness: any value in any place never raises -------------------------------------------

from tests.mutation import mutated  # noqa: E402


@pytest.mark.parametrize("fixture", ['two-models.cdx.json', 'properties.bom.json', 'mixed-licenses-1.6.cdx.json'])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_value_anywhere_never_raises(fixture, data):
    path = FIX / fixture
    text = mutated(json.loads(path.read_text()), data)  # JSON text
    records = cyclonedx.load(Source(path, path.name, text))
    assert all(isinstance(r, ModelRecord) for r in records)
