"""Markdown for GitHub job summaries (``$GITHUB_STEP_SUMMARY``) and pull-request comments.

A heading with the verdict, a table of counts, a table of live findings (most severe first, so a
size cap drops notes before errors), the suppressed findings in a
``<details>`` block, and a verdict table per model. Every table cell is escaped (``|``, line breaks,
HTML and Markdown emphasis characters). GitHub accepts at most 1 MiB per step summary, so the output
stays under ``max_bytes`` (512 KiB by default): rows that do not fit are left out with a note saying how
many, and the rest of the document is still closed properly.
"""
from __future__ import annotations

import html
from typing import Callable

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter
from openness_policy.reporters.common import (
    TOOL_NAME, by_severity, counts, level_of, line_col, plural, safe_path, sorted_models, split_suppression,
    summary_line, verdict_texts,
)

MAX_BYTES = 512 * 1024  # well under GitHub's 1 MiB step-summary limit
LEVEL_LABEL = {"error": "❌ error", "warning": "⚠️ warning", "note": "ℹ️ note"}
_MD_SPECIALS = "\\`*_[]|~"


def escape_cell(text: object) -> str:
    """Text safe inside a table cell: HTML-escaped, Markdown specials backslashed, breaks as ``<br>``."""
    out = html.escape(str(text), quote=False)
    for ch in _MD_SPECIALS:
        out = out.replace(ch, "\\" + ch)
    return "<br>".join(out.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _where(f: Finding) -> str:
    return escape_cell(f"{safe_path(f.pos.file)}:{line_col(f.pos)[0]}")


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, text: str) -> bool:
        size = len(text.encode("utf-8")) + 1
        if size > self.left:
            return False
        self.left -= size
        return True


def _table(header: list[str], rows: list[list[str]], budget: _Budget, what: str) -> list[str]:
    lines = [_row(header), _row(["---"] * len(header))]
    for cells in rows:
        line = _row(cells)
        if not budget.take(line):
            dropped = len(rows) - (len(lines) - 2)
            lines.append("")
            lines.append(f"*{plural(dropped, what)} not shown: the summary is capped to stay under GitHub's "
                         f"1 MiB step-summary limit. See the SARIF or JSON report for the full list.*")
            break
        lines.append(line)
    return lines


def render(report: Report, *, max_bytes: int = MAX_BYTES) -> str:
    budget = _Budget(max_bytes - 4096)  # room for headings, notes and closing tags
    c = counts(report)
    failing = report.failing()
    status = (f"❌ {plural(len(failing), 'finding')} at or above `{report.fail_on}`" if failing
              else f"✅ nothing at or above `{report.fail_on}`")
    out = [f"## {TOOL_NAME}: {escape_cell(summary_line(report))}", "", status, "",
           _row(["Errors", "Warnings", "Notes", "Suppressed", "Models", "Files"]),
           _row(["---:"] * 6),
           _row([str(c["error"]), str(c["warning"]), str(c["note"]), str(len(report.suppressed)),
                 str(len(report.models)), str(report.files)]), ""]
    if report.findings:
        rows = [[LEVEL_LABEL[level_of(f)], escape_cell(f.rule.id), escape_cell(f.model or "—"), _where(f),
                 escape_cell(f.message)] for f in by_severity(report.findings)]
        out += ["### Findings", "", *_table(["Level", "Rule", "Model", "Location", "Message"], rows, budget,
                                             "finding"), ""]
    if report.suppressed:
        rows = []
        for f in by_severity(report.suppressed):
            who, reason = split_suppression(f.suppressed_by)
            rows.append([LEVEL_LABEL[level_of(f)], escape_cell(f.rule.id), escape_cell(f.model or "—"), _where(f),
                         escape_cell(f.message), escape_cell(who or "—"), escape_cell(reason or "—")])
        out += [f"<details><summary>Suppressed findings ({len(report.suppressed)})</summary>", "",
                *_table(["Level", "Rule", "Model", "Location", "Message", "Suppressed by", "Reason"], rows,
                        budget, "suppressed finding"), "", "</details>", ""]
    if report.models:
        rows = []
        for m in sorted_models(report.models):
            verdict = verdict_texts(m) or ("—", "—", "—")
            rows.append([escape_cell(m.record.display_name), escape_cell(safe_path(m.record.path)),
                         *(escape_cell(v) for v in verdict)])
        out += ["### Models", "", *_table(["Model", "Manifest", "Openness level", "MOF class", "OSAID"], rows,
                                           budget, "model"), ""]
    if report.notices:
        notes = [f"- {escape_cell(n)}" for n in report.notices]
        kept: list[str] = []
        for note in notes:
            if not budget.take(note):
                break
            kept.append(note)
        if len(kept) < len(notes):
            kept.append(f"- *{plural(len(notes) - len(kept), 'notice')} not shown (size cap).*")
        out += ["### Notices", "", *kept, ""]
    return "\n".join(out)


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="markdown", description="Markdown for GitHub job summaries (size-capped).",
                      render=render))
