"""Built-in templates: their rules' metadata, their fixtures' coverage, bad input, dates, SARIF, and
agreement with the classifiers they restate (MOF class, OSAID status, the licence catalogue)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from openness_policy.cli import main
from openness_policy.engine import Options, run
from openness_policy.plugins import load_registry
from openness_policy.policy.load import PolicyLoader
from tests.conftest import FIXTURES, REPO, corpus_path

NAMES = ["ca-ab-2013", "eu-ai-act-gpai", "mof-class-1", "mof-class-2", "mof-class-3", "osaid-1.0"]
EURLEX = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj#"
CITATION = {
    "eu-ai-act-gpai": EURLEX,
    "ca-ab-2013": "https://leginfo.legislature.ca.gov/faces/billTextClient.xhtml?bill_id=202320240AB2013",
    "osaid-1.0": "https://opensource.org/ai/open-source-ai-definition",
    "mof-class-1": "https://arxiv.org/abs/2403.13784", "mof-class-2": "https://arxiv.org/abs/2403.13784",
    "mof-class-3": "https://arxiv.org/abs/2403.13784",
}
TESTS = REPO / "policies" / "templates" / "tests"


@pytest.fixture(scope="module")
def registry():
    return load_registry(entry_points=False)


def template_rules(registry, name: str) -> list:
    loader = PolicyLoader(registry, REPO)
    loader.load_template(name)
    return loader.policy.rules


def raw_rules(name: str) -> list[dict]:
    from openness_policy.yamlload import load_yaml

    path = REPO / "policies" / "templates" / f"{name}.yaml"
    return load_yaml(path.read_text(encoding="utf-8"), str(path)).data["rules"]


def test_exactly_the_six_templates_are_registered(registry) -> None:
    assert sorted(registry.templates) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_rule_is_cited_documented_and_says_which_field_to_fill(name: str) -> None:
    rules = raw_rules(name)
    assert rules
    for r in rules:
        assert re.fullmatch(r"[a-z][a-z0-9-]*(\.[A-Za-z0-9-]+)+", r["id"]), r["id"]
        assert r["title"].strip() and r["description"].strip() and r["help"].strip(), r["id"]
        assert r["severity"] in ("error", "warning", "note"), r["id"]
        assert r["references"][0].startswith(CITATION[name]), (r["id"], r["references"][0])
        if name == "eu-ai-act-gpai":
            assert re.search(r"#(art|anx|rct)_[0-9A-Z]+$", r["references"][0]), r["id"]
        # help names a manifest key to fill (native key path) or the component to include
        assert re.search(r"`[a-z_.-]+[:.][^`]*`|`regulatory\.[a-z_.]+`|`data\.[a-z_]+`|manifest", r["help"]), r["id"]


def test_rule_ids_are_unique_across_templates(registry) -> None:
    seen: dict[str, str] = {}
    for name in NAMES:
        for r in raw_rules(name):
            assert r["id"] not in seen, f"{r['id']} in {name} and {seen.get(r['id'])}"
            seen[r["id"]] = name
    assert len(seen) == 93


def test_rule_counts(registry) -> None:
    counts = {name: len(template_rules(registry, name)) for name in NAMES}
    assert counts == {"ca-ab-2013": 14, "eu-ai-act-gpai": 53, "mof-class-1": 14, "mof-class-2": 10,
                      "mof-class-3": 6, "osaid-1.0": 12}


def test_unverified_and_secondary_facts_are_worded_so() -> None:
    ca = {r["id"]: r for r in raw_rules("ca-ab-2013")}
    for n in (10, 11, 12):
        rule = next(r for rid, r in ca.items() if rid.startswith(f"ca-ab2013.3111.a.{n}-"))
        assert "Secondary" in rule["description"] and "secondary source" in rule["title"]
        assert rule["severity"] == "warning"
    eu = {r["id"]: r for r in raw_rules("eu-ai-act-gpai")}
    assert "unverified" in eu["eu-ai-act.art53.2-foss-exemption"]["description"]
    assert "unverified" in eu["eu-ai-act.template.1.3-modalities-size"]["description"]
    assert "unverified" in eu["eu-ai-act.template.2.3-crawled"]["description"]
    assert all("not yet checked" in r["description"] for rid, r in eu.items() if ".template." in rid)


def test_every_builtin_rule_has_a_failing_and_a_passing_fixture(registry) -> None:
    from openness_policy.policy.testing import discover, run as run_tests

    result = run_tests(discover(TESTS), registry)
    assert not result.failed, [o.failures for o in result.failed]
    every = {r.info.id for name in NAMES for r in template_rules(registry, name)}
    assert set(result.rules) == every  # every template's rules are under test
    assert result.uncovered() == []


def test_unknown_template_exits_2_listing_the_known_names(tmp_path, capsys) -> None:
    assert main(["eval", "--template", "eu-ai-act", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown template 'eu-ai-act'" in err and all(n in err for n in NAMES)
    assert main(["templates", "show", "nope"]) == 2
    err = capsys.readouterr().err
    assert all(n in err for n in NAMES)


def test_extends_builtin_in_a_policy_file_with_severity_override(tmp_path, monkeypatch) -> None:
    shutil.copy(TESTS / "osaid-1.0" / "gaps" / "no-datasets.openness.yaml", tmp_path / "m.openness.yaml")
    (tmp_path / ".openness-policy.yaml").write_text(
        "version: 1\nextends: [\"builtin:osaid-1.0\"]\nsettings:\n  severity: {osaid.v1.data-info.sufficiency: note}\n")
    monkeypatch.chdir(tmp_path)
    report = run(Options(paths=["."]), load_registry(entry_points=False), tmp_path)
    levels = {f.rule.id: f.level for f in report.findings}
    assert levels["osaid.v1.data-info.sufficiency"] == "note"
    assert levels["osaid.v1.data-info.public-list"] == "error"
    assert report.rules["osi-checklist.training-code"].help_uri == CITATION["osaid-1.0"]


def test_extends_an_unknown_builtin_is_a_configuration_error(tmp_path, capsys) -> None:
    (tmp_path / "p.yaml").write_text("version: 1\nextends:\n  - builtin:osaid-2.0\n")
    assert main(["validate", str(tmp_path / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "p.yaml:3:5" in err and "osaid-2.0" in err and "osaid-1.0" in err


LICENCE = """\
version: 1
licenses:
  - id: mit
    name: Our reading of MIT
    osi_approved: true
    open: true
    mof_types: [code]
    grants: {use: true, modification: true, distribution: true, commercial: true}
    clauses: []
    source: legal/mit.md
    verified: true
"""


def test_org_licence_clashing_with_a_builtin_exits_2_unless_it_overrides(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(TESTS / "osaid-1.0" / "gaps" / "no-datasets.openness.yaml", tmp_path / "m.openness.yaml")
    (tmp_path / "p.yaml").write_text(LICENCE)
    assert main(["eval", "--policy", str(tmp_path / "p.yaml"), str(tmp_path / "m.openness.yaml")]) == 2
    err = capsys.readouterr().err
    assert "mit" in err and "override: true" in err and "Traceback" not in err
    (tmp_path / "p.yaml").write_text(LICENCE + "    override: true\n")
    assert main(["eval", "--policy", str(tmp_path / "p.yaml"), str(tmp_path / "m.openness.yaml")]) == 0


@pytest.mark.parametrize("today, level", [("2025-08-01", "note"), ("2025-08-02", "error")])
def test_today_switches_a_duty_from_note_to_error(tmp_path, capsys, today: str, level: str) -> None:
    manifest = TESTS / "eu-ai-act-gpai" / "before-in-force" / "future.openness.yaml"
    code = main(["eval", "--template", "eu-ai-act-gpai", "--today", today, "--format", "json", str(manifest)])
    doc = json.loads(capsys.readouterr().out)
    found = [f for f in doc["findings"] if f["rule"] == "eu-ai-act.art53.1.c-copyright-policy"]
    assert [f["level"] for f in found] == [level]
    assert code == (1 if level == "error" else 0)


def sarif_of(args: list[str], capsys) -> dict:
    code = main(["eval", "--format", "sarif", "--fail-on", "none", *args])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def check_sarif(doc: dict, template: str) -> None:
    from jsonschema import Draft4Validator

    from tests.sarif_lint import lint

    schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    errors = [e.message for e in Draft4Validator(schema).iter_errors(doc)]
    assert errors == [] and lint(doc) == []
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    for raw in raw_rules(template):
        assert rules[raw["id"]]["helpUri"] == raw["references"][0]


@pytest.mark.parametrize("name", NAMES)
def test_each_template_gives_valid_sarif_on_the_fixtures_and_demo(name: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    demo = REPO / "examples" / "demo"
    paths = ["policies/templates/tests"] + (["examples/demo"] if any(demo.rglob("*")) else [])
    doc = sarif_of(["--template", name, "--today", "2026-03-01", *paths], capsys)
    check_sarif(doc, name)
    ids = {r["ruleId"] for r in doc["runs"][0]["results"]}
    assert ids & {r["id"] for r in raw_rules(name)} or name.startswith("mof-class-")


def _hf_cards(tmp_path: Path) -> Path:
    cards = corpus_path("hf", "cards")
    for card in sorted(cards.glob("*.md")):
        if ".LICENSE" in card.name:
            continue
        folder = tmp_path / "hf" / card.stem.replace(".", "-")
        folder.mkdir(parents=True)
        shutil.copy(card, folder / "README.md")
    return tmp_path / "hf"


@pytest.mark.parametrize("name", NAMES)
def test_each_template_gives_valid_sarif_on_the_corpus(name: str, tmp_path, capsys, monkeypatch) -> None:
    mot = corpus_path("mot", "models")
    shutil.copytree(mot, tmp_path / "mot")
    _hf_cards(tmp_path)
    monkeypatch.chdir(tmp_path)
    doc = sarif_of(["--template", name, "--today", "2026-03-01", "mot", "hf"], capsys)
    check_sarif(doc, name)
    assert len(doc["runs"][0]["results"]) > 100


def _records(paths: list[Path], registry):
    from openness_policy.classify.verdict import classify
    from openness_policy.discover import Candidate
    from openness_policy.engine import load_candidate, ordered_formats
    from openness_policy.licenses.catalog import LicenseCatalog

    catalog = LicenseCatalog.builtin()
    for p in paths:
        for rec in load_candidate(Candidate(p, p.name, True), p.parent, ordered_formats(registry), 1 << 22):
            yield rec, classify(rec, catalog), catalog


def _violations(registry, rules, rec, cls, catalog) -> set[str]:
    from openness_policy.policy.context import EvalContext

    ctx = EvalContext(rec, cls, catalog, registry, "2026-03-01", {})
    return {r.info.id for r in rules if (r.when is None or not ctx.check(r.when)) and ctx.check(r.require)}


def _mot_files() -> list[Path]:
    files = sorted((FIXTURES / "mot").glob("*.yml"))
    try:
        files += sorted(corpus_path("mot", "models").glob("*.yml"))
    except pytest.skip.Exception:
        pass
    return [f for f in files if f.name != "expected.yml"]


def test_mof_templates_pass_exactly_when_the_mof_class_is_reached(registry) -> None:
    templates = {k: template_rules(registry, f"mof-class-{k}") for k in (1, 2, 3)}
    checked = 0
    for rec, cls, catalog in _records(_mot_files(), registry):
        if rec.problems and any(p.rule == "manifest-unreadable" for p in rec.problems):
            continue
        for k, rules in templates.items():
            reached = cls.mof.mof_class != 0 and cls.mof.mof_class <= k
            assert (not _violations(registry, rules, rec, cls, catalog)) == reached, (rec.path, k, cls.mof.label)
        checked += 1
    assert checked >= 8


def test_osaid_template_component_rules_agree_with_the_osaid_verdict(registry) -> None:
    rules = [r for r in template_rules(registry, "osaid-1.0") if r.info.id.startswith("osi-checklist.")]
    files = _mot_files() + sorted(TESTS.glob("osaid-1.0/*/*.openness.yaml"))
    seen = set()
    for rec, cls, catalog in _records(files, registry):
        failed = _violations(registry, rules, rec, cls, catalog)
        assert (not failed) == cls.osaid.meets, rec.path
        seen.add(cls.osaid.meets)
    assert seen == {True, False}


def test_user_cap_licences_never_fail_the_eu_exemption_on_the_cap_alone() -> None:
    """Research B2: a MAU cap is an open interpretation, so the exemption is 'cannot be confirmed'."""
    from openness_policy.licenses.catalog import LicenseCatalog

    capped = [r for r in LicenseCatalog.builtin().records() if any(c.id == "user-cap" for c in r.clauses)]
    assert len(capped) >= 3
    registry = load_registry(entry_points=False)
    for lic in capped:
        if not all(lic.grants[g] for g in ("use", "modification", "distribution")) or any(
                c.id in ("non-commercial", "research-only") for c in lic.clauses):
            continue
        text = (TESTS / "eu-ai-act-gpai" / "open-exempt" / "open.openness.yaml").read_text(encoding="utf-8")
        from openness_policy.classify.verdict import classify
        from openness_policy.formats.native import load
        from openness_policy.plugin_types import Source
        from openness_policy.policy import eu_gpai
        from openness_policy.policy.context import EvalContext

        text = text.replace("license: Apache-2.0", f"license: {json.dumps(lic.id)}")
        rec = load(Source(Path("m.openness.yaml"), "m.openness.yaml", text))[0]
        catalog = LicenseCatalog.builtin()
        ex = eu_gpai.foss_exemption(EvalContext(rec, classify(rec, catalog), catalog, registry, "2026-03-01", {}))
        licence = next(c for c in ex.conditions if c.name == "licence")
        assert (ex.state, licence.state) == ("unknown", "unknown"), (lic.id, licence.text)
        assert "open interpretation" in licence.text


def test_templates_list_and_show(capsys) -> None:
    assert main(["templates", "list", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["templates"]}
    assert sorted(rows) == NAMES and rows["mof-class-1"]["extends"] == ["builtin:mof-class-3", "builtin:mof-class-2"]
    assert main(["templates", "show", "eu-ai-act-gpai", "--today", "2025-06-01"]) == 0
    out = capsys.readouterr().out
    assert "eu-ai-act.art53.1.c-copyright-policy  [error, in force from 2025-08-02 (a note on 2025-06-01)]" in out
    assert f"cite: {EURLEX}art_53" in out and "help: Publish the policy" in out
    assert main(["templates", "show", "builtin:ca-ab-2013", "--today", "2026-02-01"]) == 0
    assert "in force from 2026-01-01 (in force)" in capsys.readouterr().out
