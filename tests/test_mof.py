"""MOF classification: conformance with the Model Openness Tool, on its own data and on ours.

* ``Test_Data/expected_results.json``: the MOT's 27 expected classes and progress values, exactly.
* ``models/*.yml``: the class split of all 273 MOT models and the figures of research/mof.md §7.
* ``tests/fixtures/mot``: our own MOT-format fixtures, one per algorithm path (no corpus needed).
"""
from __future__ import annotations

import collections
import importlib.util
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from openness_policy import components
from openness_policy.classify.mof import ComponentInput, MofResult, classify_mof, resolve_license
from openness_policy.classify.mof_licenses import (
    DATA_FILE,
    default_mof_licenses,
    license_verdict,
    osi_or_fsf_from_flags,
    osi_or_fsf_from_spdx_list,
)
from conftest import FIXTURES, REPO, corpus_path

OUR_OSI = default_mof_licenses().is_osi_or_fsf


def _yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return YAML(typ="safe").load(fh)


def release_inputs(release: Mapping[str, Any]) -> tuple[list[ComponentInput], dict[str, str | None]]:
    """Test-local MOT adapter: components by exact name, `license` key absent vs present kept apart."""
    inputs = []
    for comp in release.get("components") or []:
        known = components.lookup(comp["name"])
        assert known is not None and known.name == comp["name"], f"unknown component name {comp['name']!r}"
        inputs.append(ComponentInput(known.slug, comp.get("license")))
    globals_ = {key: (value or {}).get("name") for key, value in (release.get("license") or {}).items()}
    return inputs, globals_


@cache
def mot_osi():
    """The OSI/FSF lookup of the MOT's own SPDX snapshot (corpus/mot/config/licenses.json)."""
    return osi_or_fsf_from_spdx_list(_yaml(corpus_path("mot", "config", "licenses.json"))["licenses"])


def classify_release(release: Mapping[str, Any], osi=None) -> MofResult:
    inputs, globals_ = release_inputs(release)
    return classify_mof(inputs, globals_, is_osi_or_fsf=osi or mot_osi())


def _summary(res: MofResult) -> tuple[int, float, float, float]:
    return res.mof_class, res.progress[3], res.progress[2], res.progress[1]


# --- the MOT's own test suite ---------------------------------------------------------------


@pytest.fixture(scope="module")
def expected_results() -> list[dict[str, Any]]:
    # The file has trailing commas (not strict JSON); YAML reads it as a flow mapping.
    return _yaml(corpus_path("mot", "Test_Data", "expected_results.json"))["models"]


@pytest.mark.parametrize("index", range(27))
def test_expected_results(expected_results, index):
    assert len(expected_results) == 27
    case = expected_results[index]
    res = classify_release(case["release"])
    want = case["classification"]
    got = {"class": res.mof_class, "label": res.label, "progress": {str(k): res.progress[k] for k in (1, 2, 3)}}
    assert got == want, case["release"]["name"]


def _content_key(release: Mapping[str, Any]) -> str:
    comps = sorted((c["name"], c.get("license", "<absent>")) for c in release.get("components") or [])
    globals_ = {k: (v or {}).get("name") for k, v in (release.get("license") or {}).items()}
    return repr((sorted(globals_.items()), comps))


def test_test_data_yaml_files_match_expected_results(expected_results):
    """The 27 YAML files (whose names encode stale figures) pair 1:1 with the expected results."""
    by_key = {_content_key(case["release"]): case for case in expected_results}
    files = sorted(corpus_path("mot", "Test_Data").glob("*.yml"))
    assert len(files) == 27 and len(by_key) == 27
    paired = set()
    for path in files:
        release = _yaml(path)["release"]
        case = by_key[_content_key(release)]
        paired.add(case["id"])
        res = classify_release(release)
        want = case["classification"]
        assert (res.mof_class, {str(k): res.progress[k] for k in (1, 2, 3)}) == (want["class"], want["progress"]), path.name
    assert len(paired) == 27


# --- all 273 MOT models ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def mot_models() -> dict[str, MofResult]:
    paths = sorted(corpus_path("mot", "models").glob("*.yml"))
    return {path.stem: classify_release(_yaml(path)["release"]) for path in paths}


def test_mot_class_split(mot_models):
    assert len(mot_models) == 273
    split = collections.Counter(res.mof_class for res in mot_models.values())
    assert split == {1: 14, 2: 1, 3: 16, 0: 242}
    by_class = {k: sorted(n for n, r in mot_models.items() if r.mof_class == k) for k in (1, 2)}
    assert by_class[1] == ["Amber", "Aquila-VL-2B", "OLMo-1B-hf", "OLMo-7B", "OLMo-7B-Twin-2T-hf", "OLMo-7B-hf"] + [
        f"Pythia-{s}" for s in ("1.4B", "12B", "160M", "1B", "2.8B", "410M", "6.9B", "70M")
    ]
    assert by_class[2] == ["Polyglot-Ko"]
    class_iii = sorted(n for n, r in mot_models.items() if r.mof_class == 3)
    assert class_iii[0] == "GPT-NeoX-20B" and all(n.startswith("Granite-") for n in class_iii[1:])


def test_mot_class_iii_progress_histogram(mot_models):
    hist = collections.Counter(round(res.progress[3], 1) for res in mot_models.values())
    assert hist == {0.0: 155, 16.7: 45, 33.3: 30, 50.0: 1, 66.7: 3, 83.3: 8, 100.0: 31}
    weights_warned = sum("model-parameters-final" in res.not_type_appropriate for res in mot_models.values())
    assert weights_warned == 85


@pytest.mark.parametrize(
    ("stem", "mof_class", "iii", "ii", "i"),
    [
        ("OLMo-7B", 1, 100, 100, 100),
        ("Pythia-6.9B", 1, 100, 100, 100),
        ("Amber", 1, 100, 100, 100),
        ("Polyglot-Ko", 2, 100, 100, 92.9),
        ("GPT-NeoX-20B", 3, 100, 90, 0),
        ("Granite-4.0-Micro", 3, 100, 60, 0),
        ("Mixtral-8x7B-v0.1", 0, 83.3, 0, 0),
        ("DeepSeek-R1", 0, 83.3, 0, 0),
        ("BLOOM", 0, 16.7, 0, 0),
        ("Llama-3.1-8B", 0, 0, 0, 0),
    ],
)
def test_named_models(mot_models, stem, mof_class, iii, ii, i):
    res = mot_models[stem]
    assert (res.mof_class, round(res.progress[3], 1), round(res.progress[2], 1), round(res.progress[1], 1)) == (
        mof_class, iii, ii, i
    )


def test_named_model_details(mot_models):
    olmo = mot_models["OLMo-7B"]
    assert {"model-parameters-final", "datasets", "evaluation-data"} <= set(olmo.not_type_appropriate)
    mixtral = mot_models["Mixtral-8x7B-v0.1"]
    assert mixtral.missing[3] == ("data-card",) and mixtral.report_replaced_by_paper
    llama = {c.slug: c for c in mot_models["Llama-3.1-8B"].components}
    assert llama["model-parameters-final"].status == "invalid"
    assert mot_models["GPT-NeoX-20B"].missing[2] == ("evaluation-data",)
    assert mot_models["Polyglot-Ko"].missing[1] == ("model-parameters-intermediate",)


def test_spdx_flags_file_gives_the_same_split(mot_models):
    """With the project's SPDX flag table instead of the MOT's snapshot, the 273 classes stay put."""
    path = REPO / "policies" / "licenses" / "spdx-flags.json"
    if not path.exists():
        pytest.skip("policies/licenses/spdx-flags.json not written yet")
    osi = osi_or_fsf_from_flags(json.loads(path.read_text(encoding="utf-8"))["licenses"])
    for path_ in sorted(corpus_path("mot", "models").glob("*.yml")):
        assert _summary(classify_release(_yaml(path_)["release"], osi)) == _summary(mot_models[path_.stem]), path_.stem


# --- our data file --------------------------------------------------------------------------


def test_mof_licenses_json_is_generated_from_the_corpus():
    spec = importlib.util.spec_from_file_location("gen_mof_licenses", REPO / "scripts" / "gen_mof_licenses.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)  # type: ignore[union-attr]
    fresh = gen.render(gen.build(corpus_path("mot")))
    assert DATA_FILE.read_text(encoding="utf-8") == fresh, "run scripts/gen_mof_licenses.py"


def test_our_osi_fsf_table_matches_the_mot_snapshot():
    for rec in _yaml(corpus_path("mot", "config", "licenses.json"))["licenses"]:
        assert OUR_OSI(rec["licenseId"]) == mot_osi()(rec["licenseId"]), rec["licenseId"]


def test_effective_type_lists():
    data = default_mof_licenses()
    # The import-overwrite quirk: CC0-1.0 and CC-PDDC end up document-only.
    assert "CC0-1.0" not in data.type_appropriate["data"] and "CC0-1.0" in data.type_appropriate["document"]
    assert "CC-PDDC" not in data.type_appropriate["data"]
    assert data.type_appropriate["data"] == {"CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0", "PDDL-1.0",
                                             "OpenMDW-1.0"}
    assert "Apache-2.0" in data.type_appropriate["code"] and "Apache-2.0" in data.type_appropriate["document"]
    assert all("OpenMDW-1.0" in ids for ids in data.type_appropriate.values())


@pytest.mark.parametrize(
    ("license_id", "content_type", "verdict"),
    [
        ("MIT", "code", "pass"),
        ("Apache-2.0", "data", "conditional"),  # open, but not a data licence
        ("GPL-3.0-only", "code", "conditional"),  # open, appropriate for no type
        ("CC0-1.0", "data", "conditional"),  # the overwrite quirk
        ("CDLA-Permissive-2.0", "data", "pass"),
        ("CC-BY-SA-2.0-UK", "data", "conditional"),  # open via the hard-coded open-data list
        ("OpenMDW-1.0", "data", "pass"),
        ("PDDL-1.0", "data", "invalid"),  # type-appropriate but not open in the MOT
        ("Apache 2.0", "code", "invalid"),
        ("apache-2.0", "code", "invalid"),  # case-sensitive, no normalisation
        ("MIT OR Apache-2.0", "code", "invalid"),  # no SPDX expressions
        ("Pending evaluation", "document", "invalid"),
        ("Component not included", "document", "invalid"),
        ("unlicensed", "code", "unlicensed"),
        ("", "code", "unlicensed"),
        (None, "code", "unlicensed"),
    ],
)
def test_license_verdict(license_id, content_type, verdict):
    data = default_mof_licenses()
    assert license_verdict(license_id, content_type, data=data, is_osi_or_fsf=OUR_OSI) == verdict


@pytest.mark.parametrize(
    ("own", "content_type", "globals_", "want"),
    [
        (None, "code", {"distribution": "Apache-2.0", "code": "MIT"}, ("MIT", "global:code")),
        (None, "data", {"distribution": "Apache-2.0", "code": "MIT"}, ("Apache-2.0", "global:distribution")),
        (None, "data", {"distribution": "Apache-2.0", "data": ""}, ("Apache-2.0", "global:distribution")),
        (None, "data", {"distribution": None}, (None, "none")),
        ("unlicensed", "code", {"distribution": "MIT"}, (None, "component")),
        ("", "code", {"distribution": "MIT"}, (None, "component")),
        ("BSD-3", "code", {"distribution": "MIT"}, ("BSD-3", "component")),
    ],
)
def test_resolve_license(own, content_type, globals_, want):
    assert resolve_license(own, content_type, globals_) == want


# --- our fixtures (no corpus needed) --------------------------------------------------------

FIXTURE_DIR = FIXTURES / "mot"
FIXTURE_EXPECTED: dict[str, Any] = _yaml(FIXTURE_DIR / "expected.yml")


def test_every_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURE_DIR.glob("*.yml") if p.name != "expected.yml") == sorted(FIXTURE_EXPECTED)


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTED))
def test_fixture(name):
    want = FIXTURE_EXPECTED[name]
    res = classify_release(_yaml(FIXTURE_DIR / name)["release"], OUR_OSI)
    assert res.mof_class == want["class"]
    assert res.label == {0: "Unclassified", 1: "Class I - Open Science Model", 2: "Class II - Open Tooling Model",
                         3: "Class III - Open Model"}[want["class"]]
    assert dict(res.progress) == want["progress"]
    assert res.total == (want["progress"][3] + want["progress"][2] + want["progress"][1]) / 3
    assert [c.slug for c in res.components] == [c.slug for c in components.COMPONENTS]
    got = {c.slug: [c.status, c.license, c.how] for c in res.components if c.status != "missing"}
    assert got == want["components"]
    assert {k: list(v) for k, v in res.missing.items()} == want["missing"]
    assert list(res.not_type_appropriate) == want["not_type_appropriate"]
    assert res.report_replaced_by_paper is want["report_replaced_by_paper"]


def test_fixtures_are_valid_mot_files():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(corpus_path("mot", "schema", "mof_schema.json").read_text(encoding="utf-8"))
    for name in FIXTURE_EXPECTED:
        jsonschema.validate(json.loads(json.dumps(_yaml(FIXTURE_DIR / name), default=str)), schema)


# --- API contracts and invariants -----------------------------------------------------------


def test_unknown_slug_and_global_key_are_errors():
    with pytest.raises(ValueError, match="slug"):
        classify_mof([ComponentInput("Model card", "MIT")], {}, is_osi_or_fsf=OUR_OSI)
    with pytest.raises(ValueError, match="global"):
        classify_mof([], {"weights": "MIT"}, is_osi_or_fsf=OUR_OSI)


def test_repeated_component_keeps_the_later_licence():
    res = classify_mof(
        [ComponentInput("model-card", "Proprietary"), ComponentInput("model-card", "CC-BY-4.0"),
         ComponentInput("model-card", None)],
        {}, is_osi_or_fsf=OUR_OSI,
    )
    assert res.components[3].slug == "model-card" and res.components[3].status == "pass"


def test_injected_lookup_is_used():
    inputs = [ComponentInput(c.slug, "GPL-3.0-only") for c in components.COMPONENTS]
    assert classify_mof(inputs, {}, is_osi_or_fsf=lambda _: False).mof_class == 0
    assert classify_mof(inputs, {}, is_osi_or_fsf=lambda _: True).mof_class == 1


_LICENCES = st.sampled_from([None, "", "unlicensed", "MIT", "Apache-2.0", "CC-BY-4.0", "CDLA-Permissive-2.0",
                             "GPL-3.0-only", "Apache 2.0", "Proprietary"])


@given(
    chosen=st.dictionaries(st.sampled_from([c.slug for c in components.COMPONENTS]), _LICENCES),
    distribution=_LICENCES,
)
def test_invariants(chosen, distribution):
    res = classify_mof([ComponentInput(s, lic) for s, lic in chosen.items()], {"distribution": distribution},
                       is_osi_or_fsf=OUR_OSI)
    assert all(0 <= res.progress[k] <= 100 for k in (1, 2, 3))
    for lower, higher in ((2, 3), (1, 2)):  # gating: a lower class moves only once the higher is complete
        assert res.progress[lower] == 0 or res.progress[higher] == 100
    complete = [k for k in (1, 2, 3) if res.progress[k] == 100]
    assert res.mof_class == (min(complete) if complete else 0)
    assert {c.slug for c in res.components if c.status == "missing"} == set(components.BY_SLUG) - set(chosen)
    assert set(res.missing[3]) <= set(res.missing[2]) <= set(res.missing[1])
