"""Turning a source's text into a located document, or into an 'unreadable' record."""
from __future__ import annotations

from openness_policy.formats.common import unreadable
from openness_policy.plugin_types import Source
from openness_policy.record import ModelRecord
from openness_policy.sourcemap import Located
from openness_policy.yamlload import YamlError, load_yaml


def parse_yaml(src: Source, fmt: str = "unknown", text: str | None = None, line_offset: int = 0) -> Located | ModelRecord:
    """Parse YAML, or return a record carrying the syntax error at its line."""
    try:
        return load_yaml(src.text if text is None else text, src.display, line_offset)
    except YamlError as exc:  # a limit or rule (with a hint) reads on its own; a syntax error says so
        return unreadable(src.display, exc.message if exc.hint else f"not valid YAML: {exc.message}",
                          exc.line + line_offset, exc.col, fmt, exc.hint or "fix the syntax error so the manifest can be judged")
    except RecursionError:
        return unreadable(src.display, "the YAML is nested too deeply to read", fmt=fmt)


def parse_json(src: Source, fmt: str = "unknown") -> Located | ModelRecord:
    from openness_policy.jsonload import load_json

    try:
        return load_json(src.text, src.display)
    except YamlError as exc:
        return unreadable(src.display, exc.message, exc.line, exc.col, fmt,
                          exc.hint or "fix the syntax error so the manifest can be judged")
