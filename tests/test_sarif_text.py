"""Each SARIF result's text, assembled from pieces, is what the generic JSON writer gives for its dict."""
from __future__ import annotations

import pytest

from openness_policy.findings import Finding
from openness_policy.plugin_types import RuleInfo
from openness_policy.reporters.json_text import _dump
from openness_policy.reporters.sarif import result_body
from openness_policy.reporters.sarif_text import RESULT_INDENT, body_text
from openness_policy.sourcemap import Pos

RULE = RuleInfo("r-1", "Title", "Description", "Help")


def _findings() -> list[Finding]:
    out = []
    for path in ("models/a.yml", "/abs/path/ü b.yml", "C:/win/x.yml", "", "dir/%20odd#?.yml"):
        for line, col in ((1, 1), (0, 0), (12, 40)):
            out.append(Finding(RULE, "error", "plain message", Pos(path, line, col, "release.name"), path, "m"))
    out.append(Finding(RULE, "bogus-level", "", Pos("x.yml", 3, 2), "x.yml", None))
    out.append(Finding(RuleInfo("r-2", "", "", ""), "note", "", Pos("x.yml", 3, 2, ""), "x.yml", ""))
    out.append(Finding(RULE, "warning", "quote \" and \\ and \u2028 and é", Pos("x.yml", 2, 2, "k"), "x.yml", "m",
                       properties={"b": (1, 2), "a": {"z": None, "y": {3, 1}}, "manifest": "ignored", "e": ""}))
    for sup in ("inline: reason (x.yml:1:1)", "exception: why", "baseline", "odd text without a kind"):
        out.append(Finding(RULE, "error", "m", Pos("x.yml", 1, 1), "x.yml", "m", suppressed_by=sup))
    return out


@pytest.mark.parametrize("finding", _findings(), ids=lambda f: f"{f.pos.file}:{f.pos.line}:{f.suppressed_by}")
def test_body_text_matches_the_dict(finding):
    fp = finding.fingerprint
    assert body_text(finding, fp) == _dump(result_body(finding, fp), RESULT_INDENT, "  ")
