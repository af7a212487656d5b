"""The licence catalogue (data) and the modules that read it: lookup, org additions, SPDX expressions."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.licenses.catalog import (
    CLAUSE_IDS,
    LicenseCatalog,
    LicenseClashError,
    LicenseRecord,
    normalize,
    record_from_mapping,
)
from openness_policy.licenses.expression import evaluate
from tests.conftest import REPO, corpus_path

CATALOG = REPO / "policies" / "licenses" / "catalog.yaml"
FLAGS = REPO / "policies" / "licenses" / "spdx-flags.json"
SCHEMA = REPO / "schemas" / "license-catalog.schema.json"

# The 83 licence ids the Hugging Face Hub accepts (research/formats.md §3, from repositories-licenses.md).
HUB_IDS = """
apache-2.0 mit afl-3.0 artistic-2.0 bsl-1.0 bsd-2-clause bsd-3-clause bsd-3-clause-clear ecl-2.0 epl-1.0
epl-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gpl-2.0 gpl-3.0 lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 osl-3.0
postgresql ofl-1.1 ncsa unlicense zlib wtfpl
bsd gpl lgpl gfdl cc openrail
cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0
cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 c-uda etalab-2.0 odc-by odbl pddl lgpl-lr
bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m openrail++
llama2 llama3 llama3.1 llama3.2 llama3.3 llama4 gemma grok2-community deepfloyd-if-license
fair-noncommercial-research-license apple-amlr apple-ascl intel-research h-research openmdw-1.0 openmdw-1.1
unknown other
""".split()
AMBIGUOUS = {"bsd", "gpl", "lgpl", "gfdl", "cc", "openrail"}
PLACEHOLDERS = {"unknown", "other"}
# Generic hub ids and the SPDX id their record must carry.
HUB_TO_SPDX = {
    "apache-2.0": "Apache-2.0", "mit": "MIT", "bsd-3-clause": "BSD-3-Clause", "gpl-3.0": "GPL-3.0-only",
    "agpl-3.0": "AGPL-3.0-only", "lgpl-2.1": "LGPL-2.1-only", "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
    "cc0-1.0": "CC0-1.0", "pddl": "PDDL-1.0", "odbl": "ODbL-1.0", "odc-by": "ODC-By-1.0", "c-uda": "C-UDA-1.0",
    "lgpl-lr": "LGPLLR", "openmdw-1.0": "OpenMDW-1.0", "zlib": "Zlib", "postgresql": "PostgreSQL",
}  # fmt: skip
# Every licence text in corpus/licenses/ and the record it is (SOURCES.txt describes them).
CORPUS_FILES = {
    "Apache-2.0.txt": "Apache-2.0", "CC-BY-4.0.txt": "CC-BY-4.0", "CC-BY-NC-4.0.txt": "CC-BY-NC-4.0",
    "CC-BY-SA-4.0.txt": "CC-BY-SA-4.0", "CDLA-Permissive-2.0.txt": "CDLA-Permissive-2.0", "MIT.txt": "MIT",
    "OpenMDW-1.0.txt": "OpenMDW-1.0", "bigscience-open-rail-m.txt": "bigscience-openrail-m",
    "bigscience-rail-1.0.txt": "bigscience-bloom-rail-1.0", "creativeml-openrail++-m.txt": "openrail++",
    "creativeml-openrail-m.txt": "creativeml-openrail-m", "deepseek-license-v1.0.txt": "deepseek-license-1.0",
    "deepseek-r1-mit.txt": "MIT", "gemma-terms-of-use-2025-03-24.txt": "gemma",
    "gpt-oss-apache-2.0.txt": "Apache-2.0", "gpt-oss-usage-policy.txt": "Apache-2.0",
    "grok-1-apache-2.0.txt": "Apache-2.0", "llama2-license.txt": "llama2", "llama2-use-policy.txt": "llama2",
    "llama3-license.txt": "llama3", "llama3-use-policy.txt": "llama3", "llama3_1-license.txt": "llama3.1",
    "llama3_1-use-policy.txt": "llama3.1", "llama3_2-license.txt": "llama3.2",
    "llama3_2-use-policy.txt": "llama3.2", "llama3_3-license.txt": "llama3.3",
    "llama3_3-use-policy.txt": "llama3.3", "llama4-license.txt": "llama4", "llama4-use-policy.txt": "llama4",
    "mistral-research-license-MRL-0.1.txt": "mistral-mrl-0.1",
    "nvidia-open-model-license-2025-10-24.txt": "nvidia-open-model-license",
    "tongyi-qianwen-research.txt": "tongyi-qianwen-research", "tongyi-qianwen.txt": "tongyi-qianwen",
}  # fmt: skip


@pytest.fixture(scope="module")
def raw() -> dict:
    from ruamel.yaml import YAML

    with open(CATALOG, encoding="utf-8") as fh:
        return YAML(typ="safe", pure=False).load(fh)


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cat() -> LicenseCatalog:
    return LicenseCatalog.builtin()


def clause_ids(rec: LicenseRecord) -> set[str]:
    return {c.id for c in rec.clauses}


def clause(rec: LicenseRecord, cid: str):
    found = [c for c in rec.clauses if c.id == cid]
    assert len(found) == 1, f"{rec.id}: expected one {cid} clause, got {found}"
    return found[0]


# ---------------------------------------------------------------- the data file


def test_catalogue_validates_against_its_schema(raw, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in jsonschema.Draft202012Validator(schema).iter_errors(raw)]
    assert errors == []


def test_schema_rejects_bad_records(schema):
    def errors(record: dict) -> list[str]:
        return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors({"licenses": [record]})]

    good = record_dict()
    assert errors(good) == []
    assert errors({**good, "clauses": [{"id": "no-training", "section": "§1", "summary": "x"}]})
    assert errors({**good, "clauses": [{"id": "user-cap", "section": "§2", "summary": "x"}]})  # no threshold
    assert errors({**good, "clauses": [{"id": "geo-restriction", "section": "§2", "summary": "x"}]})  # no region
    assert errors({k: v for k, v in good.items() if k != "source"})  # built-in records state everything
    assert errors({**good, "grants": {"use": True}})


def test_org_record_schema_is_referenceable_and_lenient(schema):
    validator = jsonschema.Draft202012Validator({"$ref": "#/$defs/record", "$defs": schema["$defs"]})
    minimal = {"id": "acme-model-license", "name": "ACME Model License", "override": False,
               "grants": {"use": True, "modification": True, "distribution": False, "commercial": False},
               "clauses": [{"id": "research-only", "section": "§2", "summary": "research use only"}]}
    assert list(validator.iter_errors(minimal)) == []
    assert list(validator.iter_errors({**minimal, "colour": "red"}))


def test_at_least_the_research_table_and_unique_keys(raw, cat):
    ids = [r["id"] for r in raw["licenses"]]
    assert len(ids) >= 33
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    owners: dict[str, str] = {}
    for rec in cat.records():
        for key in rec.lookup_keys():
            assert owners.setdefault(key, rec.id) == rec.id, f"{key!r} names {owners[key]} and {rec.id}"


def test_every_clause_states_verified_and_records_are_consistent(raw, cat):
    for item in raw["licenses"]:
        for c in item["clauses"]:
            assert "verified" in c, f"{item['id']}: clause {c['id']} must say whether it is verified"
    for rec in cat.records():
        assert {c.id for c in rec.clauses} <= CLAUSE_IDS
        if any(not c.verified for c in rec.clauses):
            assert not rec.verified, f"{rec.id} has unverified clauses but claims verified"
        if rec.ambiguous or rec.placeholder:
            assert not any(rec.grants.values()) and not rec.clauses and not rec.open


def test_osi_flags_agree_with_spdx_flags(cat):
    for rec in cat.records():
        if rec.spdx:
            osi, fsf = cat.spdx_flags(rec.spdx) or (False, False)
            assert rec.osi_approved == osi, rec.id
            if osi or fsf:
                assert rec.open, f"{rec.id} is OSI/FSF-flagged, so open in the MOT sense"


# ---------------------------------------------------------------- Hugging Face hub ids


def test_hub_id_list_is_complete():
    assert len(HUB_IDS) == 83 and len(set(HUB_IDS)) == 83


@pytest.mark.parametrize("hub_id", HUB_IDS)
def test_every_hub_id_resolves(cat, hub_id):
    rec = cat.lookup(hub_id)
    assert rec is not None, hub_id
    assert rec.origin == "builtin" and rec.source != "SPDX License List"  # a real record, not synthetic
    assert rec.ambiguous == (hub_id in AMBIGUOUS)
    assert rec.placeholder == (hub_id in PLACEHOLDERS)
    if hub_id in HUB_TO_SPDX:
        assert rec.spdx == HUB_TO_SPDX[hub_id] == rec.id


# ---------------------------------------------------------------- per-version facts


def test_llama_competitor_training_only_in_2_and_3(cat):
    for hub in ("llama2", "llama3"):
        assert clause(cat.lookup(hub), "competitor-training").section == "§1.b.v"
    for hub in ("llama3.1", "llama3.2", "llama3.3", "llama4"):
        rec = cat.lookup(hub)
        assert "competitor-training" not in clause_ids(rec)
        assert clause(rec, "naming").section == "§1.b.i"
    assert "naming" not in clause_ids(cat.lookup("llama2"))


def test_verified_competitor_training_bans_are_exactly_the_researched_ones(cat):
    banned = {r.id for r in cat.records() for c in r.clauses if c.id == "competitor-training" and c.verified}
    assert banned == {"llama2", "llama3", "tongyi-qianwen", "tongyi-qianwen-research"}


@pytest.mark.parametrize("hub", ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"])
def test_llama_user_cap(cat, hub):
    cap = clause(cat.lookup(hub), "user-cap")
    assert cap.threshold == 700_000_000 and cap.section == "§2"


def test_eu_multimodal_restriction_lives_in_the_later_aups(cat):
    for hub in ("llama3.2", "llama3.3", "llama4"):
        geo = clause(cat.lookup(hub), "geo-restriction")
        assert (geo.region, geo.scope) == ("EU", "multimodal models")
        assert "AUP" in geo.section
    for hub in ("llama2", "llama3", "llama3.1"):
        assert "geo-restriction" not in clause_ids(cat.lookup(hub))


def test_gemma_distillation_is_a_derivative_not_a_ban(cat):
    for rec in (cat.lookup("gemma"), cat.lookup("gemma-2024-02-21")):
        assert clause(rec, "distillation-derivative").section == "§1.1(e)"
        assert "competitor-training" not in clause_ids(rec)
        assert clause(rec, "remote-restriction").section == "§3.2"


def test_apache_and_mit_are_plain_open_source(cat):
    for name in ("Apache-2.0", "MIT"):
        rec = cat.lookup(name)
        assert rec.osi_approved and rec.open and rec.clauses == () and all(rec.grants.values())
    assert cat.lookup("Apache-2.0").mof_types == ("code", "document")
    assert cat.lookup("OpenMDW-1.0").mof_types == ("code", "data", "document")


def test_cc_by_nc_is_non_commercial(cat):
    rec = cat.lookup("cc-by-nc-4.0")
    assert "non-commercial" in clause_ids(rec)
    assert rec.grants["commercial"] is False and not rec.osi_approved and not rec.open


def test_tongyi_qianwen(cat):
    rec = cat.lookup("Tongyi Qianwen LICENSE AGREEMENT")
    assert rec.id == "tongyi-qianwen"
    assert clause(rec, "competitor-training").section == "§5(b)"
    assert clause(rec, "user-cap").threshold == 100_000_000
    research = cat.lookup("tongyi-qianwen-research")
    assert clause(research, "competitor-training").section == "§4(b)"
    assert {"non-commercial", "research-only"} <= clause_ids(research)
    qwen = cat.lookup("qwen")  # the 2024 licence dropped the ban; its facts are secondary
    assert "competitor-training" not in clause_ids(qwen) and not qwen.verified


def test_nvidia_guardrail_and_amendment(cat):
    rec = cat.lookup("NVIDIA Open Model License")
    assert clause(rec, "guardrail-termination").section == "§2.1"
    assert clause(rec, "licensor-may-amend").section == "§2.1"


@pytest.mark.parametrize("text, expected", [
    ("Apache 2.0", "Apache-2.0"), ("apache_2.0", "Apache-2.0"), ("  LLAMA3.1 ", "llama3.1"),
    ("Llama 3.1 Community License", "llama3.1"), ("Gemma Terms of Use", "gemma"), ("tii-falcon-llm",
    "tii-falcon-llm-license-1.0"), ("deepseek", "deepseek-license-1.0"), ("qwen", "qwen"), ("mrl", "mistral-mrl-0.1"),
    ("falcon-llm-license", "tii-falcon-license-2.0"), ("GPL-2.0+", "GPL-2.0-or-later"), ("open-mdw", "OpenMDW-1.0"),
    ("NOASSERTION", "unknown"),
])  # fmt: skip
def test_lookup_by_alias_case_and_spacing(cat, text, expected):
    rec = cat.lookup(text)
    assert rec is not None and rec.id == expected


def test_lookup_misses_and_synthetic_spdx_records(cat):
    assert cat.lookup("Foo-Unknown") is None and cat.lookup("") is None
    aal = cat.lookup("aal")  # flagged in the SPDX list, no catalogue record
    assert aal is not None and aal.id == "AAL" and aal.source == "SPDX License List"
    assert aal.osi_approved and aal.open and all(aal.grants.values()) and aal.clauses == () and aal.verified
    assert cat.lookup("CC-BY-3.0-AT") is None  # neither flag: not known from the list
    assert cat.spdx_flags("MIT") == (True, True)
    assert cat.spdx_flags("mit") is None  # exact and case-sensitive, as the MOT matches
    assert cat.spdx_flags("WTFPL") == (False, True)


def test_builtin_is_parsed_once_and_with_the_c_loader(cat):
    from ruamel.yaml import YAML

    assert LicenseCatalog.builtin() is cat
    assert YAML(typ="safe", pure=False).Parser.__name__ == "CParser", "ruamel.yaml.clib is not loaded"


def test_imports_are_lazy():
    code = ("import sys, openness_policy.licenses.expression, openness_policy.licenses.catalog as c; "
            "print('license_expression' in sys.modules, 'ruamel.yaml' in sys.modules, c._builtin.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "0"]


# ---------------------------------------------------------------- expressions


def test_or_least_restrictive_branch_decides(cat):
    v = evaluate("MIT OR llama3", cat)
    assert v.known and [r.id for r in v.records] == ["MIT"] and v.clauses == ()
    assert v.osi_approved and v.open and v.grants_use_and_modification and "'MIT' decides" in v.note
    assert [r.id for r in evaluate("llama3 OR MIT", cat).records] == ["MIT"]


def test_and_every_term_applies(cat):
    v = evaluate("Apache-2.0 AND llama3", cat)
    assert v.known and {r.id for r in v.records} == {"Apache-2.0", "llama3"}
    assert "competitor-training" in {c.id for c in v.clauses}
    assert not v.osi_approved and not v.open and v.grants_use_and_modification


def test_unknown_branch_never_beats_a_known_one(cat):
    for text in ("Foo-Unknown OR MIT", "MIT OR Foo-Unknown", "other OR llama3"):
        v = evaluate(text, cat)
        assert v.known and v.unknown_terms == () and "Foo" not in {r.id for r in v.records}, text
    assert "Foo-Unknown" in evaluate("Foo-Unknown OR MIT", cat).note
    v = evaluate("Foo OR Bar", cat)
    assert not v.known and v.unknown_terms == ("Foo", "Bar") and not v.grants_use_and_modification


def test_unknown_term_in_and_is_never_a_silent_pass(cat):
    v = evaluate("MIT AND Foo-Unknown", cat)
    assert not v.known and v.unknown_terms == ("Foo-Unknown",) and not v.osi_approved and not v.open
    assert not evaluate("MIT AND gpl", cat).known  # a family id identifies nothing


def test_nested_expression(cat):
    v = evaluate("(MIT OR Apache-2.0) AND CC-BY-NC-4.0", cat)
    assert v.known and [r.id for r in v.records] == ["MIT", "CC-BY-NC-4.0"]
    assert "non-commercial" in {c.id for c in v.clauses} and not v.osi_approved


def test_with_exception_counts_as_the_licence(cat):
    v = evaluate("GPL-2.0-or-later WITH Classpath-exception-2.0", cat)
    assert v.known and [r.id for r in v.records] == ["GPL-2.0-or-later"] and "Classpath" in v.note


def test_hub_ids_and_names_work_in_and_out_of_expressions(cat):
    assert [r.id for r in evaluate("Llama 3.1 Community License", cat).records] == ["llama3.1"]
    assert [r.id for r in evaluate("openrail++ OR llama3.1", cat).records] == ["openrail++"]
    v = evaluate("Terms and Conditions of Foo", cat)  # lower-case words are not operators of a name
    assert not v.known and v.unknown_terms == ("Terms and Conditions of Foo",)


@pytest.mark.parametrize("text", ["MIT OR", "(MIT", "AND", "MIT WITH", "MIT AND OR X", "(", "  "])
def test_malformed_expression_is_unknown_not_an_exception(cat, text):
    v = evaluate(text, cat)
    assert not v.known and v.unknown_terms == (text.strip() or text,) and v.records == ()


def test_placeholder_and_ambiguous_terms_are_not_known(cat):
    for text in ("other", "unknown", "cc", "openrail"):
        v = evaluate(text, cat)
        assert not v.known and v.unknown_terms == (text,) and not v.grants_use_and_modification


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_evaluate_never_raises_and_never_passes_silently(text):
    v = evaluate(text, LicenseCatalog.builtin())
    assert v.expression == text
    assert v.known or v.unknown_terms
    assert not v.known or v.records


# ---------------------------------------------------------------- organisation additions


def record_dict(**over) -> dict:
    base = {"id": "acme-model-license", "name": "ACME Model License", "spdx": None, "hf": [],
            "aliases": ["ACME ML"], "osi_approved": False, "open": False, "mof_types": [],
            "grants": {"use": True, "modification": True, "distribution": True, "commercial": False},
            "clauses": [{"id": "non-commercial", "section": "§3", "summary": "no commercial use", "verified": True}],
            "source": "acme legal", "verified": True}
    return {**base, **over}


def test_org_records_add_and_resolve(cat):
    rec = record_from_mapping({"id": "acme-model-license", "name": "ACME", "aliases": ["ACME ML"],
                               "grants": {"use": True, "modification": True, "distribution": True, "commercial": False},
                               "clauses": [{"id": "non-commercial", "section": "§3", "summary": "no commercial use"}]},
                              origin="policies/acme.yaml")
    assert rec.origin == rec.source == "policies/acme.yaml" and rec.clauses[0].verified
    extended = cat.with_records([rec], allow_override=False)
    assert extended.lookup("acme ml") is rec and cat.lookup("acme ml") is None
    assert evaluate("acme-model-license OR Foo", extended).records == (rec,)
    # more grants beat fewer clauses: llama2 grants commercial use, ACME does not
    assert [r.id for r in evaluate("acme-model-license OR llama2", extended).records] == ["llama2"]


def test_org_record_clash_raises_unless_override(cat):
    mine = record_from_mapping(record_dict(id="my-llama", aliases=["Llama 3"]), origin="policy.yaml")
    with pytest.raises(LicenseClashError) as err:
        cat.with_records([mine], allow_override=False)
    assert err.value.license_id == "my-llama" and err.value.existing == "llama3"
    same_id = record_from_mapping(record_dict(id="llama3", aliases=[]), origin="policy.yaml")
    with pytest.raises(LicenseClashError):
        cat.with_records([same_id], allow_override=False)
    over = cat.with_records([same_id], allow_override=True)
    assert over.lookup("llama3") is same_id and over.lookup("Meta Llama 3") is None
    assert len(over.records()) == len(cat.records())
    alias_over = cat.with_records([mine], allow_override=True)
    assert alias_over.lookup("Llama 3") is mine and alias_over.lookup("llama3").id == "llama3"


def test_record_from_mapping_rejects_bad_input():
    with pytest.raises(ValueError):
        record_from_mapping(record_dict(clauses=[{"id": "no-training", "section": "§1", "summary": "x"}]), "p")
    with pytest.raises(ValueError):
        record_from_mapping(record_dict(grants={"use": True}), "p")
    with pytest.raises(KeyError):
        record_from_mapping({"id": "x", "name": "x"}, "p")


def test_normalize():
    assert normalize("  Apache_License  2.0 ") == normalize("apache-license-2.0") == "apache-license-2.0"


# ---------------------------------------------------------------- against the research corpus


def test_every_corpus_licence_text_has_a_record(cat):
    folder = corpus_path("licenses")
    files = {p.name for p in folder.iterdir() if p.is_file() and p.name != "SOURCES.txt"}
    assert files == set(CORPUS_FILES), "a licence text was added or removed: map it to a record"
    for name, rid in CORPUS_FILES.items():
        rec = cat.lookup(rid)
        assert rec is not None and rec.id == rid, name


def test_spdx_flags_file_is_generated_from_the_snapshot():
    snapshot = corpus_path("mot", "config", "licenses.json")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import gen_spdx_flags
    finally:
        sys.path.remove(str(REPO / "scripts"))
    doc = gen_spdx_flags.spdx_flags(json.loads(snapshot.read_text(encoding="utf-8")))
    assert gen_spdx_flags.render(doc) == FLAGS.read_text(encoding="utf-8")


def test_catalogue_spdx_ids_exist_in_the_snapshot(cat):
    snapshot = json.loads(corpus_path("mot", "config", "licenses.json").read_text(encoding="utf-8"))
    known = {r["licenseId"] for r in snapshot["licenses"]} | {"OpenMDW-1.0"}  # added to SPDX in 3.28.0
    assert sorted(r.spdx for r in cat.records() if r.spdx and r.spdx not in known) == []


def test_mof_types_match_the_mot_effective_lists(cat):
    curated = json.loads(corpus_path("mot", "config", "mof-licenses.json").read_text(encoding="utf-8"))
    effective: dict[str, str | list[str]] = {}
    for item in curated["licenses"]:  # later entries overwrite earlier ones, as the MOT importer does
        effective[item["licenseId"]] = item["ContentType"]
    for spdx_id, types in effective.items():
        rec = cat.lookup(spdx_id)
        assert rec is not None and rec.spdx == spdx_id, spdx_id
        assert set(rec.mof_types) == set(types if isinstance(types, list) else [types]), spdx_id
    for rec in cat.records():
        assert not rec.mof_types or rec.spdx in effective, f"{rec.id}: mof_types only from the MOT lists"



def test_full_licence_names_are_looked_up_when_unique():
    from openness_policy.licenses.catalog import LicenseCatalog

    cat = LicenseCatalog.builtin()
    rec = cat.lookup("Llama 3.3 Community License Agreement")
    assert rec is not None and rec.id == "llama3.3"
