"""Pull-request mode finds a changed derivative's base model by name without reading every file
that mentions the name: ``git grep`` lines are enough to rule out a file whose only mentions are
plain ``key: value`` lines of keys that never name a model. Every other way of writing a name
(quoted, escaped, a block or flow value, a folder name, group/name) must still find the base, so
each case below compares pull-request mode with a full run of the same repository.
"""
from __future__ import annotations

import pytest

from gitfixture import commit, count_reads, edit, family, make_repo, run_json
from openness_policy.git.mentions import may_name

KID = "models/kid/kid.openness.yaml"
KID_TEXT = ("openness: 1\nname: kid\nowner: k@example.com\nweights: {released: true}\n"
            "components:\n  model-parameters-final: {}\nbase_models:\n  - id: {ref}\n    relation: finetune\n")
BASE = "openness: 1\nname: {name}\nowner: o@example.com\nlicense: mit\n"


@pytest.mark.parametrize("line, names", [
    ("  name: 'OLMo'", True),
    ('  "name": "OLMo",', True),
    ("- name: OLMo  # the base", True),
    ("  model_name: OLMo", True),  # a name key matched as a suffix
    ('  "Core_name": "OLMo"', True),
    ("  name: OLMo\r", True),
    ("  name: acme/olmo", False),  # named "acme/olmo", not "olmo"
    ("  origin: OLMo", False),  # mentions the name under a key that never names a model
    ('  "origin": "OLMo",', False),
    ("Base model: OLMo", False),  # prose in a card reads like a key, and names nothing
    ("  name: 'OLMo-7B-00038'", False),
    ("  repository: 'https://github.com/allenai/OLMo'", False),
    # not one whole scalar on one line: may name a model
    ("OLMo", True),
    ("name: |", True),
    ("release: {origin: x, name: OLMo}", True),
    ("  origin: OLMo, name: OLMo", True),
    ("  name: OLMo}", True),
    ("x: &base OLMo", True),
    ("name: !!str OLMo", True),
    ('name: "OL\\x4DMo"', True),
    ("name:OLMo", True),
])
def test_which_lines_may_name_a_model(line, names):
    assert may_name(line, {"olmo"}, ("model_name", "name")) is names


def test_group_and_name_make_one_name():
    assert may_name('  "name": "olmo",', {"acme/olmo"}, ("name",))
    assert not may_name('  "name": "olmo",', {"acme/olmo-2"}, ("name",))


def test_a_base_named_by_a_common_family_name_is_found_without_reading_the_family(tmp_path, monkeypatch, capsys):
    repo = make_repo(tmp_path / "repo")
    family(repo, 120)
    (repo / "models" / "olmo").mkdir()
    (repo / "models" / "olmo" / "olmo.openness.yaml").write_text(BASE.format(name="olmo"))
    (repo / "models" / "kid").mkdir()
    (repo / KID).write_text(KID_TEXT.replace("{ref}", "OLMo"))
    base = commit(repo, "family")
    edit(repo, KID, "name: kid", 'name: kid\nversion: "2"')
    commit(repo)
    seen = count_reads(monkeypatch)
    code, doc = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert [m["path"] for m in doc["models"]] == [KID]
    assert doc["models"][0]["openness"]["level"] == "open-weights"  # MIT inherited from the base
    assert not [n for n in seen if n.startswith("fam-")]  # none of the 120 that only mention the name
    assert "olmo.openness.yaml" in seen


CDX = """{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [
    {
      "type": "machine-learning-model",
      "group": "acme",
      "name": "olmo",
      "licenses": [ { "license": { "id": "MIT" } } ]
    }
  ]
}
"""

# Ways of writing the base's name "olmo" (the kid names it "OLMo"): each must be found. Only the
# "folder" case lives in a folder named like the model (a card that names no model is named after it).
VARIANTS = {
    "quoted": ("models/base/base.openness.yaml", BASE.format(name='"olmo"'), "OLMo"),
    "one-line-json": ("models/base/bom.json", " ".join(CDX.replace('"group": "acme",', "").split()), "OLMo"),
    "json-lines": ("models/base/bom.json", '{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,\n'
                   ' "components": [{"type": "machine-learning-model", "licenses": [{"license": {"id": "MIT"}}],\n'
                   '   "name": "olmo"}]}\n', "OLMo"),
    "block": ("models/base/base.openness.yaml", BASE.format(name="|-\n  olmo"), "OLMo"),
    "next-line": ("models/base/base.openness.yaml", BASE.format(name="\n  olmo"), "OLMo"),
    "hex-escape": ("models/base/base.openness.yaml", BASE.format(name='"\\x6Flmo"'), "OLMo"),
    "escaped-break": ("models/base/base.openness.yaml", BASE.format(name='"ol\\\n  mo"'), "OLMo"),
    "crlf": ("models/base/base.openness.yaml", BASE.format(name="olmo").replace("\n", "\r\n"), "OLMo"),
    "alias": ("models/base/base.openness.yaml",
              "openness: 1\nlabels:\n  family: &n olmo\nname: *n\nowner: o@example.com\nlicense: mit\n", "OLMo"),
    "folder": ("models/olmo/README.md", "---\nlicense: mit\nlibrary_name: transformers\n---\n# A model\n", "olmo"),
    "group-name": ("models/acme/bom.json", CDX, "acme/olmo"),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_way_of_writing_a_base_name_is_found_as_in_a_full_run(variant, tmp_path, monkeypatch, capsys):
    path, text, ref = VARIANTS[variant]
    repo = make_repo(tmp_path / "repo")
    family(repo, 5)
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_bytes(text.encode())
    (repo / "models" / "kid").mkdir()
    (repo / KID).write_text(KID_TEXT.replace("{ref}", ref))
    base = commit(repo, "base and kid")
    edit(repo, KID, "name: kid", 'name: kid\nversion: "2"')
    commit(repo)
    _, full = run_json(repo, KID, path, monkeypatch=monkeypatch, capsys=capsys)
    kid_full = next(m for m in full["models"] if m["path"] == KID)
    assert kid_full["openness"]["level"] == "open-weights", f"{variant}: the full run does not link the base"
    _, pr = run_json(repo, "--diff-base", base, monkeypatch=monkeypatch, capsys=capsys)
    assert [m["path"] for m in pr["models"]] == [KID]
    assert pr["models"][0]["openness"] == kid_full["openness"]
