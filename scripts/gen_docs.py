"""Regenerate docs/formats.md from the registered format plugins (built-ins only)."""
from __future__ import annotations

from pathlib import Path

from openness_policy.formats.docs import render
from openness_policy.plugins import load_registry

if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "docs" / "formats.md"
    out.write_text(render(load_registry(entry_points=False)), encoding="utf-8")
    print(f"wrote {out}")
