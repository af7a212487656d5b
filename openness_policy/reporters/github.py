"""GitHub Actions workflow-command annotations, for repositories without code scanning.

Each live finding becomes ``::error file=…,line=…,col=…,title=…::message`` (``note`` maps to
``::notice``). GitHub shows at most 10 error, 10 warning and 10 notice annotations per step (and 50 per
job), so we emit the most severe first, at most ``limit`` per kind, and end with a plain log line saying
how many were left out. That line is not a command on purpose: a command would count against the cap
and could itself be dropped. Pair this with the ``markdown`` reporter written to ``$GITHUB_STEP_SUMMARY``
for the full list. Suppressed findings are never annotated.
"""
from __future__ import annotations

from typing import Callable

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter
from openness_policy.reporters.common import TOOL_NAME, by_severity, level_of, line_col, plural, summary_line

COMMAND = {"error": "error", "warning": "warning", "note": "notice"}
PER_STEP = 10  # GitHub's cap per annotation kind per step


def escape_data(text: str) -> str:
    """Escape a command's message the way the Actions runner unescapes it."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title): data escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    props = [
        f"file={escape_property(f.pos.file)}",
        f"line={line_col(f.pos)[0]}",
        f"col={line_col(f.pos)[1]}",
        f"title={escape_property(f'{f.rule.id}: {f.rule.title}' if f.rule.title else f.rule.id)}",
    ]
    return f"::{COMMAND[level_of(f)]} {','.join(props)}::{escape_data(f.message)}"


def render(report: Report, *, limit: int = PER_STEP) -> str:
    shown: list[str] = []
    left_out = {"error": 0, "warning": 0, "note": 0}
    used = {"error": 0, "warning": 0, "note": 0}
    for f in by_severity(report.findings):
        level = level_of(f)
        if used[level] < limit:
            used[level] += 1
            shown.append(annotation(f))
        else:
            left_out[level] += 1
    lines = [*shown, f"{TOOL_NAME}: {summary_line(report)}"]
    lines += [f"{TOOL_NAME}: notice: {escape_data(n)}" for n in report.notices]
    total = sum(left_out.values())
    if total:
        parts = ", ".join(plural(n, lvl) for lvl, n in left_out.items() if n)
        lines.append(f"{TOOL_NAME}: {plural(total, 'finding')} not annotated ({parts}); GitHub shows at most "
                     f"{limit} annotations of each kind per step. See the job summary or the SARIF/JSON report.")
    return "\n".join(lines) + "\n"


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="github", description="GitHub Actions annotations (10 per kind per step, most severe first).",
                      render=render))
