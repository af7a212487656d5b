"""The built-in plugins registered without pluggy (``plugins.builtin_registry``) exactly as pluggy
registers them, and the pluggy-free hook markers marking exactly as pluggy's do."""
from __future__ import annotations

import dataclasses
import itertools
import types

import pluggy
import pytest

from openness_policy import hookspecs, plugins
from openness_policy.reporters import LAZY, LazyRender
from openness_policy.plugins import DEFAULT_PLUGINS, HOOKS, build_registry, builtin_registry, load_registry, make_plugin_manager


def _shape(reg):
    """Names in order, providers in order, item types; items equal unless built afresh per call (closures)."""
    return ({h: [(k, type(v)) for k, v in reg.items[h].items()] for h in HOOKS}, list(reg.provider.items()))


def _resolved(item):
    """A lazily registered reporter as the one its module registers (its render imported)."""
    if isinstance(getattr(item, "render", None), LazyRender):
        return dataclasses.replace(item, render=item.render._target())
    return item


def test_builtin_registry_is_what_pluggy_builds():
    fast = builtin_registry()
    assert fast is not None
    slow, again = (build_registry(make_plugin_manager(entry_points=False)) for _ in range(2))
    assert _shape(fast) == _shape(slow)
    for hook in HOOKS:
        fresh = {k for k in slow.items[hook] if slow.items[hook][k] != again.items[hook][k]}  # new closures per call
        assert {k for k in fast.items[hook] if _resolved(fast.items[hook][k]) != slow.items[hook][k]} == fresh


def test_lazy_reporters_are_the_modules_own_and_import_them_on_first_use():
    slow = build_registry(make_plugin_manager(entry_points=False))
    assert {slow.provider[("reporters", r.name)]: (r.name, r.description) for r in slow.reporters.values()
            if slow.provider[("reporters", r.name)] in LAZY} == LAZY
    fast = builtin_registry()
    for module, (name, _) in LAZY.items():
        render = fast.reporters[name].render
        assert isinstance(render, LazyRender) and fast.provider[("reporters", name)] == module
        assert render._target() is slow.reporters[name].render
        assert getattr(render, "streamable", False) is getattr(slow.reporters[name].render, "streamable", False)
    assert not isinstance(fast.reporters["sarif"].render, LazyRender)  # streamed runs ask it for `streamable`


def test_a_lazy_render_renders_as_the_real_one():
    from openness_policy.findings import Report

    fast, slow = builtin_registry(), build_registry(make_plugin_manager(entry_points=False))
    report = Report([], [], [], {}, files=0)
    for module, (name, _) in LAZY.items():
        assert fast.reporters[name].render(report) == slow.reporters[name].render(report)
    assert fast.reporters["text"].render(report, color=True) == slow.reporters["text"].render(report, color=True)
    with pytest.raises(TypeError):
        fast.reporters["json"].render(report, color=True)  # outputs._render relies on this TypeError
    with pytest.raises(TypeError):
        slow.reporters["json"].render(report, color=True)


def test_load_registry_without_third_party_plugins_does_not_use_pluggy(monkeypatch):
    expected = _shape(build_registry(make_plugin_manager(entry_points=False)))
    monkeypatch.setenv("OPENNESS_POLICY_NO_PLUGINS", "1")
    monkeypatch.setattr(plugins, "_plugin_manager", lambda *a: pytest.fail("pluggy used"))
    assert _shape(load_registry()) == expected


@pytest.mark.parametrize("attr, mark", [
    ("register_formatz", hookspecs.hookimpl),  # a misspelt hook: pluggy reports it
    ("register_formats", hookspecs.hookimpl(tryfirst=True)),  # an option only pluggy honours
    ("register_formats", hookspecs.hookimpl(specname="register_checks")),
])
def test_a_builtin_beyond_plain_hooks_is_left_to_pluggy(monkeypatch, attr, mark):
    module = types.ModuleType("openness_policy.formats.fake")
    setattr(module, attr, mark(lambda register: None))
    real = plugins._builtin_modules
    monkeypatch.setattr(plugins, "_builtin_modules", lambda **k: real(**k) + [("openness_policy.formats.fake", module)])
    monkeypatch.setenv("OPENNESS_POLICY_NO_PLUGINS", "1")
    assert builtin_registry() is None
    if attr == "register_formatz":
        with pytest.raises(pluggy.PluginValidationError):
            load_registry()


def test_a_builtin_hook_with_other_required_arguments_is_left_to_pluggy(monkeypatch):
    module = types.ModuleType("openness_policy.formats.fake")
    module.register_formats = hookspecs.hookimpl(lambda register, extra: None)
    real = plugins._builtin_modules
    monkeypatch.setattr(plugins, "_builtin_modules", lambda **k: real(**k) + [("openness_policy.formats.fake", module)])
    assert builtin_registry() is None


def _marks(marker, suffix, **kwargs):
    def f(register):
        pass

    marker(**kwargs)(f) if kwargs else marker(f)
    return getattr(f, "openness_policy" + suffix)


def test_the_impl_marker_marks_as_pluggys_does():
    theirs = pluggy.HookimplMarker("openness_policy")
    names = ("hookwrapper", "optionalhook", "tryfirst", "trylast", "wrapper")
    assert _marks(hookspecs.hookimpl, "_impl") == _marks(theirs, "_impl")
    for values in itertools.product((False, True), repeat=len(names)):
        kwargs = dict(zip(names, values))
        assert _marks(hookspecs.hookimpl, "_impl", **kwargs) == _marks(theirs, "_impl", **kwargs)
    assert _marks(hookspecs.hookimpl, "_impl", specname="x") == _marks(theirs, "_impl", specname="x")


def test_the_spec_marker_marks_as_pluggys_does():
    theirs = pluggy.HookspecMarker("openness_policy")
    for firstresult, historic in ((False, False), (True, False), (False, True)):
        kw = {"firstresult": firstresult, "historic": historic}
        ours_, theirs_ = _marks(hookspecs.hookspec, "_spec", **kw), _marks(theirs, "_spec", **kw)
        assert {k: v for k, v in ours_.items() if k in theirs_} == theirs_
        assert set(ours_) - set(theirs_) <= {"warn_on_impl_args"}  # older pluggy: one option fewer
    with pytest.raises(ValueError):
        hookspecs.hookspec(firstresult=True, historic=True)(lambda: None)


def test_every_default_plugin_is_found():
    assert [name for name, _ in plugins._builtin_modules()] == list(DEFAULT_PLUGINS)
