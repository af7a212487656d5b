"""Built-in templates read back from the user's cache: the same Located as a fresh parse, and a stale,
corrupt or disabled cache never used."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from openness_policy.plugin_types import Template
from openness_policy.plugins import load_registry
from openness_policy.policy import load as L
from openness_policy.yamlload import load_yaml


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENNESS_POLICY_NO_CACHE", raising=False)
    return tmp_path / "cache"


@pytest.fixture
def parses(monkeypatch):
    calls = []
    real = L._parse

    def counting(text, display):
        calls.append(display)
        return real(text, display)

    monkeypatch.setattr(L, "_parse", counting)
    return calls


def _same(a, b) -> None:
    assert (a.file, a.line_offset, a.problems) == (b.file, b.line_offset, b.problems)
    assert repr(a.data) == repr(b.data)  # types too: 1 is not 1.0 or True
    assert list(a.marks.items()) == list(b.marks.items())


def test_every_template_from_the_cache_is_what_a_fresh_parse_gives(cache, parses):
    registry = load_registry()
    for name, tpl in sorted(registry.templates.items()):
        fresh = L._parse(L._read_file(Path(tpl.path)), f"builtin:{name}")
        _same(L._template_doc(Path(tpl.path), f"builtin:{name}"), fresh)  # parsed, then stored
        _same(L._template_doc(Path(tpl.path), f"builtin:{name}"), fresh)  # from the cache
    assert len(parses) == 2 * len(registry.templates)  # the fresh parse and the first load of each


def test_a_policy_from_cached_templates_equals_one_from_fresh_parses(cache, tmp_path, monkeypatch):
    registry = load_registry()

    def policy():
        loader = L.PolicyLoader(registry, tmp_path)
        for name in ("mof-class-3", "osaid-1.0", "eu-ai-act-gpai"):
            loader.load_template(name)
        return loader.policy

    first, second = policy(), policy()
    monkeypatch.setenv("OPENNESS_POLICY_NO_CACHE", "1")
    assert first == second == policy()


def _copy(tmp_path: Path) -> Path:
    src = Path(load_registry().templates["osaid-1.0"].path)
    return Path(shutil.copy(src, tmp_path / "osaid-1.0.yaml"))


def test_an_edited_template_is_parsed_again(cache, parses, tmp_path):
    path = _copy(tmp_path)
    before = L._template_doc(path, "builtin:t")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("version: 1", "version: 1  ", 1) + "# more\n", encoding="utf-8")
    after = L._template_doc(path, "builtin:t")
    assert len(parses) == 2
    _same(after, load_yaml(path.read_text(encoding="utf-8"), "builtin:t"))  # the edit, not the cached copy
    same_size = text.replace("Definition 1.0 (osaid", "Defin1tion 1.0 (osaid", 1)
    assert len(same_size) == len(text) and same_size != text
    path.write_text(same_size, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    edited = L._template_doc(path, "builtin:t")
    assert len(parses) == 3
    _same(edited, L._parse(same_size, "builtin:t"))
    assert "Defin1tion" in repr(edited.data) and "Defin1tion" not in repr(before.data)


def test_a_changed_yaml_reader_invalidates_the_cache(cache, parses, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    reader = tmp_path / "reader.py"
    reader.write_text("# v1\n")
    module = type(os)("fake_reader")
    module.__file__ = str(reader)
    monkeypatch.setitem(__import__("sys").modules, "fake_reader", module)
    monkeypatch.setattr(L, "READER_MODULES", L.READER_MODULES + ("fake_reader",))
    L._template_doc(path, "builtin:t")
    L._template_doc(path, "builtin:t")
    assert len(parses) == 1
    reader.write_text("# version two\n")
    L._template_doc(path, "builtin:t")
    assert len(parses) == 2


def test_an_upgraded_ruamel_yaml_or_libyaml_invalidates_the_cache(cache, parses, tmp_path, monkeypatch):
    """libyaml reads what the line reader declines, so its version is part of every cached parse."""
    from openness_policy import yamlscalar

    real = yamlscalar.parser_sources()
    assert any("ruamel" in p for p in real) and all(os.path.isfile(p) for p in real)
    binding = tmp_path / "_ruamel_yaml.so"
    binding.write_text("v1")
    monkeypatch.setattr(yamlscalar, "_SOURCES", [real + (str(binding),)])
    path = _copy(tmp_path)
    for _ in range(2):
        L._template_doc(path, "builtin:t")
        L._policy_doc(POLICY, "p.yaml")
    assert len(parses) == 2
    binding.write_text("version 2")
    L._template_doc(path, "builtin:t")
    L._policy_doc(POLICY, "p.yaml")
    assert len(parses) == 4


def test_a_corrupt_or_misshapen_entry_is_ignored(cache, parses, tmp_path):
    path = _copy(tmp_path)
    fresh = L._template_doc(path, "builtin:t")
    (entry,) = cache.glob("template-*.json")
    entry.write_text("{not json")
    _same(L._template_doc(path, "builtin:t"), fresh)
    stamp = json.loads(entry.read_text())["stamp"]  # rewritten by the load above
    for data in ({"data": {}}, {"data": 1, "marks": [[1]], "problems": [], "line_offset": 0}, [1, 2]):
        entry.write_text(json.dumps({"stamp": stamp, "data": data}))
        _same(L._template_doc(path, "builtin:t"), fresh)


def test_the_cache_can_be_turned_off(cache, parses, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_NO_CACHE", "1")
    path = _copy(tmp_path)
    L._template_doc(path, "builtin:t")
    L._template_doc(path, "builtin:t")
    assert len(parses) == 2 and not cache.exists()


def test_a_broken_template_is_reported_every_time_and_never_cached(cache, tmp_path):
    from openness_policy.errors import ConfigError

    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules: [\n", encoding="utf-8")
    registry = load_registry()
    registry.templates["bad"] = Template("bad", bad, "")
    for _ in range(2):
        with pytest.raises(ConfigError, match="builtin:bad"):
            L.PolicyLoader(registry, tmp_path).load_template("bad")
    assert not list(cache.glob("template-*.json"))


# ---- a repository's own policy files: cached by their content ----

POLICY = """\
version: 1
rules:
  - id: prod-open
    title: Production models are open-weights
    description: >-
      A long description folded
      over two lines (a block scalar: libyaml reads it).
    when: {labels: {stage: production}}
    severity: error
    require: {openness: open-weights}
"""


def test_a_policy_file_from_the_cache_is_what_a_fresh_parse_gives(cache, parses):
    fresh = L._parse(POLICY, ".openness-policy.yaml")
    _same(L._policy_doc(POLICY, ".openness-policy.yaml"), fresh)  # parsed, then stored
    _same(L._policy_doc(POLICY, ".openness-policy.yaml"), fresh)  # from the cache
    assert len(parses) == 2 and len(list(cache.glob("policy-*.json"))) == 1
    dup = POLICY + "version: 1\n"  # a duplicate key is a problem the cached entry must carry
    fresh_dup = L._parse(dup, "p.yaml")
    assert fresh_dup.problems
    _same(L._policy_doc(dup, "p.yaml"), fresh_dup)
    _same(L._policy_doc(dup, "p.yaml"), fresh_dup)


def test_an_edited_policy_is_parsed_again_whatever_its_size_or_time(cache, parses):
    L._policy_doc(POLICY, "p.yaml")
    edited = POLICY.replace("severity: error", "severity: notes")  # same length
    assert len(edited) == len(POLICY)
    assert L._policy_doc(edited, "p.yaml").data["rules"][0]["severity"] == "notes"
    assert L._policy_doc(POLICY, "p.yaml").data["rules"][0]["severity"] == "error"
    assert len(parses) == 3 and len(list(cache.glob("policy-*.json"))) == 1  # one entry per file name


def test_a_broken_policy_is_reported_every_time_and_never_cached(cache, tmp_path):
    from openness_policy.errors import ConfigError

    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.yaml").write_text("version: 1\nrules: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="bad.yaml"):
            L.PolicyLoader(load_registry(), tmp_path).load_file(tmp_path / "bad.yaml")
    assert not list(cache.glob("policy-*.json"))


def test_a_corrupt_policy_entry_is_ignored(cache, parses):
    fresh = L._policy_doc(POLICY, "p.yaml")
    (entry,) = cache.glob("policy-*.json")
    entry.write_text("{not json")
    _same(L._policy_doc(POLICY, "p.yaml"), fresh)
    stamp = json.loads(entry.read_text())["stamp"]
    entry.write_text(json.dumps({"stamp": stamp, "data": {"data": 1, "marks": [[1]]}}))
    _same(L._policy_doc(POLICY, "p.yaml"), fresh)
