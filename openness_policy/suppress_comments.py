"""Inline suppressions written as comments, one mechanism for every text-based manifest format.

A line of the form::

    # openness-policy: ignore RULE-ID reason="why it is acceptable" expires=YYYY-MM-DD

(or ``<!-- openness-policy: ignore ... -->`` in the Markdown body of a model card) anywhere in a
manifest file suppresses ``RULE-ID`` for every model the file describes. The comment may stand on
its own line or follow a value (``license: other  # openness-policy: ignore ...``). ``reason`` is
required and ``expires`` optional; the engine reports a suppression without a reason, or with a bad
or past expiry date, and does not apply it (fail closed). A comment that names no rule, or that
carries something we do not understand, is a ``suppression-invalid`` finding at its line.

JSON has no comments, so this never matches a valid JSON manifest; formats may offer an extension
key as well (the native format's ``suppressions:``), and both kinds add to ``record.suppressions``.
"""
from __future__ import annotations

import re

from openness_policy.record import ModelRecord, Problem, Suppression
from openness_policy.sourcemap import Pos

MARK = "openness-policy"
_LINE = re.compile(
    r"(?:^|(?<=[ \t]))(?P<open>#|<!--)[ \t]*openness-policy[ \t]*:[ \t]*ignore\b(?P<rest>[^\n]*?)[ \t\r]*$", re.M)
_RULE = re.compile(r"[ \t]*(?P<rule>[A-Za-z0-9][\w.:/\-]*)(?=[ \t]|$)")
_ATTR = re.compile(r"""[ \t]*(?P<name>[A-Za-z_]+)[ \t]*=[ \t]*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"']+))""")
USAGE = '# openness-policy: ignore RULE-ID reason="why" expires=YYYY-MM-DD'


def scan(text: str, display: str) -> tuple[list[Suppression], list[Problem]]:
    """Every suppression comment in ``text``, and a problem for each malformed one."""
    if MARK not in text:  # the common case costs one substring search
        return [], []
    found: list[Suppression] = []
    problems: list[Problem] = []
    for m in _LINE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        rest = m.group("rest")
        if m.group("open") == "<!--":
            rest = rest[:-3] if rest.endswith("-->") else rest
        sup, problem = _parse(rest.strip(), Pos(display, line, col))
        if sup is not None:
            found.append(sup)
        if problem is not None:
            problems.append(problem)
    return found, problems


def _parse(rest: str, pos: Pos) -> tuple[Suppression | None, Problem | None]:
    rule = _RULE.match(rest)
    if rule is None or rule.group("rule") in ("reason", "expires"):
        return None, _problem(pos, "an `openness-policy: ignore` comment names no rule id")
    attrs: dict[str, str] = {}
    tail = rest[rule.end():]
    while tail.strip():
        a = _ATTR.match(tail)
        if a is None:
            return None, _problem(pos, f"cannot read `{tail.strip()}` in the suppression of '{rule.group('rule')}'")
        name = a.group("name")
        if name not in ("reason", "expires") or name in attrs:
            return None, _problem(pos, f"unexpected `{name}=` in the suppression of '{rule.group('rule')}'")
        attrs[name] = next(g for g in (a.group("dq"), a.group("sq"), a.group("bare")) if g is not None)
        tail = tail[a.end():]
    return Suppression(rule.group("rule"), attrs.get("reason", ""), pos, attrs.get("expires")), None


def _problem(pos: Pos, message: str) -> Problem:
    return Problem("suppression-invalid", f"{message}, so it does not apply", pos, "error", f"write `{USAGE}`")


def attach(records: list[ModelRecord], text: str, display: str) -> None:
    """Add the file's comment suppressions to each of its records (problems to the first only).

    A suppression the format plugin already read at the same line is not added twice.
    """
    sups, problems = scan(text, display)
    if not records or not (sups or problems):
        return
    for rec in records:
        have = {(s.rule, s.pos.line) for s in rec.suppressions}
        rec.suppressions.extend(s for s in sups if (s.rule, s.pos.line) not in have)
    first = records[0]
    lines = {p.pos.line for p in first.problems}
    first.problems.extend(p for p in problems if p.pos.line not in lines)
