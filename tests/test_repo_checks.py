"""Checks across files: two MOT files with one release name are reported in every mode."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from openness_policy.cli import main
from tests.conftest import FIXTURES, corpus_path

RULE = "mot-duplicate-release-name"


def _repo(tmp_path: Path) -> Path:
    sample = next(p for p in sorted((FIXTURES / "mot").glob("*.yml")) if "release:" in p.read_text())
    text = sample.read_text()
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    import re

    for stem in ("alpha", "beta"):
        (repo / "models" / f"{stem}.yml").write_text(re.sub(r"(?m)^(release:\n  name:).*$", r"\1 Shared-Name", text))
    (repo / "models" / "gamma.yml").write_text(re.sub(r"(?m)^(release:\n  name:).*$", r"\1 Other-Name", text))
    return repo


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_duplicate_release_names_json(tmp_path, monkeypatch, capsys, jobs):
    monkeypatch.chdir(_repo(tmp_path))
    main(["eval", "--jobs", jobs, "--format", "json", "--fail-on", "none"])
    found = [f for f in json.loads(capsys.readouterr()[0])["findings"] if f["rule"] == RULE]
    assert sorted(f["path"] for f in found) == ["models/alpha.yml", "models/beta.yml"]
    assert all("Shared-Name" in f["message"] and f["level"] == "warning" for f in found)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_duplicate_release_names_streamed_sarif(tmp_path, monkeypatch, jobs):
    monkeypatch.chdir(_repo(tmp_path))
    out = tmp_path / "r.sarif"
    main(["eval", "--jobs", jobs, "--format", "sarif", "--output", str(out), "--fail-on", "none"])
    results = json.loads(out.read_text())["runs"][0]["results"]
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results if r["ruleId"] == RULE)
    assert uris == ["models/alpha.yml", "models/beta.yml"]


def test_mot_corpus_has_three_shared_names(monkeypatch, capsys):
    models = corpus_path("mot", "models")
    monkeypatch.chdir(models.parent)
    main(["eval", "models", "--format", "json", "--fail-on", "none"])
    found = [f for f in json.loads(capsys.readouterr()[0])["findings"] if f["rule"] == RULE]
    assert len(found) == 6
    assert {f["path"] for f in found} >= {"models/Qwen2.5-72B-Instruct.yml", "models/Qwen2.5-32B-Instruct.yml"}


def test_models_folder_files_are_named_after_their_release(tmp_path, monkeypatch, capsys):
    repo = _repo(tmp_path)
    (repo / "models" / "gamma.yml").rename(repo / "models" / "Other-Name.yml")  # named after its release
    (repo / "elsewhere").mkdir()
    shutil.copy(repo / "models" / "alpha.yml", repo / "elsewhere" / "alpha.yml")  # not the MOT's layout
    monkeypatch.chdir(repo)
    main(["eval", "--format", "json", "--fail-on", "none"])
    found = [f for f in json.loads(capsys.readouterr()[0])["findings"] if f["rule"] == "mot-file-name"]
    assert sorted((f["path"], f["line"]) for f in found) == [("models/alpha.yml", 9), ("models/beta.yml", 9)]
    assert "rename the file to 'Shared-Name.yml'" in found[0]["message"]
