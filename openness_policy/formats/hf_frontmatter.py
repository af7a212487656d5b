"""The YAML front matter of a Markdown model card, its top-level keys, and inline suppressions.

Front matter is the Hub's rule: the first line is exactly ``---`` (trailing blanks and a CR are
tolerated) and the YAML runs until the next ``---`` line. Lines are counted in ``\\n`` so that the
positions of the YAML parser, offset by the opening line, are the Markdown file's own lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from openness_policy.record import Problem, Suppression
from openness_policy.sourcemap import Pos

_TOP_KEY = re.compile(r"^(?:'([^'\n]+)'|\"([^\"\n]+)\"|([A-Za-z_][\w.\-]*))[ \t]*:(?:[ \t]|$)", re.M)
_SUPPRESS = re.compile(r"#\s*openness-policy\s*:\s*ignore\b(?P<rest>.*)$")
_RULE = re.compile(r"\s*(?P<rule>[A-Za-z0-9][\w.\-]*)")
_REASON = re.compile(r"""\breason\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")
_EXPIRES = re.compile(r"""\bexpires\s*=\s*["']?(?P<date>[^\s"']+)""")


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


def suppressions(fm: FrontMatter, file: str) -> tuple[list[Suppression], list[Problem]]:
    """Inline ``# openness-policy: ignore RULE reason="..." expires=YYYY-MM-DD`` comments.

    A comment may stand on its own line or after a value. A missing reason still gives a
    Suppression (with reason ``""``): the engine reports it as invalid and does not apply it.
    """
    found: list[Suppression] = []
    problems: list[Problem] = []
    for i, line in enumerate(fm.text.split("\n")):
        m = _SUPPRESS.search(line)
        if m is None:
            continue
        pos = Pos(file, i + 1 + fm.offset, m.start() + 1, "suppression")
        rest = m.group("rest")
        rule = _RULE.match(rest)
        if rule is None or rule.group("rule") in ("reason", "expires"):
            problems.append(Problem("manifest-invalid", "an `openness-policy: ignore` comment names no rule id", pos,
                                    fix='write `# openness-policy: ignore RULE-ID reason="why" expires=YYYY-MM-DD`'))
            continue
        reason = _REASON.search(rest)
        expires = _EXPIRES.search(rest)
        text = "" if reason is None else next(g for g in reason.groups() if g is not None)
        found.append(Suppression(rule.group("rule"), text, pos, expires.group("date") if expires else None))
    return found, problems
