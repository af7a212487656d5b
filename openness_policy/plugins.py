"""The plugin manager and the registry of everything plugins provide.

There is no module-level manager: each run builds one (tests stay isolated). Built-ins are listed in
``DEFAULT_PLUGINS`` and registered through the same hooks as third-party packages, which are found
through the ``openness_policy`` entry-point group.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from typing import Any

import pluggy

from openness_policy import hookspecs
from openness_policy.errors import UserError

DEFAULT_PLUGINS = (
    "openness_policy.formats.native",
    "openness_policy.formats.mot",
    "openness_policy.formats.hf_card",
    "openness_policy.formats.cyclonedx",
    "openness_policy.formats.spdx3",
    "openness_policy.formats.osai_index",
    "openness_policy.checks.builtin",
    "openness_policy.licenses.sets",
    "openness_policy.policy.requirements",
    "openness_policy.policy.requirements_regulatory",
    "openness_policy.templates_builtin",
    "openness_policy.reporters.text",
    "openness_policy.reporters.json_report",
    "openness_policy.reporters.sarif",
    "openness_policy.reporters.markdown",
    "openness_policy.reporters.github",
)
HOOKS = ("formats", "requirements", "checks", "templates", "license_sets", "reporters")


def make_plugin_manager(*, entry_points: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("openness_policy")
    pm.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a built-in not written yet: skip, never a half-registered one
                continue
            raise
        pm.register(module, name=name)
    if entry_points and os.environ.get("OPENNESS_POLICY_NO_PLUGINS") != "1" and declares_entry_points("openness_policy"):
        pm.load_setuptools_entrypoints("openness_policy")
    pm.check_pending()  # a misspelt hook name fails loudly
    return pm


def declares_entry_points(group: str) -> bool:
    """False only when no distribution on ``sys.path`` can declare an entry point in ``group``: every
    ``*.dist-info``/``*.egg-info`` folder's ``entry_points.txt`` is looked at for the group's header.
    Saves importing ``importlib.metadata`` (and email, zipfile, csv) on every run without plugins;
    a ``sys.path`` entry that is not a folder (a zip, an egg) leaves the answer to importlib.metadata."""
    import re
    import sys

    header = re.compile(r"^[ \t]*\[[ \t]*" + re.escape(group) + r"[ \t]*\]", re.M)
    for entry in sys.path:
        folder = entry or "."
        try:
            with os.scandir(folder) as found:
                names = [e.name for e in found if e.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(folder, name, "entry_points.txt"), encoding="utf-8", errors="replace") as fh:
                    if header.search(fh.read()):
                        return True
            except OSError:
                continue
    return False


@dataclass
class Registry:
    """Everything registered, by kind and name, with the plugin that registered it."""

    items: dict[str, dict[str, Any]] = field(default_factory=lambda: {h: {} for h in HOOKS})
    provider: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def formats(self) -> dict[str, Any]:
        return self.items["formats"]

    @property
    def requirements(self) -> dict[str, Any]:
        return self.items["requirements"]

    @property
    def checks(self) -> dict[str, Any]:
        return self.items["checks"]

    @property
    def templates(self) -> dict[str, Any]:
        return self.items["templates"]

    @property
    def license_sets(self) -> dict[str, Any]:
        return self.items["license_sets"]

    @property
    def reporters(self) -> dict[str, Any]:
        return self.items["reporters"]


def _key(hook: str, item: Any) -> str:
    if hook == "checks":
        return item.rule.id
    if hook == "license_sets":
        return str(item)
    return item.name


def build_registry(pm: pluggy.PluginManager) -> Registry:
    reg = Registry()
    for hook in HOOKS:
        caller = getattr(pm.hook, f"register_{hook}")
        for impl in reversed(caller.get_hookimpls()):  # registration order
            plugin = pm.get_name(impl.plugin) or repr(impl.plugin)

            def register(item: Any, _hook: str = hook, _plugin: str = plugin) -> None:
                name = _key(_hook, item)
                if name in reg.items[_hook]:
                    other = reg.provider[(_hook, name)]
                    raise UserError(f"plugin {_plugin} registers {_hook[:-1]} '{name}', already registered by {other}")
                reg.items[_hook][name] = item
                reg.provider[(_hook, name)] = _plugin

            impl.function(register=register)
    return reg


def load_registry(*, entry_points: bool = True) -> Registry:
    return build_registry(make_plugin_manager(entry_points=entry_points))
