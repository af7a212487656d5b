"""Built-in reporters, one plugin module each.

Those a run rarely needs are registered without importing their modules (``LAZY``, used by
:func:`openness_policy.plugins.builtin_registry`): a SARIF run never pays for the text, JSON, Markdown
and GitHub reporters' imports. Each module still registers itself through the hook when pluggy loads the
plugins; ``tests/test_plugins_builtin.py`` checks the two registrations agree.
"""
from __future__ import annotations

from typing import Any

# module -> (reporter name, description), exactly as the module's ``register_reporters`` registers it
LAZY = {
    "openness_policy.reporters.text": ("text", "Human-readable lines grouped per model (default)."),
    "openness_policy.reporters.json_report": (
        "json", "Versioned JSON: findings, suppressed findings and model verdicts."),
    "openness_policy.reporters.markdown": ("markdown", "Markdown for GitHub job summaries (size-capped)."),
    "openness_policy.reporters.github": (
        "github", "GitHub Actions annotations (10 per kind per step, most severe first)."),
}


class LazyRender:
    """A reporter's ``render``, imported on first use (a call, or an attribute such as ``streamable``)."""

    def __init__(self, module: str) -> None:
        self.module = module
        self._render: Any = None

    def _target(self) -> Any:
        if self._render is None:
            import importlib

            self._render = importlib.import_module(self.module).render
        return self._render

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._target()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("module", "_render"):
            raise AttributeError(name)
        return getattr(self._target(), name)

    def __repr__(self) -> str:
        return f"<render of {self.module}, imported on first use>"


def lazy_reporter(module: str) -> Any:
    from openness_policy.plugin_types import Reporter

    name, description = LAZY[module]
    return Reporter(name=name, description=description, render=LazyRender(module))
