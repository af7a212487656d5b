"""The MOT YAML format plugin: detection, mapping, findings, and the MOT's verdicts end to end.

* The MOT's own data (corpus, skipped when absent): all 27 ``Test_Data`` expected results and the
  273-model class split, computed from records our plugin filled, through the engine's ``classify``;
  every model file schema-valid, and the exact count of each finding we add.
* Our fixtures (``tests/fixtures/mot_format``, and the MOF fixtures in ``tests/fixtures/mot``) cover
  every path without the corpus.
"""
from __future__ import annotations

import collections
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from openness_policy import components as C
from openness_policy.classify.verdict import classify
from openness_policy.formats import mot
from openness_policy.formats.mot_checks import LEGACY, NOT_SPDX, legacy_value, spdx_advice
from openness_policy.licenses.catalog import LicenseCatalog
from openness_policy.plugin_types import Source
from openness_policy.record import ModelRecord
from conftest import FIXTURES, REPO, corpus_path

HERE = FIXTURES / "mot_format"


def load(path: Path, display: str | None = None) -> ModelRecord:
    recs = mot.load(Source(path, display or path.name, path.read_text(encoding="utf-8")))
    assert len(recs) == 1
    return recs[0]


def load_text(text: str, name: str = "model.yml") -> ModelRecord:
    [rec] = mot.load(Source(Path(name), name, text))
    return rec


@cache
def catalog() -> Any:
    return LicenseCatalog.builtin()


def mof_of(rec: ModelRecord) -> tuple[int, dict[str, float]]:
    res = classify(rec, catalog()).mof
    return res.mof_class, {str(k): res.progress[k] for k in (1, 2, 3)}


def found(rec: ModelRecord, rule: str | None = None) -> list[tuple[str, str, int]]:
    return [(p.rule, p.level, p.pos.line) for p in rec.problems if rule is None or p.rule == rule]


def _yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return YAML(typ="safe").load(fh)


# --- detection and registration -------------------------------------------------------------


def test_detect_by_content_not_name():
    mot_head = "framework:\n  name: Model Openness Framework\nrelease:\n  name: x\n"
    assert mot.detect("anything at all.txt", mot_head)
    assert mot.detect("model.yml", "# comment\n---\n" + mot_head)
    assert not mot.detect("model.yml", "framework:\n  name: x\n")  # no release
    assert not mot.detect("model.yml", "openness: 1\nname: x\nrelease: 2\n")  # no framework
    assert not mot.detect("model.yml", "meta:\n  framework: x\n  release: y\n")  # nested keys do not count


def test_registered_format_and_rules():
    from openness_policy.plugins import load_registry

    reg = load_registry(entry_points=False)
    spec = reg.formats["mot"]
    assert (spec.priority, spec.filenames) == (50, ("*.yml", "*.yaml"))
    assert "framework:" in spec.docs and "| MOT file | record |" in spec.docs
    assert reg.formats["native"].priority > spec.priority
    for rule in (NOT_SPDX, LEGACY):
        info = reg.checks[rule].rule
        assert info.level == "warning" and info.help_uri == "https://github.com/lfai/model_openness_tool"
        assert info.title and info.description and info.help
        assert reg.provider[("checks", rule)] == "openness_policy.formats.mot"


def test_odd_name_detected_by_content_and_chosen_over_native():
    """A file no pattern expects, and an `*.openness.yaml` without `openness:` marker, are MOT files."""
    from openness_policy.engine import detect
    from openness_policy.plugins import load_registry

    formats = sorted(load_registry(entry_points=False).formats.values(), key=lambda s: -s.priority)
    odd = HERE / "Odd name (draft) v2.txt"
    text = odd.read_text(encoding="utf-8")
    assert detect(formats, odd.name, text[:4096]).name == "mot"
    assert detect(formats, "model.openness.yaml", text[:4096]).name == "mot"
    rec = load(odd)
    assert rec.format == "mot" and rec.name.value == "Fixture-Odd-Name" and rec.problems == []
    assert mof_of(rec) == (0, {"1": 0.0, "2": 0.0, "3": 1 / 6 * 100})


# --- mapping --------------------------------------------------------------------------------


def test_mapping_of_every_key():
    rec = load(HERE / "mapping.yml")
    assert rec.problems == []
    assert (rec.name.value, rec.name.pos.line, rec.version.value) == ("Fixture-Mapping-7B", 8, "2.1")
    assert rec.evidence["mot_release_name"] is rec.name
    assert {k: f.value for k, f in rec.labels.items()} == {
        "producer": "openness-policy test fixtures", "type": "language", "architecture": "transformer decoder"}
    assert rec.labels["producer"].pos.line == 14
    assert {k: f.value for k, f in rec.evidence.items() if k != "mot_release_name"} == {
        "contact": "models@example.org", "date": "2025-03-04", "origin": "Fixture-Base-7B",
        "huggingface": "https://huggingface.co/example/fixture-mapping-7b", "mof_version": "1.0"}
    assert [(b.ref.value, b.ref.pos.line, b.relation) for b in rec.lineage] == [("Fixture-Base-7B", 13, None)]
    # Global licences: an empty name is "not set".
    assert {k: (f.value, f.pos.line) for k, f in rec.licenses.items()} == {
        "distribution": ("Apache-2.0", 19), "code": ("MIT", 22), "data": ("CDLA-Permissive-2.0", 25)}
    comps = rec.components
    assert list(comps) == ["model-architecture", "model-parameters-final", "evaluation-results", "model-card",
                           "data-card", "technical-report", "training-code", "sample-model-outputs"]
    assert comps["model-architecture"].license is None  # no key: inherit
    assert comps["model-architecture"].location.value == "src/model.py"
    results = comps["evaluation-results"].license
    assert (results.value, results.pos.line) == ("CC-BY-4.0", 38)
    assert comps["training-code"].license.value == "" and comps["training-code"].license.note == "unlicensed"
    assert comps["sample-model-outputs"].license.value == ""
    assert (comps["model-card"].pos.line, comps["model-card"].pos.key) == (39, "release.components[3]")
    # Resolution as the MOT does it: type-specific global, then distribution.
    assert rec.component_license("model-architecture")[0].value == "MIT"
    assert rec.component_license("model-card")[1] == "global:distribution"
    assert rec.component_license("training-code") == (None, "none")
    assert (rec.weights_available.value, rec.weights_available.how) == ("yes", "derived")
    assert (rec.data_disclosure.value, rec.data_disclosure.how) == ("described", "derived")
    assert rec.anchor("components.datasets").line == 30 and rec.anchor("licenses.document").line == 17
    cls = classify(rec, catalog())
    assert (cls.mof.mof_class, dict(cls.mof.progress)) == (3, {1: 0.0, 2: 60.0, 3: 100.0})
    assert cls.openness.level == "open-weights+data"


def test_no_weights_listed_means_not_shown_released():
    rec = load(HERE / "duplicate-component.yml")
    assert rec.weights_available is None and rec.data_disclosure is None
    assert classify(rec, catalog()).openness.level == "closed"


def test_origin_equal_to_own_name_is_not_lineage():
    text = (HERE / "mapping.yml").read_text(encoding="utf-8")
    text = text.replace("origin: Fixture-Base-7B", "origin: 'Fixture-Mapping-7B '")
    rec = load_text(text)
    assert rec.lineage == [] and rec.evidence["origin"].value == "Fixture-Mapping-7B "


# --- findings the MOT does not give ---------------------------------------------------------


def test_unknown_component_names():
    rec = load(HERE / "unknown-component.yml")
    msgs = {p.pos.line: p for p in rec.problems}
    assert found(rec) == [("manifest-invalid", "error", line) for line in (14, 16, 18, 20)]
    assert "unknown MOF component 'Model Card'" in msgs[14].message
    assert msgs[14].fix.startswith("use the exact name (case matters): 'Model card'")
    assert "'Training code'" in msgs[16].fix and "'Datasets'" in msgs[16].fix
    assert msgs[18].fix.startswith("use the exact name (case matters): 'Model parameters (Final)'")
    assert "has no component name" in msgs[20].message and "Model metadata" in msgs[20].fix
    assert list(rec.components) == ["model-card"]  # unknown entries are left out, never guessed


def test_duplicate_components_merge_as_the_mot_does():
    rec = load(HERE / "duplicate-component.yml")
    assert found(rec) == [("manifest-invalid", "warning", 16), ("manifest-invalid", "warning", 19)]
    assert "(first at line 10)" in rec.problems[0].message
    card = rec.components["model-card"]
    assert (card.license.value, card.license.pos.line) == ("CC-BY-4.0", 18)  # the last licence given wins
    assert mof_of(rec) == (0, {"1": 0.0, "2": 0.0, "3": 2 / 6 * 100})


def test_licences_the_mot_rejects_for_their_spelling():
    rec = load(HERE / "not-spdx.yml")
    assert found(rec) == [(NOT_SPDX, "warning", line) for line in (10, 14, 19, 22, 25, 28, 31)]
    by_line = {p.pos.line: p for p in rec.problems}
    assert by_line[14].message == ("'Apache 2.0' is not an SPDX id, so the MOT counts this component's licence as "
                                   "invalid; use 'Apache-2.0'")
    assert by_line[14].fix == "write `Apache-2.0`" and by_line[14].pos.key == "release.components[0].license"
    assert "every component inheriting the distribution licence" in by_line[10].message
    assert "use 'Apache-2.0'" in by_line[19].message
    assert "stray spaces" in by_line[22].message and by_line[22].fix == "write `MIT`"
    assert "SPDX expression" in by_line[25].message
    assert "would still not count CC-BY-NC-4.0 as an open licence" in by_line[28].message
    assert "`unlicensed`" in by_line[31].message
    # They stay invalid for the MOF verdict: the record keeps the licence exactly as written.
    assert rec.components["model-architecture"].license.value == "Apache 2.0"
    assert rec.licenses["distribution"].value == "Apache 2.0"
    res = classify(rec, catalog()).mof
    status = {c.slug: c.status for c in res.components}
    assert status["model-architecture"] == status["model-parameters-final"] == status["training-code"] == "invalid"
    assert status["evaluation-results"] == "pass"
    assert (res.mof_class, res.progress[3]) == (0, 1 / 6 * 100)


def test_placeholder_licence_values():
    rec = load(HERE / "legacy-value.yml")
    assert found(rec) == [(LEGACY, "warning", line) for line in (10, 17, 20, 23, 26)]
    assert rec.problems[1].message == (
        "'Component not included' is a placeholder, not a licence: the MOT counts the component as included with "
        "an invalid licence; remove the component if it is not released, or give its licence")
    assert "document licence" in rec.problems[0].message
    assert rec.components["datasets"].license.value == "Component not included"  # kept as written
    status = {c.slug: c.status for c in classify(rec, catalog()).mof.components}
    assert [status[s] for s in ("datasets", "evaluation-data", "research-paper", "model-card")] == ["invalid"] * 4


@pytest.mark.parametrize("text,legacy", [
    ("Component not include", True), ("Component Component not included", True), ("Component Not Include", True),
    ("Component not included but listed sources", True), ("Pending evaluation", True), ("License not specified", True),
    ("Undisclosed", True), ("Proprietary", False), ("unlicensed", False), ("Apache-2.0", False)])
def test_legacy_value(text, legacy):
    assert legacy_value(text) is legacy


@pytest.mark.parametrize("text,advice", [
    ("Apache-2.0", None), ("MIT", None), ("Proprietary", None), ("gemma", None), ("AML-glslang", None),
    ("BSD-3", "use 'BSD-3-Clause'"), ("MIT license", "use 'MIT'"), ("CC BY-SA 4.0", "use 'CC-BY-SA-4.0'"),
    ("Apache license 2.0", "use 'Apache-2.0'")])
def test_spdx_advice(text, advice):
    got = spdx_advice(text)
    assert (got[1] if got else None) == advice


def test_null_licence_is_the_mot_schema_error_and_inherits():
    rec = load(HERE / "null-license.yml")
    assert found(rec) == [("manifest-invalid", "error", 16)]
    p = rec.problems[0]
    assert p.pos.key == "release.components[0].license" and "NoneType" not in p.message
    assert "the MOT skips the whole file" in p.message and "write `unlicensed`" in p.fix
    assert rec.components["model-architecture"].license is None
    assert rec.component_license("model-architecture")[0].value == "MIT"
    assert "data" not in rec.licenses  # a null name is not set


def test_wrong_framework_and_dates():
    rec = load(HERE / "wrong-framework.yml")
    assert found(rec) == [("manifest-invalid", "error", 2), ("manifest-invalid", "warning", 3),
                          ("manifest-invalid", "error", 4), ("manifest-invalid", "error", 8)]
    assert "'Model Openness Framwork'" in rec.problems[0].message
    assert "only MOF 1.0" in rec.problems[1].message and "not a date" in rec.problems[2].message
    assert mof_of(rec) == (0, {"1": 0.0, "2": 0.0, "3": 0.0})


def test_not_yaml_and_not_a_mapping():
    rec = load(HERE / "not-yaml.yml")
    assert [(p.rule, p.level) for p in rec.problems] == [("manifest-unreadable", "error")]
    assert rec.problems[0].message.startswith("not valid YAML") and rec.problems[0].pos.line in (4, 5)
    rec = load_text("framework: {}\nrelease: [1, 2]\n")
    assert [(p.rule, p.pos.line) for p in rec.problems] == [("manifest-invalid", 1)]


@pytest.mark.parametrize("text", [
    "framework:\nrelease:\n  components: [1, {name: 3}, {license: [x]}]\n",
    "framework: 3\nrelease:\n  name: 7\n  license: {distribution: {name: 2}}\n  components: {a: 1}\n",
    "framework:\nrelease:\n  components:\n    - name: Model card\n      license: {a: b}\n"])
def test_wrong_shapes_never_raise(text):
    rec = load_text(text)
    assert rec.problems and all(p.rule == "manifest-invalid" for p in rec.problems)
    classify(rec, catalog())


def test_bad_licence_finding_reaches_the_report_at_its_line(tmp_path):
    """Through the engine: the finding has the rule's metadata and points at the `license:` line."""
    from openness_policy.engine import Options, run

    (tmp_path / "m.yml").write_text((HERE / "not-spdx.yml").read_text(encoding="utf-8"), encoding="utf-8")
    report = run(Options(paths=[str(tmp_path / "m.yml")], no_default_policy=True), cwd=tmp_path)
    hits = [(f.rule.id, f.level, f.pos.line) for f in report.findings if f.rule.id == NOT_SPDX]
    assert (NOT_SPDX, "warning", 14) in hits and len(hits) == 7
    assert report.rules[NOT_SPDX].help_uri == "https://github.com/lfai/model_openness_tool"
    [model] = report.models
    assert model.record.format == "mot" and model.classification.mof.mof_class == 0


# --- the MOF fixtures of tests/fixtures/mot, read through the plugin ------------------------


def test_mof_fixtures_through_the_plugin():
    expected = _yaml(FIXTURES / "mot" / "expected.yml")
    assert len(expected) == 8
    for name, want in expected.items():
        rec = load(FIXTURES / "mot" / name)
        assert [p for p in rec.problems if p.rule == "manifest-invalid"] == [], name
        res = classify(rec, catalog()).mof
        assert res.mof_class == want["class"], name
        assert {k: res.progress[k] for k in (1, 2, 3)} == pytest.approx(want["progress"]), name


# --- the MOT's own data ---------------------------------------------------------------------


def _content_key(release: dict) -> str:
    comps = sorted((c["name"], c.get("license", "<absent>")) for c in release.get("components") or [])
    globals_ = {k: (v or {}).get("name") for k, v in (release.get("license") or {}).items()}
    return repr((sorted(globals_.items()), comps))


def test_mot_test_data_end_to_end():
    """The MOT's 27 expected results, from files our plugin loaded, through the engine's classify."""
    cases = _yaml(corpus_path("mot", "Test_Data", "expected_results.json"))["models"]
    by_key = {_content_key(case["release"]): case for case in cases}
    files = sorted(corpus_path("mot", "Test_Data").glob("*.yml"))
    assert len(files) == 27 and len(by_key) == 27
    seen = set()
    for path in files:
        rec = load(path)
        assert rec.problems == [], path.name
        case = by_key[_content_key(_yaml(path)["release"])]
        seen.add(case["id"])
        res = classify(rec, catalog()).mof
        want = case["classification"]
        got = {"class": res.mof_class, "label": res.label, "progress": {str(k): res.progress[k] for k in (1, 2, 3)}}
        assert got == want, path.name
    assert len(seen) == 27


@pytest.fixture(scope="module")
def corpus_records() -> dict[str, ModelRecord]:
    paths = sorted(corpus_path("mot", "models").glob("*.yml"))
    return {p.name: load(p, f"models/{p.name}") for p in paths}


def test_corpus_class_split(corpus_records):
    assert len(corpus_records) == 273
    split = collections.Counter(classify(rec, catalog()).mof.mof_class for rec in corpus_records.values())
    assert split == {1: 14, 2: 1, 3: 16, 0: 242}


def test_corpus_files_are_detected_and_schema_valid(corpus_records):
    """Every file is ours (no other format plugin claims it first) and passes the MOT's schema."""
    from openness_policy.engine import detect
    from openness_policy.plugins import load_registry

    formats = sorted(load_registry(entry_points=False).formats.values(), key=lambda s: -s.priority)
    for name, rec in corpus_records.items():
        text = corpus_path("mot", "models", name).read_text(encoding="utf-8")
        assert detect(formats, name, text[:4096]).name == "mot", name
        assert [p for p in rec.problems if p.rule.startswith("manifest-")] == [], name
        assert rec.format == "mot" and rec.name is not None
        assert rec.evidence["mot_release_name"].value == rec.name.value


def test_corpus_finding_counts(corpus_records):
    """Each finding we add to the MOT's data, counted, so a change in what we flag shows."""
    per_text: collections.Counter = collections.Counter()
    files: dict[str, set[str]] = collections.defaultdict(set)
    misnamed = {}
    for name, rec in corpus_records.items():
        for p in rec.problems:
            if p.rule == "mot-file-name":
                misnamed[name] = (p.pos.key, p.message.split("'")[3])
                continue
            text = p.message.split("'")[1]
            group = "Component not includ…" if "not includ" in text.lower() else text
            per_text[(p.rule, group)] += 1
            files[p.rule].add(name)
            files[group].add(name)
            assert p.pos.key.endswith(".license"), (name, p)
    assert per_text == {
        (LEGACY, "Undisclosed"): 64, (LEGACY, "Component not includ…"): 22,
        (NOT_SPDX, "BSD-3"): 20, (NOT_SPDX, "Apache 2.0"): 15, (NOT_SPDX, "MIT license"): 6,
        (NOT_SPDX, "Apache license 2.0"): 2, (NOT_SPDX, "CC BY-SA 4.0"): 2, (NOT_SPDX, "MIT License"): 2,
        (NOT_SPDX, "apache-2.0"): 1,
    }
    assert {k: len(v) for k, v in files.items()} == {
        LEGACY: 14, NOT_SPDX: 25, "Undisclosed": 4, "Component not includ…": 10, "BSD-3": 7, "Apache 2.0": 7,
        "MIT license": 6, "Apache license 2.0": 2, "CC BY-SA 4.0": 1, "MIT License": 1, "apache-2.0": 1}
    # Files of the MOT's models/ folder not named after their release (mof.md §7: five of them).
    assert {k.rsplit("/", 1)[-1]: v for k, v in misnamed.items()} == {
        "Granite-4-1.yml": ("release.name", "Granite-4.1"),
        "Llama-3-70B-Instruct.yml": ("release.name", "Meta-Llama-3-70B-Instruct"),
        "Llama-3-8B-Instruct.yml": ("release.name", "Meta-Llama-3-8B-Instruct"),
        "PanGu-a.yml": ("release.name", "PanGu-α"),
        "Qwen2.5-72B-Instruct.yml": ("release.name", "Qwen2.5-32B-Instruct"),
    }


def test_schema_is_the_mots_own():
    ours = json.loads((REPO / "schemas" / "mot-model.schema.json").read_text(encoding="utf-8"))
    assert ours["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "lfai/model_openness_tool" in ours["$comment"]
    theirs = json.loads(corpus_path("mot", "schema", "mof_schema.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in ours.items() if k not in ("$schema", "$id", "$comment", "title", "description")} == theirs


def test_sample_model_loads_clean():
    rec = load(corpus_path("mot", "schema", "sample_model.yml"))
    assert rec.problems == [] and len(rec.components) == 17
    assert rec.components["model-architecture"].license.value == ""
    assert rec.components["data-preprocessing-code"].location.value == "/path/to/component"


def test_mof_licence_data_found_through_resources():
    from openness_policy.classify import mof_licenses
    from openness_policy.resources import data_dir

    assert mof_licenses.DATA_FILE == data_dir("policies") / "licenses" / "mof-licenses.json"
    assert mof_licenses.DATA_FILE.is_file()
    assert C.WEIGHTS in {c.slug for c in C.COMPONENTS}
