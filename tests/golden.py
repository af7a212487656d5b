"""Golden-file comparison shared by reporter and end-to-end tests.

``assert_golden(actual, path)`` compares text byte-for-byte with the file at ``path``. Run the tests
with ``UPDATE_GOLDEN=1`` to (re)write the expected files instead, then review the diff in git::

    UPDATE_GOLDEN=1 python -m pytest tests/test_reporters.py
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest


def updating() -> bool:
    return os.environ.get("UPDATE_GOLDEN", "") not in ("", "0")


def assert_golden(actual: str, path: Path) -> None:
    """Fail with a unified diff unless ``actual`` equals the golden file exactly (or rewrite it)."""
    path = Path(path)
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; run with UPDATE_GOLDEN=1 to create it")
    expected = path.read_bytes().decode("utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=f"{path} (expected)", tofile="actual", n=2))
        pytest.fail(f"output differs from {path} (UPDATE_GOLDEN=1 rewrites it):\n{diff[:20000]}", pytrace=False)
