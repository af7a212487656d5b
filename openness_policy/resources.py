"""Where the data that ships with the package lives.

``policies/`` and ``schemas/`` sit at the repository root in a source checkout and inside the
package (``openness_policy/policies``, ``openness_policy/schemas``) in an installed wheel.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PKG = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The shipped data folder ``name`` (``policies`` or ``schemas``)."""
    inside = _PKG / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name


@cache
def schema(name: str) -> dict[str, Any]:
    """A JSON Schema from ``schemas/`` by file name, parsed once per process."""
    with open(data_dir("schemas") / name, encoding="utf-8") as fh:
        return json.load(fh)
