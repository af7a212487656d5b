"""Plugin hook specifications (pluggy, project name ``openness_policy``).

Every hook receives a ``register`` callback and calls it once per thing it provides, so the host
knows which plugin gave what and owns name clashes. Built-in formats, checks, requirement kinds,
templates, licence sets and reporters use exactly these hooks.
"""
from __future__ import annotations

from typing import Callable

import pluggy

hookspec = pluggy.HookspecMarker("openness_policy")
hookimpl = pluggy.HookimplMarker("openness_policy")


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
