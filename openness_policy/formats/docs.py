"""Render the manifest-format reference (docs/formats.md) from the registered format plugins."""
from __future__ import annotations

from typing import Any

HEADER = """# Manifest formats

Generated from the format plugins' own documentation by `python scripts/gen_docs.py`; a test keeps it
current. Each format is a plugin: it is detected by file name **and** content, and maps into the
canonical model record with the source line of every value. Out-of-spec input becomes a finding with a
fix hint, never a crash or a silent skip. `openness-policy plugins` lists the formats installed.
"""


def render(registry: Any) -> str:
    parts = [HEADER]
    specs = sorted(registry.formats.values(), key=lambda s: (-s.priority, s.name))
    for spec in specs:
        names = ", ".join(f"`{p}`" for p in spec.filenames)
        parts.append(f"## `{spec.name}` — {spec.description}\n\nFile names: {names} "
                     f"(plugin `{registry.provider[('formats', spec.name)]}`).\n\n{spec.docs.strip()}\n")
    return "\n".join(parts)
