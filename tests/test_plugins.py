"""Plugins: built-ins registered like third parties, a real third-party package, misspelt hooks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pluggy
import pytest

from openness_policy import hookspecs
from openness_policy.plugins import DEFAULT_PLUGINS, HOOKS, build_registry, make_plugin_manager

REPO = Path(__file__).resolve().parents[1]


def test_every_builtin_registers_through_a_hook():
    reg = build_registry(make_plugin_manager(entry_points=False))
    providers = set(reg.provider.values())
    for name in DEFAULT_PLUGINS:
        assert name in providers, f"{name} registers nothing"
    assert {"native", "mot", "hf-card"} <= set(reg.formats) or "native" in reg.formats
    assert {"text", "json", "sarif", "markdown"} <= set(reg.reporters)
    assert {"openness", "mof-class", "osaid", "license-clauses", "licenses", "components", "fields", "field"} <= set(reg.requirements)


def test_every_hook_is_documented_and_used():
    for hook in HOOKS:
        spec = getattr(hookspecs, f"register_{hook}")
        assert spec.__doc__ and "register" in spec.__doc__
    reg = build_registry(make_plugin_manager(entry_points=False))
    for hook in HOOKS:
        assert reg.items[hook], f"no built-in plugin implements register_{hook}"


def test_misspelt_hook_fails_loudly():
    class Bad:
        @hookspecs.hookimpl
        def register_formatz(self, register):  # typo
            pass

    pm = make_plugin_manager(entry_points=False)
    pm.register(Bad(), name="bad")
    with pytest.raises(pluggy.PluginValidationError):
        pm.check_pending()


def test_name_clash_between_plugins_is_an_error():
    from openness_policy.errors import UserError
    from openness_policy.plugin_types import Reporter

    class Clash:
        @hookspecs.hookimpl
        def register_reporters(self, register):
            register(Reporter("text", "again", lambda r: ""))

    pm = make_plugin_manager(entry_points=False)
    pm.register(Clash(), name="clash")
    with pytest.raises(UserError, match="already registered"):
        build_registry(pm)


def test_third_party_plugin_package_adds_a_format_and_a_reporter(tmp_path):
    """pip-install the example plugin (kept under tests/) and use it: no change to our code."""
    import shutil

    target = tmp_path / "site"
    package = shutil.copytree(REPO / "tests" / "plugin_example", tmp_path / "plugin_example")  # build out of tree
    install = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                              str(package)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "chat.kv").write_text("model = kv-chat\nlicense = llama2\nweights = released\n")
    (tmp_path / "repo" / ".openness-policy.yaml").write_text(
        "version: 1\nrules:\n  - id: no-competitor-training\n    require:\n"
        "      license-clauses: {forbid: [competitor-training]}\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    run = subprocess.run([sys.executable, "-m", "openness_policy", "eval", "--format", "csv"], cwd=tmp_path / "repo",
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines()[0] == "level,rule,path,line,message"
    assert "error,no-competitor-training,chat.kv,2," in run.stdout
    plugins = subprocess.run([sys.executable, "-m", "openness_policy", "plugins", "--format", "json"], cwd=tmp_path,
                             capture_output=True, text=True, env=env)
    doc = json.loads(plugins.stdout)
    example = [p for p in doc["plugins"] if p["name"] == "example"]
    assert example and example[0]["provides"] == {"formats": ["kv"], "reporters": ["csv"]}
    assert example[0]["builtin"] is False
