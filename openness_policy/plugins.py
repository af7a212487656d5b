"""The plugin manager and the registry of everything plugins provide.

There is no module-level manager: each run builds one (tests stay isolated). Built-ins are listed in
``DEFAULT_PLUGINS`` and registered through the same hooks as third-party packages, which are found
through the ``openness_policy`` entry-point group. When no installed package declares that group (the
usual case), :func:`load_registry` calls the built-ins' hooks itself, in the order pluggy would, and
pluggy is not imported at all (``tests/test_plugins.py`` compares the two registries).
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable

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

if TYPE_CHECKING:
    import pluggy


def make_plugin_manager(*, entry_points: bool = True) -> pluggy.PluginManager:
    return _plugin_manager(entry_points and _third_party_wanted())


def _plugin_manager(entry_points: bool) -> pluggy.PluginManager:
    import pluggy

    pm = pluggy.PluginManager("openness_policy")
    pm.add_hookspecs(hookspecs)
    for name, module in _builtin_modules():
        pm.register(module, name=name)
    if entry_points:
        pm.load_setuptools_entrypoints("openness_policy")
    pm.check_pending()  # a misspelt hook name fails loudly
    return pm


def _third_party_wanted() -> bool:
    return os.environ.get("OPENNESS_POLICY_NO_PLUGINS") != "1" and declares_entry_points("openness_policy")


def _builtin_modules(skip: Any = ()) -> list[tuple[str, ModuleType | None]]:
    """The built-in plugin modules in order, imported; those named in ``skip`` are listed, not imported (None)."""
    modules: list[tuple[str, ModuleType | None]] = []
    for name in DEFAULT_PLUGINS:
        if name in skip:
            modules.append((name, None))
            continue
        try:
            modules.append((name, importlib.import_module(name)))
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a built-in not written yet: skip, never a half-registered one
                continue
            raise
    return modules


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


def _registrar(reg: Registry, hook: str, plugin: str) -> Callable[[Any], None]:
    def register(item: Any) -> None:
        name = _key(hook, item)
        if name in reg.items[hook]:
            other = reg.provider[(hook, name)]
            raise UserError(f"plugin {plugin} registers {hook[:-1]} '{name}', already registered by {other}")
        reg.items[hook][name] = item
        reg.provider[(hook, name)] = plugin

    return register


def build_registry(pm: pluggy.PluginManager) -> Registry:
    reg = Registry()
    for hook in HOOKS:
        caller = getattr(pm.hook, f"register_{hook}")
        for impl in reversed(caller.get_hookimpls()):  # pluggy's call order: the last registered first
            plugin = pm.get_name(impl.plugin) or repr(impl.plugin)
            impl.function(register=_registrar(reg, hook, plugin))
    return reg


def builtin_registry() -> Registry | None:
    """What ``build_registry(make_plugin_manager(entry_points=False))`` returns, without pluggy: each
    built-in's hooks called in pluggy's order (the last registered first). None when a built-in uses
    anything beyond plain hooks (an option such as ``tryfirst``, a hook without a specification, an
    argument other than ``register``): pluggy then registers it, and reports what is wrong."""
    from openness_policy.reporters import LAZY, lazy_reporter

    specs = {f"register_{hook}" for hook in HOOKS}
    found: dict[str, list[tuple[str, Callable]]] = {hook: [] for hook in HOOKS}
    for name, module in _builtin_modules(skip=LAZY):
        if module is None:  # a reporter registered without importing its module
            found["reporters"].append((name, lambda register, _name=name: register(lazy_reporter(_name))))
            continue
        for attr, value in vars(module).items():
            opts = getattr(value, hookspecs.PROJECT + "_impl", None)
            if opts is None:
                continue
            if not isinstance(opts, dict) or any(opts.values()) or attr not in specs or not _takes_register(value):
                return None
            found[attr[len("register_"):]].append((name, value))
    reg = Registry()
    for hook in HOOKS:
        for plugin, function in reversed(found[hook]):
            function(register=_registrar(reg, hook, plugin))
    return reg


def _takes_register(function: Any) -> bool:
    """A plain function whose arguments without defaults are at most ``register``."""
    code = getattr(function, "__code__", None)
    if code is None or not isinstance(function, type(_takes_register)):
        return False
    required = code.co_varnames[:code.co_argcount - len(function.__defaults__ or ())]
    return set(required) <= {"register"} and not code.co_kwonlyargcount


def load_registry(*, entry_points: bool = True) -> Registry:
    third_party = entry_points and _third_party_wanted()
    if not third_party:
        reg = builtin_registry()
        if reg is not None:
            return reg
    return build_registry(_plugin_manager(third_party))
