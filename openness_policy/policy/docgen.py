"""Markdown documentation of a loaded policy: rules with severity, dates, citations, help and scope.

Pure: a :class:`Policy` (plus the requirement kinds' descriptions) in, Markdown text out.
"""
from __future__ import annotations

from typing import Any

from openness_policy.policy.model import Policy, Rule, Scope

COMBINATORS = ("all", "any", "not")


def flow(value: Any) -> str:
    """A requirement value written as compact YAML flow text (what a policy author would type)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, float) and value >= 1e6:
        return f"{value:.6g}"
    return str(value)


def kinds_used(req: Any, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    if isinstance(req, dict) and len(req) == 1:
        (kind, value), = req.items()
        if kind in ("all", "any"):
            for sub in value:
                kinds_used(sub, out)
        elif kind == "not":
            kinds_used(value, out)
        else:
            out.add(kind)
    return out


def scope_text(scope: Scope) -> str:
    parts = [f"label `{k}` is {' or '.join(f'`{v}`' for v in vals)}" for k, vals in scope.labels.items()]
    parts += [f"path matches {', '.join(f'`{p}`' for p in scope.paths)}"] if scope.paths else []
    parts += [f"format is {', '.join(f'`{f}`' for f in scope.formats)}"] if scope.formats else []
    parts += [f"model name matches {', '.join(f'`{m}`' for m in scope.models)}"] if scope.models else []
    return "; ".join(parts) if parts else "every model"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_rule(rule: Rule, severity: str, references: list[str]) -> list[str]:
    info = rule.info
    refs = list(dict.fromkeys(([info.help_uri] if info.help_uri else []) + list(references)))
    lines = [f'<a id="{info.id}"></a>', f"### `{info.id}`", "", f"**{info.title}**", ""]
    meta = [f"Severity: **{severity}**"]
    if info.effective:
        meta.append(f"in force from **{info.effective}** (a note before then)")
    meta.append(f"source: `{info.source}`")
    lines += [" · ".join(meta), "", info.description, "", f"**What to do.** {info.help}", ""]
    applies = f"**Applies to:** {scope_text(rule.scope)}"
    if rule.when is not None:
        applies += f", when `{flow(rule.when)}` holds"
    lines += [applies + ".", "", f"**Reports a finding unless** `{flow(rule.require)}` holds.", ""]
    if refs:
        lines += ["**References:** " + ", ".join(f"<{u}>" for u in refs), ""]
    return lines


def render(policy: Policy, kinds: dict[str, Any], title: str, description: str = "",
           references: dict[str, list[str]] | None = None) -> str:
    """The whole policy as Markdown; ``references`` maps rule ids to all their citation URLs."""
    references = references or {}
    lines = [f"# {title}", ""]
    if description:
        lines += [description.strip(), ""]
    if len(policy.files) > 1:
        lines += ["Built from, in order: " + ", ".join(f"`{f}`" for f in policy.files) + ".", ""]
    lines += [f"{len(policy.rules)} rules. Severities can be changed per rule with `settings.severity` in a policy "
              "that extends this one; a rule with an *in force from* date reports notes before that date "
              "(`--today` sets the date).", "",
              "| Rule | Severity | In force from | Title |", "|---|---|---|---|"]
    for rule in policy.rules:
        sev = policy.severity.get(rule.info.id, rule.info.level)
        lines.append(f"| [`{rule.info.id}`](#{rule.info.id}) | {sev} | {rule.info.effective or ''} | "
                     f"{_cell(rule.info.title)} |")
    lines += ["", "## Rules", ""]
    for rule in policy.rules:
        lines += render_rule(rule, policy.severity.get(rule.info.id, rule.info.level), references.get(rule.info.id, []))
    used = sorted({k for r in policy.rules for req in (r.require, r.when) if req is not None for k in kinds_used(req)})
    if used:
        lines += ["## Requirement kinds used", "", "| Kind | Holds when |", "|---|---|"]
        lines += [f"| `{k}` | {_cell(kinds[k].description) if k in kinds else '(not registered)'} |" for k in used]
        lines.append("")
    if policy.waivers:
        lines += ["## Exceptions", "", "| Rule | Applies to | Expires | Reason |", "|---|---|---|---|"]
        lines += [f"| `{w.rule}` | {scope_text(w.scope)} | {w.expires or '—'} | {_cell(w.reason or w.problem)} |"
                  for w in policy.waivers]
        lines.append("")
    if policy.licenses:
        lines += ["## Organisation licences", ""]
        lines += [f"- `{r.id}`: {r.name}" + (" (overrides a built-in licence)" if r.id in policy.license_overrides else "")
                  for r in policy.licenses]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
