"""YAML/JSON loading: the libyaml C parser is really used, positions are right, aliases are shared."""
from __future__ import annotations

import pytest

from openness_policy.jsonload import load_json
from openness_policy.yamlload import YamlError, c_parser_loaded, load_yaml


def test_libyaml_c_parser_is_loaded():
    """DESIGN §7: ruamel.yaml 0.19 silently falls back to pure Python when the C extension is missing."""
    assert c_parser_loaded()
    import ruamel.yaml.cyaml as cyaml

    assert getattr(cyaml, "_" + "_yaml_lib", None) in (None, "clib")
    from ruamel.yaml.cyaml import CParser

    assert CParser.__module__.startswith(("_ruamel_yaml", "ruamel.yaml.clib"))


def test_positions_are_key_lines_and_missing_keys_point_at_parent():
    doc = load_yaml("a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n", "m.yaml")
    assert doc.data == {"a": 1, "b": {"c": ["x", "y"], "d": [{"e": 2}]}}
    assert (doc.pos("b", "c").line, doc.pos("b", "c").col) == (3, 3)
    assert doc.pos("b", "c", 1).col == 10
    assert doc.pos("b", "d", 0, "e").line == 5
    missing = doc.pos("b", "zzz")
    assert (missing.line, missing.key) == (2, "b.zzz")


def test_line_offset_for_front_matter():
    doc = load_yaml("license: mit\n", "README.md", line_offset=1)
    assert doc.pos("license").line == 2


def test_yaml_1_2_scalars():
    doc = load_yaml("a: yes\nb: 1e25\nc: 2024-01-01\nd: ~\ne: 0x1F\nf: true\n", "m")
    assert doc.data == {"a": "yes", "b": 1e25, "c": "2024-01-01", "d": None, "e": 31, "f": True}


def test_aliases_are_shared_not_expanded():
    # 12 doublings stay under limits.MAX_ALIAS_EXPANSION; a real bomb is refused (test_hardening_yaml.py)
    text = "a: &a [1, 2]\n" + "".join(f"l{i}: &l{i} [*{'a' if i == 0 else 'l' + str(i - 1)}, *{'a' if i == 0 else 'l' + str(i - 1)}]\n" for i in range(12))
    doc = load_yaml(text, "bomb.yaml")
    assert doc.data["l11"][0] is doc.data["l10"]


def test_duplicate_keys_are_recorded():
    doc = load_yaml("a: 1\na: 2\n", "d.yaml")
    assert doc.data == {"a": 2}
    assert doc.problems and doc.problems[0][0] == "duplicate-key"


def test_syntax_error_has_line_and_column():
    with pytest.raises(YamlError) as info:
        load_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    assert info.value.line >= 2


def test_json_positions_are_lazy_and_right():
    text = '{\n  "a": 1,\n  "b": [ {"c": "x"},\n     {"d": [1, 2]} ]\n}'
    doc = load_json(text, "x.json")
    assert doc._marks is None  # not computed until asked
    assert (doc.pos("b", 1, "d", 1).line, doc.pos("b", 1, "d", 1).col) == (4, 16)
    assert doc.pos("b", 0).col == 10


def test_json_rejects_nan():
    with pytest.raises(YamlError):
        load_json('{"a": NaN}', "x.json")


def test_yaml_1_2_colons_in_flow_collections():
    """`extends: [builtin:osaid-1.0]` (the form the issue and users write) and URLs in `[...]`."""
    doc = load_yaml("extends: [builtin:osaid-1.0]\nreferences: [https://x.org/a]\nb: 2\n", "p.yaml")
    assert doc.data == {"extends": ["builtin:osaid-1.0"], "references": ["https://x.org/a"], "b": 2}
    assert doc.pos("references", 0).line == 2 and doc.pos("b").line == 3


def test_flow_colon_fallback_still_reports_real_errors():
    with pytest.raises(YamlError) as info:
        load_yaml("extends: [builtin:osaid-1.0\nb: [1\n", "p.yaml")
    assert info.value.line >= 2
