"""Plain-text report for terminals and logs.

One line per finding, ``file:line:col  LEVEL  RULE-ID  message``, grouped under a header per model,
then the suppressed findings (who suppressed them and why), a summary line and the run notices.

Colour: ``render(report)`` (what the registry's ``Reporter.render`` calls) never colours. The CLI
decides once whether to colour — stdout is a TTY, ``NO_COLOR`` unset, no ``--no-color`` — and then calls
``render_color(report)`` (same text, styled with ``click.style``) instead of ``reporter.render``.
``render(report, color=True)`` is the same thing. ``quiet=True`` leaves out models without findings.
"""
from __future__ import annotations

from typing import Any, Callable

from openness_policy.findings import Finding, Report
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Reporter
from openness_policy.reporters.common import (
    level_of, model_key, one_line, ordered, safe_path, sorted_models, split_suppression, summary_line,
    verdict_texts, where,
)

_STYLES = {
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow", "bold": True},
    "note": {"fg": "cyan"},
    "header": {"bold": True},
    "dim": {"dim": True},
}

Style = Callable[[str, str], str]


def _plain(text: str, _style: str) -> str:
    return text


def _click_style(text: str, style: str) -> str:
    import click

    return click.style(text, **_STYLES[style])


def _finding_lines(f: Finding, style: Style) -> list[str]:
    level = level_of(f)
    head, *rest = str(f.message).splitlines() or [""]
    lines = [f"{where(f.pos)}  {style(level.upper().ljust(7), level)}  {f.rule.id}  {head}"]
    lines += [f"    {line}" for line in rest]
    fix = f.properties.get("fix")
    if fix:
        lines.append(style(f"    fix: {one_line(fix)}", "dim"))
    return lines


def _header(name: str, path: str, verdict: tuple[str, str, str] | None, clean: bool, style: Style) -> str:
    text = f"{one_line(name)} ({safe_path(path)})" if name != path else safe_path(path)
    if verdict is not None:
        level, mof, osaid = verdict
        text += f" — openness: {level} · MOF: {mof} · OSAID: {osaid}"
    if clean:
        text += " — no findings"
    return style(f"== {text}", "header")


def _groups(report: Report) -> list[tuple[str, str, Any, list[Finding]]]:
    """(model name, manifest path, verdict, findings) per model, then per file for unmatched findings."""
    by_manifest: dict[str, list[Finding]] = {}
    for f in ordered(report.findings):
        by_manifest.setdefault(f.manifest, []).append(f)
    groups: list[tuple[str, str, Any, list[Finding]]] = []
    claimed: set[int] = set()
    for result in sorted_models(report.models):
        path, name = model_key(result.record)
        mine = [f for f in by_manifest.get(path, ()) if id(f) not in claimed and f.model in (None, name)]
        claimed.update(id(f) for f in mine)
        groups.append((name, path, verdict_texts(result), mine))
    rest: dict[tuple[str, str], list[Finding]] = {}
    for found in by_manifest.values():
        for f in found:
            if id(f) not in claimed:
                rest.setdefault((f.manifest, f.model or f.manifest), []).append(f)
    for (path, name), found in sorted(rest.items()):
        groups.append((name, path, None, found))
    return groups


def render(report: Report, *, color: bool = False, quiet: bool = False) -> str:
    style: Style = _click_style if color else _plain
    out: list[str] = []
    for name, path, verdict, found in _groups(report):
        if quiet and not found:
            continue
        out.append(_header(name, path, verdict, not found, style))
        for f in found:
            out.extend(_finding_lines(f, style))
        out.append("")
    if report.suppressed:
        out.append(style(f"Suppressed ({len(report.suppressed)}):", "header"))
        for f in ordered(report.suppressed):
            out.extend(_finding_lines(f, style))
            who, reason = split_suppression(f.suppressed_by)
            out.append(style(f"    suppressed by {who or 'unknown'}" + (f": {one_line(reason)}" if reason else ""), "dim"))
        out.append("")
    out.append(summary_line(report))
    out.extend(f"notice: {one_line(n)}" for n in report.notices)
    return "\n".join(out) + "\n"


def render_color(report: Report) -> str:
    """The text report styled for a terminal (the CLI calls this when it decided to colour)."""
    return render(report, color=True)


@hookimpl
def register_reporters(register: Callable) -> None:
    register(Reporter(name="text", description="Human-readable lines grouped per model (default).", render=render))
