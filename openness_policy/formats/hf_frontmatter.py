"""The YAML front matter of a Markdown model card and its top-level keys.

Front matter is the Hub's rule: the first line is exactly ``---`` (trailing blanks and a CR are
tolerated) and the YAML runs until the next ``---`` line. Lines are counted in ``\\n`` so that the
positions of the YAML parser, offset by the opening line, are the Markdown file's own lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


_TOP_KEY = re.compile(r"^(?:'([^'\n]+)'|\"([^\"\n]+)\"|([A-Za-z_][\w.\-]*))[ \t]*:(?:[ \t]|$)", re.M)


@dataclass(frozen=True)
class FrontMatter:
    text: str  # the YAML between the fences
    offset: int  # lines before the YAML (the opening fence): add to YAML line numbers
    closed: bool  # False when no closing fence was found (a truncated head, or a broken file)
    end_line: int  # file line of the closing fence (or of the last line when not closed)


def _is_fence(line: str) -> bool:
    return line.rstrip(" \t\r") == "---"


def split_front_matter(text: str) -> FrontMatter | None:
    """The front matter of ``text``, or None when the first line is not ``---``."""
    lines = text.split("\n")
    if not lines or not _is_fence(lines[0]):
        return None
    for i in range(1, len(lines)):
        if _is_fence(lines[i]):
            body = "\n".join(lines[1:i])
            return FrontMatter(body + "\n" if body else "", 1, True, i + 1)
    return FrontMatter("\n".join(lines[1:]), 1, False, len(lines))


def top_keys(yaml_text: str) -> set[str]:
    """Top-level mapping keys found by a line scan: works on a truncated or invalid block too."""
    return {m.group(1) or m.group(2) or m.group(3) for m in _TOP_KEY.finditer(yaml_text)}
