"""The regulatory facts templates read can come from every format that can carry them."""
from __future__ import annotations

import json

from openness_policy.cli import main


def _eval(tmp_path, monkeypatch, capsys, *args):
    monkeypatch.chdir(tmp_path)
    code = main(["classify", "--format", "json", *args])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_hf_card_extension_block(tmp_path, monkeypatch, capsys):
    from openness_policy.engine import Options, run

    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "README.md").write_text(
        "---\nlicense: apache-2.0\nopenness_regulatory:\n  training_compute_flops: 3.0e25\n"
        "  placed_on_market: 2025-09-01\n  ab2013:\n    sources_owners: Common Crawl\n---\n# Card\n")
    monkeypatch.chdir(tmp_path)
    report = run(Options(paths=["."], no_default_policy=True))
    [m] = report.models
    reg = m.record.regulatory
    assert reg["training_compute_flops"].value == 3.0e25 and reg["training_compute_flops"].pos.line == 4
    assert reg["placed_on_market"].value == "2025-09-01"
    assert reg["ab2013.sources_owners"].value == "Common Crawl"
    assert m.record.field("regulatory.ab2013.sources_owners").pos.line == 7


def test_cyclonedx_regulatory_properties(tmp_path, monkeypatch):
    from openness_policy.engine import Options, run

    bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{
        "type": "machine-learning-model", "name": "m", "bom-ref": "m",
        "properties": [{"name": "openness-policy:regulatory:training_compute_flops", "value": "2e24"},
                       {"name": "openness-policy:regulatory:gpai", "value": "true"}]}]}
    (tmp_path / "bom.json").write_text(json.dumps(bom, indent=2))
    monkeypatch.chdir(tmp_path)
    [m] = run(Options(paths=["."], no_default_policy=True)).models
    assert m.record.regulatory["gpai"].value is True
    assert m.record.regulatory["training_compute_flops"].value == "2e24"
    assert not [p for p in m.record.problems if "unknown or malformed property" in p.message]


def test_template_reads_the_hf_block(tmp_path, monkeypatch, capsys):
    """A systemic-risk fact given in a model card reaches the EU template's Art. 51 rule."""
    (tmp_path / "m").mkdir()
    card = "---\nlicense: apache-2.0\nopenness_regulatory:\n  training_compute_flops: 3.0e25\n---\n# Card\n"
    (tmp_path / "m" / "README.md").write_text(card)
    monkeypatch.chdir(tmp_path)
    main(["eval", "--template", "eu-ai-act-gpai", "--today", "2026-06-01", "--format", "json"])
    with_risk = json.loads(capsys.readouterr()[0])
    (tmp_path / "m" / "README.md").write_text(card.replace("3.0e25", "1.0e23"))
    main(["eval", "--template", "eu-ai-act-gpai", "--today", "2026-06-01", "--format", "json"])
    without = json.loads(capsys.readouterr()[0])
    rules = lambda doc: {f["rule"] for f in doc["findings"]}  # noqa: E731
    assert rules(with_risk) != rules(without)
    assert any("55" in r or "systemic" in r for r in rules(with_risk) - rules(without))
