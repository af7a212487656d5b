"""The Hugging Face model card format: detection, mapping, licence resolution, edge cases.

Our own cards in tests/fixtures/hf cover every path; the 16 real cards of the research corpus are
loaded too (copied into a temporary folder under their real file names, with their LICENSE files).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pluggy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES, corpus_path
from openness_policy import components as C
from openness_policy import hookspecs
from openness_policy.formats import hf_card
from openness_policy.plugin_types import Source
from openness_policy.plugins import build_registry

HF = FIXTURES / "hf"


def source(folder: Path, name: str = "README.md", display_dir: str | None = None) -> Source:
    """A Source for ``folder/name`` with the same sibling access the engine gives."""
    path = folder / name

    def read_sibling(other: str) -> str | None:
        target = folder / other
        if "/" in other or not target.is_file():
            return None
        try:
            return target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return None

    display = f"{display_dir or folder.name}/{name}"
    return Source(path, display, path.read_text(encoding="utf-8"), read_sibling=read_sibling,
                  list_siblings=lambda: sorted(os.listdir(folder)))


def load(case: str, name: str = "README.md"):
    return hf_card.load(source(HF / case, name))


def one(case: str, name: str = "README.md"):
    recs = load(case, name)
    assert len(recs) == 1, recs
    return recs[0]


def problems(rec, rule: str = "manifest-invalid"):
    return [p for p in rec.problems if p.rule == rule]


# ---------------------------------------------------------------- registration and detection

def test_registered_like_any_plugin_with_docs():
    pm = pluggy.PluginManager("openness_policy")
    pm.add_hookspecs(hookspecs)
    pm.register(hf_card, name="openness_policy.formats.hf_card")
    reg = build_registry(pm)
    spec = reg.formats["hf-card"]
    assert reg.provider[("formats", "hf-card")] == "openness_policy.formats.hf_card"
    assert "| card | canonical record |" in spec.docs and "openness_weights_released" in spec.docs
    import fnmatch
    for name in ("README.md", "readme.md", "MODEL_CARD.md", "modelcard.md", "ModelCard.MD"):
        assert any(fnmatch.fnmatchcase(name, p) for p in spec.filenames), name
    assert not any(fnmatch.fnmatchcase("NOTES.md", p) for p in spec.filenames)


@pytest.mark.parametrize("name, head, expected", [
    ("README.md", "---\nlicense: mit\n---\n# x\n", True),
    ("readme.MD", "---\npipeline_tag: text-generation\n", True),  # front matter longer than the 4 KiB head
    ("MODEL_CARD.md", "## Model Information\n", True),
    ("README.md", "# plain readme\n", True),  # decided in load(), with the sibling files
    ("README.md", "---\nlicense: cc-by-4.0\ntask_categories:\n- text-generation\n---\n", False),
    ("README.md", "---\nconfigs:\n- config_name: default\n---\n", False),
    ("NOTES.md", "---\nlicense: mit\n---\n", False),
    ("model.yaml", "license: mit\n", False),
])
def test_detect(name, head, expected):
    assert hf_card.detect(name, head) is expected


@pytest.mark.parametrize("case", ["plain-readme", "docs-front-matter", "dataset-card"])
def test_not_a_model_card_gives_no_record(case):
    assert load(case) == []


# ---------------------------------------------------------------- mapping of a full card

def test_hub_id_card_maps_every_key_with_positions():
    rec = one("hub-id")
    assert rec.format == "hf-card" and rec.pos.line == 2
    assert (rec.name.value, rec.name.pos.line) == ("acme-coder-1b", 3)
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.line, lic.pos.file) == ("apache-2.0", "declared", 2, "hub-id/README.md")
    assert [d.name.value for d in rec.datasets] == ["acme/code-corpus-v2", "squad"]
    assert rec.datasets[0].source.value == "https://huggingface.co/datasets/acme/code-corpus-v2"
    assert rec.datasets[1].source is None  # not an owner/name id: no link is made up
    assert rec.datasets[0].name.pos.line == 10 and rec.data_disclosure.value == "named"
    assert [(b.ref.value, b.relation.value, b.ref.pos.line) for b in rec.lineage] == [("acme/acme-base-1b", "finetune", 12)]
    assert len(rec.evaluation) == 1 and rec.evaluation[0].value["dataset"]["name"] == "HumanEval"
    assert rec.evaluation[0].pos.line == 21
    assert rec.components["research-paper"].location.value == "https://arxiv.org/abs/2401.01234"
    assert rec.components["research-paper"].pos.line == 16
    for slug in (C.WEIGHTS, "model-card", "model-metadata", "evaluation-results", "research-paper"):
        assert slug in rec.components, slug
        assert rec.components[slug].license is None  # inherits the distribution licence
    assert rec.component_license(C.WEIGHTS)[0].value == "apache-2.0"
    assert rec.components["model-metadata"].location.value == "hub-id/config.json"
    assert (rec.weights_available.value, rec.weights_available.how) == ("yes", "default")
    assert rec.evidence["library_name"].value == "transformers"
    assert rec.evidence["pipeline_tag"].value == "text-generation"
    assert rec.evidence["language"].value == ["en", "code"]
    assert rec.problems == []


def _through_engine(folder: Path, name: str = "README.md"):
    """Suppression comments are read by the engine's one mechanism (suppress_comments), for every format."""
    from openness_policy.engine import load_source

    return load_source(hf_card_spec(), source(folder, name))


def test_inline_suppression_comment():
    [rec] = _through_engine(HF / "hub-id")
    [sup] = rec.suppressions
    assert (sup.rule, sup.reason, sup.expires, sup.pos.line, sup.pos.col) == \
        ("license-unknown", "catalogue update pending", "2030-01-31", 17, 1)


def test_suppression_forms(tmp_path):
    (tmp_path / "README.md").write_text(
        "---\nlicense: other  # openness-policy: ignore license-unknown\n"
        "# openness-policy: ignore weights-gated reason='EU rollout later'\n"
        "# openness-policy: ignore reason=\"no rule\"\n---\n", encoding="utf-8")
    rec = _through_engine(tmp_path)[0]
    assert [(s.rule, s.reason, s.expires, s.pos.line) for s in rec.suppressions] == \
        [("license-unknown", "", None, 2), ("weights-gated", "EU rollout later", None, 3)]
    assert [p.pos.line for p in problems(rec, "suppression-invalid") if "names no rule" in p.message] == [4]


# ---------------------------------------------------------------- licence resolution

def test_license_other_uses_license_name():
    rec = one("other-name")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.line) == ("acme-model-license-1.0", "declared", 3)
    assert "license: other" in lic.note
    assert rec.evidence["license_link"].value == "https://example.com/acme/model-license"


def test_empty_license_is_treated_like_other():
    rec = one("empty-license")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how) == ("acme-community-license", "declared")
    assert "license is empty" in lic.note


def test_license_file_beside_the_card_is_detected():
    rec = one("license-file")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how) == ("MIT", "detected")
    assert "LICENSE" in lic.note and lic.pos.file == "license-file/LICENSE"


def test_license_link_to_a_repo_file_is_identified():
    lic = one("license-link-file").licenses["distribution"]
    assert (lic.value, lic.how) == ("MIT", "detected") and "license_link LICENSE.txt" in lic.note


def test_unrecognised_license_file_is_a_warning_and_no_licence():
    rec = one("unrecognised-license")
    assert "distribution" not in rec.licenses
    [p] = problems(rec)
    assert p.level == "warning" and "LICENSE file not recognised" in p.message and "LICENSE.md" in p.message
    assert "license:" in p.fix


def test_license_list_and_bare_other(tmp_path):
    (tmp_path / "README.md").write_text("---\nlicense: [mit, cc-by-4.0]\n---\n", encoding="utf-8")
    rec = hf_card.load(source(tmp_path))[0]
    assert rec.licenses["distribution"].value == "mit AND cc-by-4.0"
    assert [p.level for p in problems(rec)] == ["warning"]
    (tmp_path / "README.md").write_text("---\nlicense: other\n---\n", encoding="utf-8")
    rec = hf_card.load(source(tmp_path))[0]
    assert rec.licenses["distribution"].value == "other"  # the catalogue reports it as unidentified
    assert "without license_name" in problems(rec)[0].message


# ---------------------------------------------------------------- weights, gating, lineage

def test_gated_card_with_eu_exclusion():
    rec = one("gated")
    assert (rec.gated.value, rec.gated.how, rec.gated.pos.line) == (True, "declared", 3)
    assert rec.weights_available.value == "gated"
    assert [(r.value, r.pos.line) for r in rec.excluded_regions] == [("EU", 4)]
    assert rec.evidence["extra_gated_fields"].value == {"Company": "text", "Country": "country"}
    assert C.WEIGHTS in rec.components  # gated still counts as released


def test_gate_form_keys_imply_gating_but_a_description_alone_does_not(tmp_path):
    (tmp_path / "README.md").write_text("---\nlicense: gemma\nextra_gated_heading: Access it\n---\n", encoding="utf-8")
    rec = hf_card.load(source(tmp_path))[0]
    assert (rec.gated.value, rec.gated.how, rec.weights_available.value) == (True, "derived", "gated")
    (tmp_path / "README.md").write_text("---\nlicense: mit\nextra_gated_description: privacy\n"
                                        "extra_gated_eu_disallowed: true\n---\n", encoding="utf-8")
    rec = hf_card.load(source(tmp_path))[0]
    assert rec.gated is None and rec.weights_available.value == "yes" and rec.excluded_regions == []
    assert "no effect" in problems(rec)[0].message


def test_weights_not_released_extension_key():
    rec = one("not-released")
    assert (rec.weights_available.value, rec.weights_available.how, rec.weights_available.pos.line) == ("no", "declared", 3)
    assert C.WEIGHTS not in rec.components


def test_readme_without_front_matter_in_a_model_dir():
    rec = one("model-dir-no-front-matter")
    [p] = problems(rec)
    assert "no machine-readable metadata" in p.message and p.pos.line == 1 and p.level == "warning"
    assert (rec.weights_available.value, rec.weights_available.how) == ("yes", "detected")
    assert "model.safetensors" in rec.weights_available.note and "LFS" in rec.weights_available.note
    assert rec.components[C.WEIGHTS].location.value == "model-dir-no-front-matter/model.safetensors"


def test_model_card_md_without_front_matter():
    rec = one("model-card-no-front-matter", "MODEL_CARD.md")
    [p] = problems(rec)
    assert p.message.startswith("MODEL_CARD.md has no machine-readable metadata")
    assert (p.pos.line, p.pos.col, p.level) == (1, 1, "warning") and "front matter" in p.fix
    assert rec.name.value == "model-card-no-front-matter" and rec.name.how == "default"


def test_local_path_base_model_is_kept_with_a_warning():
    rec = one("local-base")
    [b] = rec.lineage
    assert b.ref.value == "./checkpoints/my-base" and b.relation.value == "adapter" and b.relation.how == "derived"
    [p] = problems(rec)
    assert "base_model is a local path" in p.message and p.pos.line == 2 and p.level == "warning"


def test_list_base_model_is_a_merge():
    rec = one("merge")
    assert [(b.ref.value, b.ref.pos.line, b.relation.value) for b in rec.lineage] == \
        [("acme/base-a-7b", 4, "merge"), ("acme/base-b-7b", 5, "merge")]


# ---------------------------------------------------------------- bad input never raises

def test_yaml_error_lands_on_the_file_line():
    [rec] = load("bad-yaml")
    [p] = rec.problems
    assert p.rule == "manifest-unreadable" and p.pos.line >= 3 and p.pos.file == "bad-yaml/README.md"


def test_unclosed_front_matter():
    [rec] = load("unclosed")
    assert rec.problems[0].rule == "manifest-unreadable" and "no closing" in rec.problems[0].message


@pytest.mark.parametrize("text", ["---\n---\n# empty\n", "---\n- a\n- b\n---\n", "---\nlicense: mit\nlicense: mit\n---\n",
                                  "---\nbase_model: {a: 1}\ndatasets: 3\nmodel-index: x\ntags: [1, {a: b}]\n---\n",
                                  "---\r\nlicense: mit\r\n---\r\n"])
def test_odd_front_matter_never_raises(tmp_path, text):
    (tmp_path / "MODEL_CARD.md").write_text(text, encoding="utf-8")
    recs = hf_card.load(source(tmp_path, "MODEL_CARD.md"))
    assert len(recs) == 1


def test_through_the_engine(tmp_path):
    from openness_policy.discover import Candidate
    from openness_policy.engine import load_candidate

    folder = tmp_path / "acme"
    shutil.copytree(HF / "license-file", folder)
    recs = load_candidate(Candidate(folder / "README.md", "acme/README.md", True), tmp_path, [hf_card_spec()], 1 << 20)
    assert [r.licenses["distribution"].value for r in recs] == ["MIT"]


def hf_card_spec():
    found = []
    hf_card.register_formats(register=found.append)
    return found[0]


# ---------------------------------------------------------------- the real cards of the corpus

REAL = {  # corpus card -> (file name, folder, extra files: corpus name -> real name)
    "Qwen__Qwen-72B.md": ("README.md", "Qwen-72B", {"Qwen__Qwen-72B.LICENSE.md": "LICENSE.md"}),
    "bigscience__bloom.md": ("README.md", "bloom", {}),
    "deepseek-ai__DeepSeek-R1.github-readme.md": ("README.md", "DeepSeek-R1", {"deepseek-ai__DeepSeek-R1.LICENSE": "LICENSE"}),
    "google__gemma-2b-sfp-cpp.md": ("README.md", "gemma-2b-sfp-cpp", {}),
    "google__medgemma-27b-it.md": ("README.md", "medgemma-27b-it", {}),
    "ibm-granite__granite-3b-code-instruct-128k.md": ("README.md", "granite-3b-code-instruct-128k", {}),
    "local__peft-lora-adapter-autogenerated.md": ("README.md", "My_Model_1219", {}),
    "meta-llama__llama3_1.MODEL_CARD.md": ("MODEL_CARD.md", "llama3_1", {
        "meta-llama__llama3_1.LICENSE": "LICENSE", "meta-llama__llama3_1.USE_POLICY.md": "USE_POLICY.md"}),
    "meta-llama__llama4.MODEL_CARD.md": ("MODEL_CARD.md", "llama4", {
        "meta-llama__llama4.LICENSE": "LICENSE", "meta-llama__llama4.USE_POLICY.md": "USE_POLICY.md"}),
    "mistralai__Devstral-Small-2507.md": ("README.md", "Devstral-Small-2507", {}),
    "tiiuae__falcon-7b.md": ("README.md", "falcon-7b", {}),
    "tiiuae__falcon-7b.2023-05-30-tii-falcon-llm.md": ("README.md", "falcon-7b-2023-05-30", {}),
    "togethercomputer__RedPajama-INCITE-7B-Base.md": ("README.md", "RedPajama-INCITE-7B-Base", {}),
    "unsloth__Llama-3.2-11B-Vision-Instruct-bnb-4bit.md": ("README.md", "Llama-3.2-11B-Vision-Instruct-bnb-4bit", {}),
    "unsloth__Meta-Llama-3.1-70B-Instruct-bnb-4bit.md": ("README.md", "Meta-Llama-3.1-70B-Instruct-bnb-4bit", {}),
    "unsloth__llama-3.1-8b-instruct-unsloth-bnb-4bit.md": ("README.md", "llama-3.1-8b-instruct-unsloth-bnb-4bit", {}),
}


def real_card(tmp_path: Path, card: str):
    cards = corpus_path("hf", "cards")
    name, folder, extra = REAL[card]
    d = tmp_path / folder
    d.mkdir()
    shutil.copy(cards / card, d / name)
    for src, dst in extra.items():
        shutil.copy(cards / src, d / dst)
    return hf_card.load(source(d, name))


def test_corpus_lists_every_card():
    cards = corpus_path("hf", "cards")
    main = {p.name for p in cards.glob("*.md") if not p.name.endswith(("LICENSE.md", "USE_POLICY.md"))}
    assert main == set(REAL)


@pytest.mark.parametrize("card", sorted(REAL))
def test_every_real_card_loads(tmp_path, card):
    recs = real_card(tmp_path, card)
    assert all(p.rule != "manifest-unreadable" for r in recs for p in r.problems)
    if card.startswith("deepseek"):  # GitHub README, no front matter, no weights beside it: not a card
        assert recs == []
    else:
        assert len(recs) == 1 and recs[0].weights_available is not None


def test_real_qwen_licence_detected_from_license_md(tmp_path):
    [rec] = real_card(tmp_path, "Qwen__Qwen-72B.md")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.file) == ("tongyi-qianwen", "detected", "Qwen-72B/LICENSE.md")
    assert "LICENSE.md" in lic.note


def test_real_medgemma_other_with_license_name_and_gate(tmp_path):
    [rec] = real_card(tmp_path, "google__medgemma-27b-it.md")
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.line) == ("health-ai-developer-foundations", "declared", 3)
    assert "license: other" in lic.note
    assert rec.gated.value is True and rec.weights_available.value == "gated"
    assert [b.ref.value for b in rec.lineage] == ["google/gemma-3-27b-pt"]


@pytest.mark.parametrize("card, lic, base, relation", [
    ("unsloth__Meta-Llama-3.1-70B-Instruct-bnb-4bit.md", "llama3.1", "meta-llama/Meta-Llama-3.1-70B-Instruct", "quantized"),
    ("unsloth__llama-3.1-8b-instruct-unsloth-bnb-4bit.md", "llama3.1", "meta-llama/Llama-3.1-8B-Instruct", None),
    ("unsloth__Llama-3.2-11B-Vision-Instruct-bnb-4bit.md", "llama3.2", "meta-llama/Llama-3.2-11B-Vision-Instruct", None),
])
def test_real_unsloth_derivatives(tmp_path, card, lic, base, relation):
    [rec] = real_card(tmp_path, card)
    assert rec.licenses["distribution"].value == lic
    [b] = rec.lineage
    assert b.ref.value == base and (b.relation.value if b.relation else None) == relation


def test_real_devstral_list_base_model_not_gated(tmp_path):
    [rec] = real_card(tmp_path, "mistralai__Devstral-Small-2507.md")
    assert rec.licenses["distribution"].value == "apache-2.0"
    assert [b.ref.value for b in rec.lineage] == ["mistralai/Mistral-Small-3.1-24B-Instruct-2503"]
    assert rec.lineage[0].ref.pos.line == 31
    assert rec.gated is None  # only extra_gated_description (a privacy note): no access form


def test_real_peft_card_local_base_model(tmp_path):
    [rec] = real_card(tmp_path, "local__peft-lora-adapter-autogenerated.md")
    assert "distribution" not in rec.licenses
    assert rec.lineage[0].relation.value == "adapter"
    [p] = problems(rec)
    assert "base_model is a local path" in p.message and p.pos.line == 2


@pytest.mark.parametrize("card, lic", [("meta-llama__llama3_1.MODEL_CARD.md", "llama3.1"),
                                       ("meta-llama__llama4.MODEL_CARD.md", "llama4")])
def test_real_meta_model_card_without_front_matter(tmp_path, card, lic):
    [rec] = real_card(tmp_path, card)
    [p] = problems(rec)
    assert "no machine-readable metadata" in p.message and p.pos.line == 1
    assert (rec.licenses["distribution"].value, rec.licenses["distribution"].how) == (lic, "detected")
    assert rec.evidence["use_policy"].value == f"{lic}-use-policy"


def test_real_granite_datasets_and_model_index(tmp_path):
    [rec] = real_card(tmp_path, "ibm-granite__granite-3b-code-instruct-128k.md")
    assert len(rec.datasets) == 9
    no_ns = [d for d in rec.datasets if d.name.value == "glaive-function-calling-v2"]
    assert no_ns and no_ns[0].source is None
    assert sum(d.source is not None for d in rec.datasets) == 8
    assert rec.name.value == "granite-3b-code-instruct-128k" and rec.name.note == "model-index[0].name"
    assert len(rec.evaluation) >= 6 and "evaluation-results" in rec.components


def test_real_gemma_gating(tmp_path):
    [rec] = real_card(tmp_path, "google__gemma-2b-sfp-cpp.md")
    assert rec.licenses["distribution"].value == "gemma"
    assert (rec.gated.value, rec.gated.how) == (True, "derived") and rec.gated.pos.line == 6
    assert rec.weights_available.value == "gated"
    assert "Google’s usage license" in rec.evidence["extra_gated_prompt"].value


def test_real_falcon_revisions(tmp_path):
    [old] = real_card(tmp_path, "tiiuae__falcon-7b.2023-05-30-tii-falcon-llm.md")
    [new] = real_card(tmp_path, "tiiuae__falcon-7b.md")
    assert old.licenses["distribution"].value == "tii-falcon-llm"  # removed from the Hub list: the catalogue decides
    assert new.licenses["distribution"].value == "apache-2.0"
    assert [d.name.value for d in new.datasets] == ["tiiuae/falcon-refinedweb"]


# ---------------------------------------------------------------- licence from a gate prompt or the prose

def test_license_line_in_the_prose_is_the_last_resort():
    lic = one("prose-license").licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.line) == ("Apache 2.0", "detected", 11)
    assert "License line" in lic.note


@pytest.mark.parametrize("raw, name", [
    ("[Apache 2.0](https://www.apache.org/licenses/LICENSE-2.0).", "Apache 2.0"),
    ("RAIL License v1.0 ([link](https://huggingface.co/spaces/bigscience/license))", "RAIL License v1.0"),
    ("Use of Llama 3.2 is governed by the [Llama 3.2 Community License](https://x.test/LICENSE) (a custom licence).",
     "Llama 3.2 Community License"),
    ("A custom commercial license, the Llama 3.1 Community License, is available at: [https://x.test](https://x.test)",
     None),
    ("[More Information Needed]", None),
    ("{{ license | default(\"[More Information Needed]\", true)}}", None),
])
def test_prose_licence_name(raw, name):
    from openness_policy.formats.hf_license import prose_name

    assert prose_name(raw) == name


def test_full_licence_text_in_the_gate_prompt(tmp_path):
    mit = (HF / "license-file" / "LICENSE").read_text(encoding="utf-8")
    body = "".join(f"  {line}\n" if line else "\n" for line in mit.splitlines())
    (tmp_path / "README.md").write_text(f"---\nextra_gated_heading: Accept the licence\nextra_gated_prompt: |\n{body}---\n",
                                        encoding="utf-8")
    rec = hf_card.load(source(tmp_path))[0]
    lic = rec.licenses["distribution"]
    assert (lic.value, lic.how, lic.pos.line) == ("MIT", "detected", 3) and "extra_gated_prompt" in lic.note
    assert rec.weights_available.value == "gated"


# ---------------------------------------------------------------- any text: a record or nothing, never an exception

_KEYS = st.sampled_from(["license", "license_name", "license_link", "base_model", "datasets", "gated", "tags",
                         "model-index", "extra_gated_prompt", "extra_gated_eu_disallowed", "openness_weights_released",
                         "base_model_relation", "model_name", "task_categories", "- x", "  nested"])
_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(["", "[a, b]", "{a: 1}", "true", "null", "C:\\x", "other",
                                                           "|\n  text", "\n  - a\n  - {b: c}", "# openness-policy: ignore"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_KEYS, _VALUES), max_size=8), st.text(max_size=80), st.booleans())
def test_fuzzed_front_matter_never_raises(tmp_path_factory, pairs, body, named_card):
    folder = tmp_path_factory.mktemp("fuzz")
    name = "MODEL_CARD.md" if named_card else "README.md"
    text = "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + "---\n" + body
    (folder / name).write_text(text, encoding="utf-8")
    hf_card.detect(name, text[:4096])
    for rec in hf_card.load(source(folder, name)):
        assert rec.format == "hf-card"
        assert all(p.pos.line >= 1 for p in rec.problems)
