"""Documentation that is generated or must agree with the code."""
from __future__ import annotations

from pathlib import Path

from openness_policy.formats.docs import render
from openness_policy.plugins import load_registry

REPO = Path(__file__).resolve().parents[1]


def test_formats_reference_is_current():
    expected = render(load_registry(entry_points=False))
    actual = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/formats.md is stale: run `python scripts/gen_docs.py`"


def test_every_format_documents_detection_and_mapping():
    reg = load_registry(entry_points=False)
    for spec in reg.formats.values():
        assert spec.docs.strip(), f"format {spec.name} has no docs"
        assert "|" in spec.docs or spec.name == "native", f"format {spec.name} has no mapping table"


def test_readme_links_the_reference_docs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for doc in ("docs/formats.md", "docs/templates.md", "docs/github-action.md", "docs/pre-commit.md"):
        assert doc in readme and (REPO / doc).exists()
