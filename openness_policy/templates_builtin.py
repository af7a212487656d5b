"""Built-in policy templates: every ``policies/templates/NAME.yaml`` is usable as ``builtin:NAME``."""
from __future__ import annotations

from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Template
from openness_policy.resources import data_dir


@hookimpl
def register_templates(register):
    folder = data_dir("policies") / "templates"
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        register(Template(path.stem, path, ""))
