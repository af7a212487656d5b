"""What a one-file run imports: heavy libraries only when the work needs them (DESIGN §7).

Import time is most of a one-file run, and unlike time, the set of imported modules is
deterministic. Each run is a fresh interpreter; third-party plugins are switched off so that only
this package decides.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

# Heavy modules a plain eval must not need: schema validation only runs for invalid documents, git
# only in pull-request mode, SPDX expression parsing only for expressions, worker processes only
# for many files (``openness_policy.parallel`` itself is light; the fork pool and ``selectors`` are
# not needed), licence-text fingerprints only for cards that ship a LICENSE file.
NEVER_FOR_ONE_VALID_FILE = (
    "jsonschema", "referencing", "git", "gitdb", "license_expression", "multiprocessing", "concurrent.futures",
    "asyncio", "openness_policy.formats.license_detect", "openness_policy.forkpool",
)


# Not needed by a one-file eval with SARIF output either: the other commands' modules (registered
# lazily), git's subprocess, the entry-point scan (only when an installed package declares our group),
# the spool's pickle (a small run keeps its results in memory).
NOT_FOR_ONE_FILE_EVAL = (
    "subprocess", "pickle", "openness_policy.cli.classify_cmd", "openness_policy.cli.template_cmds",
    "openness_policy.cli.policy_cmds", "openness_policy.cli.info_cmds",
)


def _modules(tmp_path: Path, files: dict[str, str], args: list[str], plugins: bool = False) -> set[str]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    code = ("import json, sys\nfrom openness_policy.cli import main\n"
            f"code = main({args!r})\nprint(json.dumps([code, sorted(sys.modules)]))\n")
    env = dict(os.environ, OPENNESS_POLICY_NO_PLUGINS="1", PYTHONPATH=str(REPO),
               OPENNESS_POLICY_CACHE_DIR=str(tmp_path / "cache"))
    if plugins:
        del env["OPENNESS_POLICY_NO_PLUGINS"]
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    exit_code, modules = json.loads(proc.stdout.strip().splitlines()[-1])
    assert exit_code in (0, 1), proc.stderr
    return set(modules)


def _manifest() -> str:
    return (REPO / "examples" / "demo" / "models" / "atlas-chat" / "atlas-chat.openness.yaml").read_text()


def test_plain_eval_of_one_native_manifest(tmp_path):
    loaded = _modules(tmp_path, {"m.openness.yaml": _manifest()}, ["eval", "m.openness.yaml"])
    assert "openness_policy.formats.native" in loaded and "ruamel.yaml" in loaded  # it did the work
    assert sorted(loaded & set(NEVER_FOR_ONE_VALID_FILE)) == []


def test_a_second_run_reads_plain_yaml_without_ruamel(tmp_path):
    """ruamel.yaml's scalar rules come from the data cache once a run has stored them: a manifest the
    line reader reads (plain block YAML, as here) then needs no ruamel.yaml at all (its import is an
    eighth of a one-file run)."""
    plain = (REPO / "examples" / "demo" / "models" / "delta-research" / "delta-research.openness.yaml").read_text()
    from openness_policy import yamlfast, yamlscalar

    yamlscalar.load_implicit()
    assert yamlfast.parse(plain, yamlscalar.fast_plain, {}) is not None, "the example is no longer plain block YAML"
    first = _modules(tmp_path, {"m.openness.yaml": plain}, ["eval", "--format", "json", "--output", "a.json",
                                                            "m.openness.yaml"])
    again = _modules(tmp_path, {}, ["eval", "--format", "json", "--output", "b.json", "m.openness.yaml"])
    assert "ruamel.yaml" in first and "ruamel.yaml" not in again
    assert "openness_policy.formats.native" in again
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def test_the_cached_scalar_rules_are_ruamels(tmp_path, monkeypatch):
    from ruamel.yaml.resolver import Resolver

    from openness_policy import yamlscalar

    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(yamlscalar, "IMPLICIT", {})
    yamlscalar.load_implicit()  # stores the table
    monkeypatch.setattr(yamlscalar, "IMPLICIT", {})
    yamlscalar.load_implicit()  # reads it back
    assert list(tmp_path.glob("yaml-implicit-*.json"))
    want = {first: [(str(tag), r.pattern, r.flags) for tag, r in rs]
            for first, rs in Resolver.yaml_implicit_resolvers.items()}
    assert {first: [(tag, r.pattern, r.flags) for tag, r in rs]
            for first, rs in yamlscalar.IMPLICIT.items()} == want


def test_eval_with_templates_and_sarif_output(tmp_path):
    """Templates and SARIF output are validated and written without jsonschema too."""
    loaded = _modules(tmp_path, {"m.openness.yaml": _manifest()},
                      ["eval", "--template", "mof-class-3", "--template", "osaid-1.0", "--format", "sarif",
                       "--output", "out.sarif", "m.openness.yaml"])
    assert "openness_policy.reporters.sarif" in loaded
    assert (tmp_path / "out.sarif").exists()
    assert sorted(loaded & set(NEVER_FOR_ONE_VALID_FILE)) == []


def test_an_invalid_manifest_does_load_jsonschema_for_its_messages(tmp_path):
    """The control: the check above can see jsonschema when it is imported."""
    bad = _manifest().replace("version: \"2.3\"", "version: [not, a, string]")
    loaded = _modules(tmp_path, {"m.openness.yaml": bad}, ["eval", "m.openness.yaml"])
    assert "jsonschema" in loaded


def test_one_file_sarif_eval_loads_only_its_command(tmp_path):
    loaded = _modules(tmp_path, {"m.openness.yaml": _manifest()},
                      ["eval", "--template", "mof-class-3", "--format", "sarif", "--output", "out.sarif",
                       "m.openness.yaml"])
    assert (tmp_path / "out.sarif").exists()
    assert sorted(loaded & set(NOT_FOR_ONE_FILE_EVAL)) == []


def test_entry_points_are_scanned_only_when_a_package_declares_the_group(tmp_path):
    from openness_policy.plugins import declares_entry_points

    loaded = _modules(tmp_path, {"m.openness.yaml": _manifest()}, ["eval", "m.openness.yaml"], plugins=True)
    assert ("importlib.metadata" in loaded) == declares_entry_points("openness_policy")


def test_declared_entry_points_are_found(tmp_path, monkeypatch):
    from openness_policy.plugins import declares_entry_points

    info = tmp_path / "site" / "acme_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text("[console_scripts]\nacme = acme:main\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), str(tmp_path / "missing")])
    assert not declares_entry_points("openness_policy")
    (info / "entry_points.txt").write_text("[openness_policy]\nacme = acme.plugin\n", encoding="utf-8")
    assert declares_entry_points("openness_policy")
    (tmp_path / "bundle.zip").write_bytes(b"")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "bundle.zip")])  # a zip: left to importlib.metadata
    assert declares_entry_points("openness_policy")


def test_a_second_run_over_the_demo_needs_no_ruamel(tmp_path):
    """The demo's manifests use one-line flow mappings (`{license: MIT}`), which the line reader reads, and
    its policy block scalars (`>-`), which it leaves to libyaml: the parsed policy is then kept in the cache
    by its content, so a second run imports no ruamel.yaml and writes the same output."""
    import shutil

    shutil.copytree(REPO / "examples" / "demo", tmp_path / "demo")
    (tmp_path / "demo" / ".git").mkdir()  # the repository root: the policy is found here
    runs = [_modules(tmp_path / "demo", {}, ["eval", "--format", "json", "--output", str(tmp_path / out), "."])
            for out in ("a.json", "b.json")]
    assert "ruamel.yaml" in runs[0] and "ruamel.yaml" not in runs[1]
    report = json.loads((tmp_path / "a.json").read_text())
    assert len(report["models"]) == 6 and report["findings"], "the demo should give findings under its policy"
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
