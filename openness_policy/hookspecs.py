"""Plugin hook specifications (pluggy, project name ``openness_policy``).

Every hook receives a ``register`` callback and calls it once per thing it provides, so the host
knows which plugin gave what and owns name clashes. Built-in formats, checks, requirement kinds,
templates, licence sets and reporters use exactly these hooks.

The markers set exactly the options ``pluggy.HookspecMarker`` / ``pluggy.HookimplMarker`` set (the
tests compare them) without importing pluggy: a run with only the built-in plugins never needs it
(:func:`openness_policy.plugins.load_registry`).
"""
from __future__ import annotations

from typing import Any, Callable

PROJECT = "openness_policy"


class _SpecMarker:
    """``pluggy.HookspecMarker("openness_policy")``."""

    project_name = PROJECT

    def __call__(self, function: Callable | None = None, firstresult: bool = False, historic: bool = False,
                 warn_on_impl: Warning | None = None, warn_on_impl_args: dict[str, Warning] | None = None) -> Any:
        def mark(func: Callable) -> Callable:
            if historic and firstresult:
                raise ValueError("cannot have a historic firstresult hook")
            setattr(func, PROJECT + "_spec", {"firstresult": firstresult, "historic": historic,
                                              "warn_on_impl": warn_on_impl, "warn_on_impl_args": warn_on_impl_args})
            return func

        return mark if function is None else mark(function)


class _ImplMarker:
    """``pluggy.HookimplMarker("openness_policy")``."""

    project_name = PROJECT

    def __call__(self, function: Callable | None = None, hookwrapper: bool = False, optionalhook: bool = False,
                 tryfirst: bool = False, trylast: bool = False, specname: str | None = None,
                 wrapper: bool = False) -> Any:
        def mark(func: Callable) -> Callable:
            setattr(func, PROJECT + "_impl", {"wrapper": wrapper, "hookwrapper": hookwrapper,
                                              "optionalhook": optionalhook, "tryfirst": tryfirst,
                                              "trylast": trylast, "specname": specname})
            return func

        return mark if function is None else mark(function)


hookspec = _SpecMarker()
hookimpl = _ImplMarker()


@hookspec
def register_formats(register: Callable) -> None:
    """Register manifest formats: ``register(FormatSpec(...))`` (detect a file, load it into records)."""


@hookspec
def register_requirements(register: Callable) -> None:
    """Register requirement kinds usable in policy rules: ``register(RequirementKind(...))``."""


@hookspec
def register_checks(register: Callable) -> None:
    """Register checks that run on every model, policy or not: ``register(Check(...))``."""


@hookspec
def register_templates(register: Callable) -> None:
    """Register policy templates usable as ``builtin:NAME``: ``register(Template(...))``."""


@hookspec
def register_license_sets(register: Callable) -> None:
    """Register licence catalogue files (YAML with ``licenses: [...]``): ``register(path)``."""


@hookspec
def register_reporters(register: Callable) -> None:
    """Register output formats: ``register(Reporter(...))``."""
