"""check_path remembers each folder's real path: a folder swapped for a link out of the repository
after a first read must still be refused (the remembered entry is for another directory)."""
from __future__ import annotations

import os

import pytest

from openness_policy.reading import Unsafe, check_path, read_text


def test_a_folder_replaced_by_a_link_out_is_refused_after_a_first_read(tmp_path):
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "models").mkdir(parents=True)
    outside.mkdir()
    (root / "models" / "a.yml").write_text("inside\n")
    (outside / "a.yml").write_text("SECRET\n")
    assert read_text(check_path(root / "models" / "a.yml", root)) == "inside\n"
    os.rename(root / "models", root / "old")
    (root / "models").symlink_to(outside, target_is_directory=True)
    with pytest.raises(Unsafe, match="folder that is a symbolic link out"):
        check_path(root / "models" / "a.yml", root)


def test_a_link_inside_the_repository_resolves_to_its_target(tmp_path):
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "a.yml").write_text("x\n")
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    for _ in range(2):  # first resolved, then remembered
        assert check_path(root / "alias" / "a.yml", root) == (root / "real" / "a.yml").resolve()
        assert check_path(root / "real" / "a.yml", root) == (root / "real" / "a.yml").resolve()


def test_dotdot_paths_and_oversized_files_take_the_full_check(tmp_path):
    root = tmp_path / "repo"
    (root / "m").mkdir(parents=True)
    (root / "m" / "a.yml").write_text("x" * 100)
    assert check_path(root / "m" / ".." / "m" / "a.yml", root) == (root / "m" / "a.yml").resolve()
    with pytest.raises(Unsafe, match="over the 10-byte limit"):
        check_path(root / "m" / "a.yml", root, 10)
    assert read_text(check_path(root / "m" / "a.yml", root), 100) == "x" * 100
    with pytest.raises(Unsafe, match="over the 99-byte limit"):
        read_text(root / "m" / "a.yml", 99)


# ---- which file names are manifests: discover.matcher against fnmatch itself ----

import fnmatch  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from openness_policy.discover import matcher, selector  # noqa: E402

_BUILTIN_SHAPES = ("openness.yaml", "*.openness.yml", "*.cdx.json", "*aibom*.json", "[rR][eE][aA][dD][mM][eE].[mM][dD]",
                   "bom.json", "*.yml", "model?.json", "*")
_NAME_CHARS = st.sampled_from(list("abRrEeADMmd.*?[]-_/\n") + ["json", "yml", "cdx", "bom", "aibom", "openness"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_BUILTIN_SHAPES) | st.lists(_NAME_CHARS, max_size=6).map("".join), max_size=5),
       st.lists(_NAME_CHARS, max_size=8).map("".join))
def test_matcher_agrees_with_fnmatch_for_every_pattern_shape(patterns, name):
    assert matcher(tuple(patterns))(name) == any(fnmatch.fnmatch(name, p) for p in patterns)


def test_matcher_literal_and_tail_shortcuts_keep_fnmatch_meaning():
    wanted = matcher(("bom.json", "*.yml", "*.[ch]"))
    assert wanted("bom.json") and not wanted("xbom.json") and not wanted("bom.json.bak")
    assert wanted("a.yml") and wanted(".yml") and not wanted("a.yml.orig")
    assert wanted("x.c") and not wanted("x.d")
    assert matcher(("*?.md",))("a.md") and not matcher(("*?.md",))(".md")
    assert not matcher(())("anything")


_PATHS = st.lists(st.lists(_NAME_CHARS, max_size=6).map("".join), min_size=1, max_size=4).map("/".join)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_BUILTIN_SHAPES + ("a/b.yml", "*/x")) | st.lists(_NAME_CHARS, max_size=6).map("".join),
                max_size=5),
       st.lists(_PATHS, max_size=8))
def test_selector_keeps_the_paths_whose_file_name_matcher_wants(patterns, paths):
    """The bulk filter a listing uses tests tails on whole paths: it must keep exactly what the
    per-name matcher keeps, also for patterns holding "/" (which no file name matches)."""
    wanted = matcher(tuple(patterns))
    assert selector(tuple(patterns))(paths) == [p for p in paths if wanted(p.rpartition("/")[2])]
