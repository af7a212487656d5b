"""European Open Source AI Index format plugin: grades to components, licences, evidence, corpus."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.formats import osai_index
from openness_policy.plugin_types import Source
from openness_policy.record import ModelRecord
from tests.conftest import FIXTURES, corpus_path

FIX = FIXTURES / "osai"


def load(path: Path) -> list:
    return osai_index.load(Source(path, path.name, path.read_text(encoding="utf-8")))


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line][nth]


def grades(rec) -> dict[str, str]:
    return {dim: f.value["grade"] for dim, f in rec.evidence["osai"].items()}


@pytest.mark.parametrize("name, head, expected", [
    ("Model.yaml", "system:\n    name: X\nweights_endmodel:\n    class: open\n", True),
    ("model.yml", "# comment\nsystem:\n  name: X\ndatasources_basemodel:\n  class: closed\n", True),
    ("model.yaml", "system:\n    name: X\nlicenses:\n    class: open\n", False),  # no availability dimension
    ("model.yaml", "name: X\nweights_endmodel: open\n", False),
    ("model.json", '{"system": {}, "weights_endmodel": {}}', False),
    ("_parameters.yml", "- name: Availability\n  params:\n    - ref: weights_endmodel\n", False),
])
def test_detection_by_name_and_content(name, head, expected):
    assert osai_index.detect(name, head) is expected


def test_entry_with_open_partial_and_closed_grades():
    path = FIX / "example-model.yaml"
    (rec,) = load(path)
    assert rec.format == "osai-index" and rec.problems == []
    assert rec.name.value == "Acme Chat" and rec.name.pos.line == line_of(path, "name: Acme Chat")
    assert grades(rec) == {
        "datasources_basemodel": "open", "datasources_endmodel": "partial", "weights_basemodel": "open",
        "weights_endmodel": "open", "trainingcode": "partial", "code": "open", "hardware_architecture": "partial",
        "preprint": "open", "paper": "closed", "modelcard": "open", "licenses": "partial"}  # datasheet: n/a
    assert rec.evidence["osai"]["datasources_basemodel"].value["links"] == [
        "https://huggingface.co/datasets/acme/web-mix", "https://data.example.com/code-mix"]
    assert rec.evidence["osai"]["paper"].value["notes"] == "No peer-reviewed paper."
    assert set(rec.components) == {"model-parameters-final", "training-code", "technical-report", "model-card", "datasets"}
    assert "data-preprocessing-code" not in rec.components  # a partial training-code grade does not cover it
    assert "research-paper" not in rec.components and "data-card" not in rec.components
    assert any(n.startswith("Training code: included from a 'partial'") for n in rec.evidence["osai_partial"])
    weights = rec.components["model-parameters-final"]
    assert weights.location.value == "https://huggingface.co/acme/acme-chat-7b-instruct"
    assert weights.pos.line == line_of(path, "weights_endmodel:") + 1  # its `class` line
    assert weights.license is None  # the weights take the end-model licence
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.pos.line) == ("Apache-2.0", line_of(path, "endmodellicense: Apache-2.0"))
    assert "'partial'" in lic.note
    # licences graded partial: the index does not say which licence covers code and documents
    assert rec.components["training-code"].license.value == "NOASSERTION"
    assert rec.weights_available.value == "yes"
    assert [d.name.value for d in rec.datasets] == ["acme/web-mix", "https://data.example.com/code-mix", "acme/instruct-mix"]
    assert rec.datasets[1].name.pos.line == line_of(path, "code-mix")
    assert rec.data_disclosure.value == "named"
    assert [b.ref.value for b in rec.lineage] == ["acme-chat-7b"]
    assert rec.evidence["organisation"].value == "Acme Research"


def test_closed_entry_includes_nothing():
    (rec,) = load(FIX / "closed-model.yaml")
    assert set(rec.components) == {"model-card"}  # the only non-closed grade (partial)
    assert rec.weights_available.value == "no"
    assert "distribution" not in rec.licenses  # "Unknown" is not a licence
    assert rec.evidence["osai_license_text"].value == "Unknown"
    assert rec.lineage == []  # basemodelname "unknown"
    assert rec.data_disclosure.value == "none" and rec.datasets == []


def test_yaml_error_becomes_an_unreadable_record():
    path = FIX / "broken.yaml"
    assert osai_index.detect(path.name, path.read_text())
    (rec,) = load(path)
    assert rec.problems[0].rule == "manifest-unreadable" and rec.problems[0].pos.line >= 4


def test_registered_with_docs():
    from openness_policy.plugins import load_registry

    spec = load_registry(entry_points=False).formats["osai-index"]
    assert spec.load is osai_index.load and "| index key | canonical record |" in spec.docs


# --- corpus: the index's own database --------------------------------------------------------

def test_every_corpus_file_loads_or_is_not_detected():
    folder = corpus_path("osai-index")
    entries = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        detected = osai_index.detect(path.name, text[:4096])
        if path.suffix == ".yaml" and not path.name.startswith("_"):
            assert detected, path.name
            (rec,) = load(path)
            assert rec.evidence["osai"], path.name
            assert not [p for p in rec.problems if p.level == "error"], path.name
            entries += 1
        else:
            assert not detected, path.name
    assert entries >= 380  # 194 current entries plus the 14-dimension snapshot


def test_mot_files_are_not_index_entries():
    for path in sorted(corpus_path("mot", "models").rglob("*.y*ml"))[:100]:
        assert not osai_index.detect(path.name, path.read_text(encoding="utf-8")[:4096]), path.name


def test_olmo_is_open_across_the_board():
    path = corpus_path("osai-index", "OLMo.yaml")
    (rec,) = load(path)
    g = grades(rec)
    assert g["weights_endmodel"] == g["datasources_basemodel"] == g["trainingcode"] == g["licenses"] == "open"
    assert g["paper"] == "partial"
    assert rec.licenses["distribution"].value == "Apache-2.0"
    assert {"model-parameters-final", "datasets", "training-code", "data-preprocessing-code", "technical-report",
            "research-paper", "model-card", "data-card"} == set(rec.components)
    assert all(c.license is None for c in rec.components.values())  # licences graded open: all inherit Apache-2.0
    assert rec.data_disclosure.value == "complete"
    assert rec.datasets[0].name.value == "allenai/dolma3_mix-5.5T-1125"
    assert rec.training_summary.value == "https://huggingface.co/datasets/allenai/dolma3_mix-5.5T-1125"
    assert rec.lineage[0].ref.value == "Olmo-3-1125-32B"


def test_bloomz_licence_expression_and_partial_licence_grade():
    (rec,) = load(corpus_path("osai-index", "bloomz.yaml"))
    assert rec.name.value == "BLOOMZ"
    assert rec.licenses["distribution"].value == "Apache-2.0 AND BigScience RAIL License v1.0"
    assert grades(rec)["licenses"] == "partial"
    assert rec.components["datasets"].license.value == "NOASSERTION"
    assert rec.lineage[0].ref.value == "BLOOM"


@pytest.mark.parametrize("file, weights, components", [
    ("lumo.yaml", "no", set()),
    ("Grok.yaml", "yes", {"model-parameters-final"}),
    ("llama-3.3.yaml", "gated", {"model-parameters-final", "training-code", "model-card"}),
])
def test_closed_and_gated_models(file, weights, components):
    (rec,) = load(corpus_path("osai-index", file))
    assert rec.weights_available.value == weights
    assert set(rec.components) == components
    assert rec.data_disclosure.value == "none"


def test_fourteen_dimension_snapshot_keeps_package_and_api_as_evidence():
    (rec,) = load(corpus_path("osai-index", "_14dim-snapshot", "OLMo.yaml"))
    assert grades(rec)["package"] == "open" and grades(rec)["api"] == "partial"


# --- robustness: any value in any place never raises -------------------------------------------

from tests.mutation import mutated  # noqa: E402


@pytest.mark.parametrize("fixture", ['example-model.yaml', 'closed-model.yaml'])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_value_anywhere_never_raises(fixture, data):
    from ruamel.yaml import YAML

    path = FIX / fixture
    text = mutated(YAML(typ='safe').load(path.read_text()), data)  # JSON text is YAML too
    records = osai_index.load(Source(path, path.name, text))
    assert all(isinstance(r, ModelRecord) for r in records)
