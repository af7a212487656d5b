"""SPDX 3 AI format plugin: JSON-LD graph mapping, the tolerant non-JSON-LD variant, corpus examples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.formats import cyclonedx, spdx3
from openness_policy.plugin_types import Source
from openness_policy.record import ModelRecord
from tests.conftest import FIXTURES, corpus_path

FIX = FIXTURES / "spdx"


def load(path: Path) -> list:
    return spdx3.load(Source(path, path.name, path.read_text(encoding="utf-8")))


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    return [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line][nth]


@pytest.mark.parametrize("name, head, expected", [
    ("model.spdx3.json", '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "ai_AIPackage"}]}', True),
    ("x.jsonld", '{"@context": "https://spdx.org/rdf/3.0.0/spdx-context.jsonld", "@graph": [{"type": "ai_AIPackage"}]}', True),
    ("sbom.json", '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [' + " " * 5000, True),
    ("sbom.json", '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [{"type": "software_Package"}]}', False),
    ("d.spdx3.json", '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "profileConformance": ["core", "dataset"]'
     + " " * 5000, False),
    ("sbom.spdx.json", '{"spdxVersion": "SPDX-2.3", "packages": [{"name": "AIPackage"}]}', False),
    ("model.spdx3.yaml", '"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" AIPackage', False),
])
def test_detection_by_name_and_content(name, head, expected):
    assert spdx3.detect(name, head) is expected


@pytest.mark.parametrize("name, scanned", [
    ("sbom.spdx3.json", True), ("model.spdx.json", True), ("doc.jsonld", True),
    ("tokenizer.json", False), ("ai_example01_spdx3.0_simplehtr-example.json", False),
])
def test_directory_scans_look_at_conventional_names_only(name, scanned):
    import fnmatch

    assert any(fnmatch.fnmatch(name, p) for p in spdx3.PATTERNS) is scanned


def test_json_ld_model_follows_files_to_datasets_and_licences():
    path = FIX / "translator.spdx3.json"
    (rec,) = load(path)
    assert rec.format == "spdx3" and rec.problems == []
    assert (rec.name.value, rec.version.value) == ("acme-translator", "1.2.0")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how) == ("Apache-2.0", "declared")  # a listed-licence IRI with no element
    assert lic.pos.line == line_of(path, '"to": ["https://spdx.org/licenses/Apache-2.0"]')
    assert rec.evidence["license_concluded"].value == "Apache-2.0"
    assert rec.weights_available.value == "yes"
    assert rec.components["model-parameters-final"].location.value == "https://huggingface.co/acme/translator"
    # model.safetensors (contained) is trainedOn train.tsv, which the parallel-corpus package contains
    (ds,) = rec.datasets
    assert (ds.name.value, ds.source.value, ds.license.value) == (
        "parallel-corpus", "https://data.example.com/parallel-corpus", "CC-BY-4.0 AND ODC-By-1.0")
    assert rec.data_disclosure.value == "named"
    assert rec.components["datasets"].license.value == "CC-BY-4.0 AND ODC-By-1.0"  # directDownload
    assert rec.components["evaluation-data"].location.value == "https://data.example.com/eval-set"
    assert [f.value for f in rec.evidence["evaluation_data"]] == ["eval-set"]
    assert rec.evaluation[0].value == {"name": "bleu", "value": "31.4"}
    assert "evaluation-results" in rec.components
    (base,) = rec.lineage
    assert base.ref.value == "https://example.com/spdx/Model-base" and base.relation.value == "descendantOf"


def test_tool_output_variant_is_read_with_a_warning():
    path = FIX / "tool-output.spdx3.json"
    assert spdx3.detect(path.name, path.read_text()[:4096])
    (rec,) = load(path)
    assert rec.name.value == "acme/speech" and rec.version.value == "3c9e1f0"
    assert rec.licenses["distribution"].value == "MIT"
    assert rec.licenses["distribution"].pos.line == line_of(path, '"to": "SPDXRef-LIC-DECLARED"')
    concluded = rec.evidence["license_concluded"]
    assert (concluded.value, concluded.how) == ("ACME SPEECH LICENSE", "detected")  # text only: its first line
    assert rec.evidence["license_text"].startswith("**ACME SPEECH LICENSE**")
    (problem,) = rec.problems
    assert problem.rule == "manifest-invalid" and problem.level == "warning"
    assert problem.message.startswith("not valid SPDX 3 JSON-LD")
    assert "`element` array" in problem.message and "string" in problem.message
    assert "@graph" in problem.fix
    assert problem.pos.line == line_of(path, '"element": [')


def test_packages_without_or_with_repeated_ids_are_still_read():
    doc = json.loads((FIX / "translator.spdx3.json").read_text())
    model = next(e for e in doc["@graph"] if e["type"] == "ai_AIPackage")
    twin = dict(model, name="twin", ai_metric=[{"type": "DictionaryEntry", "key": "chrf", "value": "55"}])
    doc["@graph"].append(twin)  # same spdxId as the first package
    anonymous = dict(model, name="anonymous")
    del anonymous["spdxId"]
    doc["@graph"].append(anonymous)
    first, second, third = spdx3.load(Source(Path("x.spdx3.json"), "x.spdx3.json", json.dumps(doc, indent=1)))
    assert [r.name.value for r in (first, second, third)] == ["acme-translator", "twin", "anonymous"]
    assert second.evaluation[0].value == {"name": "chrf", "value": "55"}  # its own metrics, not the first's
    assert second.datasets == [] and "distribution" not in third.licenses  # relationships name the first


def test_dataset_only_document_is_not_detected():
    path = FIX / "dataset-only.spdx3.json"
    assert not spdx3.detect(path.name, path.read_text()[:4096])
    assert load(path) == []


def test_fixtures_are_claimed_by_spdx_only():
    for path in FIX.glob("*.json"):
        assert not cyclonedx.detect(path.name, path.read_text()[:4096]), path.name


def test_syntax_error_becomes_an_unreadable_record():
    path = Path("bad.spdx3.json")
    (rec,) = spdx3.load(Source(path, "bad.spdx3.json", '{"@context": "https://spdx.org/rdf/3.0.1/x",\n "@graph": [,]}'))
    assert rec.problems[0].rule == "manifest-unreadable" and rec.problems[0].pos.line == 2


def test_registered_with_docs():
    from openness_policy.plugins import load_registry

    spec = load_registry(entry_points=False).formats["spdx3"]
    assert spec.load is spdx3.load and "| SPDX 3 | canonical record |" in spec.docs


# --- corpus: spdx-examples and hf2spdx tool output ---------------------------------------------

def test_every_corpus_json_file_loads_or_is_not_detected():
    folder = corpus_path("spdx")
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".jsonld"))
    assert len(files) >= 5
    loaded = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        detected = spdx3.detect(path.name, text[:4096])
        if "AIPackage" in text:
            assert detected, path.name
            recs = load(path)
            assert recs and all(r.name is not None for r in recs), path.name
            loaded += len(recs)
        else:
            assert not detected, path.name
    assert loaded == 5  # example02: 1, SimpleHTR: 2 (word and line models), hf2spdx: 1 + 1


def test_spdx_examples_ai_bom():
    path = corpus_path("spdx", "spdx-examples", "ai_example02_spdx3.0_sbom.spdx3.json")
    (rec,) = load(path)
    assert rec.name.value == "Sentiment Demo: A Simple AI Application and its AI BOM Example"
    assert rec.licenses["distribution"].value == "CC0-1.0"
    assert rec.licenses["distribution"].pos.line == 472
    assert rec.evidence["license_concluded"].value == "CC0-1.0"
    (ds,) = rec.datasets  # model.bin trainedOn train.txt + valid.txt, both inside the data/ directory
    assert ds.name.value == "Data after preprocessing"
    assert (ds.source.value, ds.license.value) == ("https://github.com/bact/sentimentdemo/tree/main/data", "CC0-1.0")
    assert rec.evidence["dataset_availability"]["Data after preprocessing"].value == "directDownload"
    assert rec.weights_available.value == "yes"
    assert {"model-parameters-final", "datasets", "evaluation-data", "evaluation-results"} <= set(rec.components)
    assert [e.value["name"] for e in rec.evaluation] == ["precision", "recall", "f1"]
    assert rec.problems == []


def test_spdx_examples_simplehtr_two_models_and_custom_dataset_licence():
    path = corpus_path("spdx", "spdx-examples", "ai_example01_spdx3.0_simplehtr-example.json")
    recs = load(path)
    assert [(r.index, r.name.value) for r in recs] == [(0, "word-model"), (1, "line-model")]
    for rec in recs:
        assert rec.licenses["distribution"].value == "MIT"
        (ds,) = rec.datasets
        assert ds.name.value == "IAMdataset" and ds.license.value.startswith("LicenseRef-CustomLicense-")
        assert "non-commercial research" in rec.evidence["dataset_license_text"]["IAMdataset"]
        assert "datasets" not in rec.components  # availability is `registration`, not a direct download


@pytest.mark.parametrize("file, name, licence", [
    ("meta-llama_Llama-3.3-70B-Instruct.spdx3.json", "meta-llama/Llama-3.3-70B-Instruct", ("llama3.3", "detected")),
    ("openai_whisper-large-v3.spdx3.json", "openai/whisper-large-v3", ("Apache-2.0", "declared")),
])
def test_hf2spdx_samples(file, name, licence):
    if licence[0] == "llama3.3":  # the licence is only given as the full Llama 3.3 text
        pytest.importorskip("openness_policy.formats.license_detect", reason="licence text matcher not installed")
    path = corpus_path("spdx", "hf2spdx-samples", file)
    (rec,) = load(path)
    assert rec.name.value == name and rec.name.pos.line == 42
    fact = rec.licenses["distribution"]
    assert (fact.value, fact.how) == licence
    assert fact.pos.line == line_of(path, '"to": "SPDXRef-LIC-MODEL-DECLARED"')  # the relationship's `to`
    (problem,) = rec.problems
    assert problem.level == "warning" and problem.message.startswith("not valid SPDX 3 JSON-LD")
    assert rec.components["model-parameters-final"].location.value.startswith(f"https://huggingface.co/{name}/tree/")


# --- robustness: any value in any place never raises -------------------------------------------

from tests.mutation import mutated  # noqa: E402


@pytest.mark.parametrize("fixture", ['translator.spdx3.json', 'tool-output.spdx3.json'])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_value_anywhere_never_raises(fixture, data):
    path = FIX / fixture
    text = mutated(json.loads(path.read_text()), data)  # JSON text
    records = spdx3.load(Source(path, path.name, text))
    assert all(isinstance(r, ModelRecord) for r in records)
