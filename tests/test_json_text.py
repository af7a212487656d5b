"""The fast indented JSON writer gives exactly what ``json.dumps(indent=2, ensure_ascii=True)`` gives."""
from __future__ import annotations

import json
from collections import OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openness_policy.reporters.json_text import dumps
from tests.conftest import REPO

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=6) | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False), inner,
    max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(values)
def test_same_text_as_json_dumps(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=True)


@pytest.mark.parametrize("value", [
    {}, [], [[]], {"a": {}}, (1, (2,)), OrderedDict([("b", 1), ("a", [True, None])]), "é\u2028\x00\"\\",
    {"k": 1.0, "n": -0.0, "big": 10**30, "f": 1e300}, [float("nan"), float("inf"), -float("inf")],
])
def test_corner_cases(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=True)


def test_golden_reports_round_trip():
    """Every committed SARIF and JSON golden file is reproduced from its parsed content."""
    files = list(REPO.glob("tests/**/expected*.sarif")) + list(REPO.glob("tests/**/expected*.json"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert dumps(json.loads(text)) + "\n" == json.dumps(json.loads(text), indent=2, ensure_ascii=True) + "\n"


def test_unserialisable_values_raise_like_json():
    with pytest.raises(TypeError):
        dumps({"a": object()})
    with pytest.raises(TypeError):
        dumps({(1, 2): 1})
