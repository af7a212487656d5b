"""Structure-aware mutation for robustness tests: replace values anywhere in a document."""
from __future__ import annotations

import json

from hypothesis import strategies as st

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, (*path, key))


def mutated(doc, data) -> str:
    """``doc`` with one to three values (anywhere) replaced by arbitrary JSON, as text."""
    paths = [p for p in _paths(doc) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        try:
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = data.draw(JSON_VALUES)
        except (LookupError, TypeError):
            continue  # an earlier replacement removed this place
    return json.dumps(doc)
