"""Reporters: golden output per case and format, ordering, colour, JSON shape, annotation caps, escaping."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pluggy
import pytest

from golden import assert_golden
from reporter_cases import CASES, basic, many, tricky

from openness_policy import hookspecs
from openness_policy.plugins import build_registry
from openness_policy.reporters import common, github, json_report, markdown, sarif, text

GOLDEN = Path(__file__).parent / "fixtures" / "reporters"
FORMATS = {"txt": text.render, "json": json_report.render, "sarif": sarif.render, "md": markdown.render,
           "github.txt": github.render}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, fmt: str) -> None:
    assert_golden(FORMATS[fmt](CASES[case]()), GOLDEN / case / f"expected.{fmt}")


def test_every_reporter_registers_through_the_hook() -> None:
    pm = pluggy.PluginManager("openness_policy")
    pm.add_hookspecs(hookspecs)
    for module in (text, json_report, sarif, markdown, github):
        pm.register(module)
    reporters = build_registry(pm).reporters
    assert sorted(reporters) == ["github", "json", "markdown", "sarif", "text"]
    for name, rep in reporters.items():
        assert rep.description and rep.render(basic()).endswith("\n"), name


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_does_not_depend_on_input_order(fmt: str) -> None:
    report = many(7, 6, 5)
    report.findings += basic().findings
    expected = FORMATS[fmt](report)
    random.Random(4).shuffle(report.findings)
    report.models.reverse()
    assert FORMATS[fmt](report) == expected


# -- text ---------------------------------------------------------------------------------------------

def test_text_groups_findings_under_their_model_in_line_order() -> None:
    out = text.render(basic())
    lines = out.splitlines()
    header = lines.index(next(x for x in lines if x.startswith("== Llama-ish 8B")))
    assert "openness: open-weights · MOF: Unclassified · OSAID: does-not-meet" in lines[header]
    assert lines[header + 1].startswith("models/llama.openness.yaml:1:1  ERROR    production-open-source  ")
    assert lines[header + 2].startswith("models/llama.openness.yaml:1:1  WARNING  training-data-summary  ")
    assert lines[header + 3] == "    fix: add data.training_summary: <url>"
    assert lines[header + 4].startswith("models/llama.openness.yaml:3:10  NOTE     naming-clause  ")
    assert "== OLMo 7B (models/olmo.openness.yaml) — openness: open-source · MOF: Class I - Open Science Model" \
           " · OSAID: meets — no findings" in lines
    assert "== models/broken.openness.yaml" in lines  # a finding without a model gets a file header
    assert "    suppressed by exception: legal approved until the Q3 migration" in lines
    assert "2 errors, 1 warning, 1 note in 2 models (1 suppressed)" in lines
    assert lines[-1].startswith("notice: policy.yaml changed")


def test_text_colour_only_when_asked() -> None:
    plain = text.render(basic())
    coloured = text.render_color(basic())
    assert "\x1b[" not in plain and "\x1b[31m" in coloured  # red errors
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_quiet_leaves_out_clean_models() -> None:
    assert "OLMo" not in text.render(basic(), quiet=True)


def test_text_multiline_message_is_indented() -> None:
    out = text.render(tricky())
    assert "\n    second line\n" in out
    assert "    suppressed by inline: vendor | confirmed in writing" in out
    assert "    suppressed by baseline\n" in out


# -- json ---------------------------------------------------------------------------------------------

def test_json_shape() -> None:
    data = json.loads(json_report.render(basic()))
    assert data["version"] == 1 and data["tool"] == {"name": "openness-policy", "version": "0.1.0"}
    assert data["summary"] == {"errors": 2, "warnings": 1, "notes": 1, "suppressed": 1, "models": 2, "files": 3,
                               "fail_on": "error", "failing": 2, "passed": False}
    first = data["findings"][0]
    assert set(first) == {"rule", "level", "message", "path", "line", "column", "key", "manifest", "model",
                          "fingerprint", "suppression", "properties"}
    assert first["suppression"] is None and len(first["fingerprint"]) == 32
    assert data["suppressed"][0]["suppression"] == {"kind": "exception",
                                                    "reason": "legal approved until the Q3 migration"}
    llama = next(m for m in data["models"] if m["name"] == "Llama-ish 8B")
    assert llama["openness"]["level"] == "open-weights"
    assert llama["mof"]["class"] == 0 and isinstance(llama["mof"]["class"], int)
    assert llama["mof"]["progress"] == {"1": 0, "2": 0, "3": 100 / 3}
    assert llama["osaid"]["status"] == "does-not-meet" and llama["osaid"]["missing"]
    assert llama["licenses"]["weights"]["clauses"] == ["acceptable-use-policy", "naming", "user-cap"]
    assert llama["licenses"]["weights"]["osi_approved"] is False
    assert [r["id"] for r in data["rules"]] == sorted(r["id"] for r in data["rules"])
    assert "manifest-invalid" in [r["id"] for r in data["rules"]]  # rules of findings are listed too


def test_model_to_dict_is_the_classify_shape() -> None:
    olmo = next(m for m in basic().models if m.record.display_name == "OLMo 7B")
    d = common.model_to_dict(olmo)
    assert {"path", "name", "format", "openness", "mof", "osaid", "licenses"} <= set(d)
    assert d["openness"]["level"] == "open-source" and d["openness"]["evidence"][0]["line"] == 4
    assert d["mof"] == {"class": 1, "label": "Class I - Open Science Model", "progress": {"1": 100, "2": 100, "3": 100},
                        "missing": {"1": [], "2": [], "3": []}}
    assert d["osaid"] == {"status": "meets", "missing": []}
    assert d["licenses"]["weights"]["id"] == "Apache-2.0" and d["licenses"]["weights"]["osi_approved"] is True


def test_json_without_classification_has_null_verdicts() -> None:
    report = basic()
    report.models[0].classification = None
    d = json.loads(json_report.render(report))["models"]
    assert any(m["openness"] is None and m["mof"] is None for m in d)


# -- github annotations ------------------------------------------------------------------------------

def test_github_caps_each_kind_at_ten_most_severe_first() -> None:
    lines = github.render(many(15, 12, 3)).splitlines()
    commands = [ln for ln in lines if ln.startswith("::")]
    kinds = [ln[2:].split(" ", 1)[0] for ln in commands]
    assert kinds == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 3
    first_errors = [int(re.search(r",line=(\d+),", ln).group(1)) for ln in commands[:10]]
    assert first_errors == sorted(first_errors)  # file order within a kind
    assert lines[-1].startswith("openness-policy: 7 findings not annotated (5 errors, 2 warnings); ")


def test_github_no_left_out_line_under_the_cap_and_never_suppressed() -> None:
    out = github.render(basic())
    assert "not annotated" not in out
    assert "competitor" not in out  # the suppressed finding is not annotated
    assert out.count("\n::") + out.startswith("::") == 4


def test_github_escapes_properties_and_data() -> None:
    line = next(ln for ln in github.render(tricky()).splitlines() if "line%0Abreak" in ln)
    assert line.startswith("::warning file=models/line%0Abreak.yaml,line=3,col=2,title=bare-rule::")
    assert "%0Asecond line" in line and "\n" not in line
    colon = next(ln for ln in github.render(tricky()).splitlines() if "colon.yaml" in ln)
    assert "file=C%3Aodd/colon.yaml," in colon
    pct = next(ln for ln in github.render(tricky()).splitlines() if "x.openness" in ln)
    assert "file=models/100%25/x.openness.yaml," in pct
    zero = next(ln for ln in github.render(tricky()).splitlines() if "zero.yaml" in ln)
    assert zero.startswith("::error file=models/zero.yaml,line=1,col=1,title=pipes%3A Title with | pipe::")


# -- markdown ----------------------------------------------------------------------------------------

def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_markdown_escapes_cells() -> None:
    out = markdown.render(tricky())
    rows = [ln for ln in out.splitlines() if "bad value" in ln]
    assert len(rows) == 6
    for row in rows:
        assert len(_cells(row)) == 5
        assert "bad value \\| &lt;b&gt;not bold&lt;/b&gt; \\*x\\* \\_y\\_ \\[z\\](u)<br>second line" in row
    assert "models/line\\\\nbreak.yaml:3" in out  # the path's newline shown as an escaped \\n
    assert "vendor \\| confirmed<br>in writing" in out


def test_markdown_sections() -> None:
    out = markdown.render(basic())
    assert out.startswith("## openness-policy: 2 errors, 1 warning, 1 note in 2 models (1 suppressed)\n")
    assert "❌ 2 findings at or above `error`" in out
    assert "<details><summary>Suppressed findings (1)</summary>" in out and "</details>" in out
    assert "| OLMo 7B | models/olmo.openness.yaml | open\\-source |" not in out  # '-' is not escaped
    assert "| OLMo 7B | models/olmo.openness.yaml | open-source | Class I - Open Science Model | meets |" in out


def test_markdown_is_capped_in_size() -> None:
    report = many(4000, 0, 0)
    out = markdown.render(report, max_bytes=64 * 1024)
    assert len(out.encode()) <= 64 * 1024
    m = re.search(r"\*(\d+) findings not shown: the summary is capped", out)
    assert m and int(m.group(1)) + out.count("| ❌ error |") == 4000
    assert markdown.render(many(4000, 0, 0)).count("| ❌ error |") == 4000  # default cap holds 4000 rows


def test_text_keeps_each_finding_on_one_line_whatever_the_path() -> None:
    out = text.render(tricky())
    assert "models/line\\nbreak.yaml:3:2  WARNING  bare-rule  bad value" in out
    assert "== model 4 (models/line\\nbreak.yaml)" in out
    assert "models/zero.yaml:1:1  ERROR    pipes  level raised by policy" in out  # line 0 clamps to 1


def test_model_to_dict_with_the_real_classifier_and_catalogue() -> None:
    from openness_policy.classify.verdict import classify
    from openness_policy.findings import ModelResult
    from openness_policy.licenses.catalog import LicenseCatalog
    from reporter_cases import record

    from openness_policy import components as C

    rec = record("m.openness.yaml", "M", comps={C.WEIGHTS: 4, C.ARCHITECTURE: 5}, weights_line=3,
                 license_value="llama3.1")
    d = common.model_to_dict(ModelResult(rec, classify(rec, LicenseCatalog.builtin())))
    assert d["openness"]["level"] == "open-weights"
    weights = d["licenses"]["weights"]
    assert weights["id"] == "llama3.1" and weights["known"] and not weights["osi_approved"]
    assert {"naming", "acceptable-use-policy"} <= set(weights["clauses"])
    assert weights["clauses"] == sorted(weights["clauses"])
    assert isinstance(d["mof"]["class"], int) and set(d["mof"]["progress"]) == {"1", "2", "3"}
    assert d["osaid"]["status"] == "does-not-meet"
    json.dumps(d)  # plain JSON data


def test_markdown_cap_drops_notes_before_errors() -> None:
    report = many(50, 0, 3000)  # the notes come first in file order
    out = markdown.render(report, max_bytes=32 * 1024)
    assert out.count("| ❌ error |") == 50 and 0 < out.count("| ℹ️ note |") < 3000
