"""The parsed-data cache: same data back, re-parsed when the file changes, never in the way."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openness_policy.data_cache import cache_dir, load_yaml_data
from openness_policy.licenses import catalog as cat


def _counting(result):
    calls = []

    def parse(text: str):
        calls.append(text)
        return result(text) if callable(result) else result
    return parse, calls


def test_second_load_comes_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "data.yaml"
    src.write_text("a: 1\n")
    parse, calls = _counting(lambda text: {"a": [1, 2.5, None, True, "x"]})
    first = load_yaml_data(src, parse)
    second = load_yaml_data(src, parse)
    assert first == second == {"a": [1, 2.5, None, True, "x"]}
    assert len(calls) == 1
    assert len(list((tmp_path / "cache").glob("data-*.json"))) == 1


def test_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "data.yaml"
    src.write_text("v: 1\n")
    parse, calls = _counting(lambda text: {"text": text})
    assert load_yaml_data(src, parse) == {"text": "v: 1\n"}
    src.write_text("v: 22\n")
    os.utime(src, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns + 10**9))
    assert load_yaml_data(src, parse) == {"text": "v: 22\n"}
    assert len(calls) == 2


def test_data_that_json_would_change_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "data.yaml"
    src.write_text("x")
    for value in ({"d": dt.date(2024, 1, 1)}, {1: "int key"}, {"t": (1, 2)}):
        parse, calls = _counting(value)
        assert load_yaml_data(src, parse) == value
        assert load_yaml_data(src, parse) == value
        assert len(calls) == 2


def test_corrupt_or_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(folder))
    src = tmp_path / "data.yaml"
    src.write_text("x")
    parse, calls = _counting({"ok": 1})
    load_yaml_data(src, parse)
    for entry in folder.iterdir():
        entry.write_text("{not json")
    assert load_yaml_data(src, parse) == {"ok": 1}
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(blocker / "cache"))
    assert load_yaml_data(src, parse) == {"ok": 1}


def test_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("OPENNESS_POLICY_NO_CACHE", "1")
    assert cache_dir() is None
    src = tmp_path / "data.yaml"
    src.write_text("x")
    load_yaml_data(src, _counting({"a": 1})[0])
    assert not (tmp_path / "cache").exists()


def test_catalogue_from_cache_equals_a_fresh_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    path = Path(cat.data_dir("policies")) / "licenses" / "catalog.yaml"
    fresh = cat._parse_yaml(path.read_text(encoding="utf-8"))
    load_yaml_data(path, cat._parse_yaml)  # fills the cache
    cached = load_yaml_data(path, lambda text: (_ for _ in ()).throw(AssertionError("parsed again")))
    assert cached == fresh
    records = [cat.record_from_mapping(i, "builtin") for i in cached["licenses"]]
    assert records == [cat.record_from_mapping(i, "builtin") for i in fresh["licenses"]]
