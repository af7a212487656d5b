"""`openness-policy doc POLICY`: Markdown documentation of a policy or a built-in template."""
from __future__ import annotations

import re

import pytest

from openness_policy.cli import main
from openness_policy.cli.template_cmds import doc_markdown
from openness_policy.plugins import load_registry
from openness_policy.policy.docgen import flow
from tests.conftest import REPO

POLICY = """\
version: 1
name: Acme model policy
description: What Acme requires of the models it ships.
extends:
  - builtin:mof-class-3
settings:
  severity: {mof.class-iii.data-card: warning}
licenses:
  - id: acme-model-licence-1.0
    name: ACME Model Licence 1.0
    osi_approved: false
    open: false
    mof_types: []
    grants: {use: true, modification: true, distribution: false, commercial: true}
    clauses: []
    source: legal/acme.md
    verified: true
rules:
  - id: prod-no-competitor-clause
    title: "Production | no competitor-training clause"
    description: Production models may not forbid training other models.
    help: Choose a licence without a competitor-training clause (`license`).
    severity: error
    references: ["https://example.com/policy#competitors", "https://example.com/wiki"]
    scope: {labels: {stage: [production, canary]}, paths: ["models/**"]}
    when: {not: {field: {path: labels.internal, equals: true}}}
    require: {license-clauses: {forbid: [competitor-training]}}
exceptions:
  - rule: prod-no-competitor-clause
    models: [legacy-*]
    reason: Replacement ships in Q3
    expires: 2026-12-31
"""


@pytest.fixture(scope="module")
def registry():
    return load_registry(entry_points=False)


def raw_template_ids(name: str, registry) -> list[str]:
    from openness_policy.policy.load import PolicyLoader

    loader = PolicyLoader(registry, REPO)
    loader.load_template(name)
    return [r.info.id for r in loader.policy.rules]


@pytest.mark.parametrize("name", ["eu-ai-act-gpai", "ca-ab-2013", "osaid-1.0", "mof-class-1"])
def test_a_template_is_documented_rule_by_rule(registry, name: str) -> None:
    md = doc_markdown(f"builtin:{name}", registry, REPO)
    assert md.startswith(f"# {name}\n")
    for rid in raw_template_ids(name, registry):
        assert f"| [`{rid}`](#{rid}) |" in md and f'<a id="{rid}"></a>' in md
    assert md.count("**What to do.**") == len(raw_template_ids(name, registry))
    assert "## Requirement kinds used" in md


def test_eu_template_doc_carries_dates_citations_help_and_conditions(registry) -> None:
    md = doc_markdown("builtin:eu-ai-act-gpai", registry, REPO)
    section = md.split('<a id="eu-ai-act.art53.1.c-copyright-policy"></a>')[1].split("<a id=")[0]
    assert "Severity: **error** · in force from **2025-08-02** (a note before then)" in section
    assert "<https://eur-lex.europa.eu/eli/reg/2024/1689/oj#art_53>, <https://eur-lex.europa.eu/eli/dir/2019/790/oj>" in section
    assert "`regulatory.copyright_policy: <URL>`" in section
    assert "when `{eu-gpai: {transition: false}}` holds" in section
    assert "| `eu-foss-exemption` | The EU AI Act Art. 53(2)/54(6) open-source exemption" in md


def test_a_policy_file_doc_shows_scope_exceptions_licences_and_overrides(tmp_path, capsys, monkeypatch) -> None:
    (tmp_path / "policy.yaml").write_text(POLICY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["doc", "policy.yaml"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Acme model policy\n\nWhat Acme requires of the models it ships.\n")
    assert "Built from, in order: `builtin:mof-class-3`, `policy.yaml`." in md
    assert "| [`prod-no-competitor-clause`](#prod-no-competitor-clause) | error |  | Production \\| no competitor" in md
    assert "| [`mof.class-iii.data-card`](#mof.class-iii.data-card) | warning |" in md  # the override
    assert ("**Applies to:** label `stage` is `production` or `canary`; path matches `models/**`, when "
            "`{not: {field: {path: labels.internal, equals: true}}}` holds.") in md
    assert "**Reports a finding unless** `{license-clauses: {forbid: [competitor-training]}}` holds." in md
    assert "<https://example.com/policy#competitors>, <https://example.com/wiki>" in md
    assert "| `prod-no-competitor-clause` | model name matches `legacy-*` | 2026-12-31 | Replacement ships in Q3 |" in md
    assert "- `acme-model-licence-1.0`: ACME Model Licence 1.0" in md


def test_doc_writes_a_file_and_rejects_unknown_input(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["doc", "builtin:osaid-1.0", "-o", "osaid.md"]) == 0
    assert (tmp_path / "osaid.md").read_text(encoding="utf-8").startswith("# osaid-1.0\n")
    assert main(["doc", "builtin:nope"]) == 2
    assert "known templates: ca-ab-2013" in capsys.readouterr().err
    assert main(["doc", "missing.yaml"]) == 2
    assert "missing.yaml: policy file not found" in capsys.readouterr().err


def test_templates_show_markdown_is_the_doc(registry, capsys) -> None:
    assert main(["templates", "show", "mof-class-2", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip("\n") == doc_markdown("builtin:mof-class-2", registry, REPO).rstrip("\n")
    assert re.search(r"Built from, in order: `builtin:mof-class-3`, `builtin:mof-class-2`", out)


@pytest.mark.parametrize("value, text", [
    ({"eu-gpai": {"transition": False, "foss-exempt": False}}, "{eu-gpai: {transition: false, foss-exempt: false}}"),
    ({"field": {"path": "regulatory.training_compute_flops", "gt": 1e25}},
     "{field: {path: regulatory.training_compute_flops, gt: 1e+25}}"),
    ({"components": ["model-card", "data-card"]}, "{components: [model-card, data-card]}"),
])
def test_requirements_render_as_yaml_flow_text(value, text: str) -> None:
    assert flow(value) == text
