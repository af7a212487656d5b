"""Shared test fixtures.

The research corpus lives in ``../shared/corpus`` beside a developer's checkout (and CI's clone).
A user's fresh clone has no ``../shared``: tests that need it skip with a clear reason, and the
project's own fixtures under ``tests/fixtures`` cover the same code paths.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
_CORPUS = Path(os.environ.get("OPENNESS_POLICY_CORPUS", REPO.parent / "shared" / "corpus"))


def corpus_path(*parts: str) -> Path:
    """Path inside the shared corpus, or skip the calling test when it is absent."""
    path = _CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"research corpus not present at {path} (only in the developers' workspace)")
    return path


@pytest.fixture
def corpus():
    return corpus_path
