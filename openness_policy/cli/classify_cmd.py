"""``openness-policy classify``: each model's openness level, MOF class, OSAID status and licence."""
from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("classify")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def classify_command(paths, fmt) -> int:
    """Show the verdicts for every model in PATHS, with the evidence behind them.

    Exits 2 when any input could not be read (what could be read is still shown).
    """
    from openness_policy.engine import Options, run
    from openness_policy.plugins import load_registry
    from openness_policy.reporters.common import model_to_dict

    registry = load_registry()
    report = run(Options(paths=list(paths) or ["."], no_default_policy=True), registry, Path.cwd())
    if fmt == "json":
        doc = {"models": [model_to_dict(m) for m in report.models]}
        click.echo(json.dumps(doc, indent=2, sort_keys=False))
    else:
        from openness_policy.cli.classify_text import render

        click.echo(render(report), nl=False)
    unreadable = [m for m in report.models
                  if any(p.rule in ("manifest-unreadable", "path-unsafe") for p in m.record.problems)]
    for m in unreadable:  # name the file and line, and what to do
        p = next(p for p in m.record.problems if p.rule in ("manifest-unreadable", "path-unsafe"))
        click.echo(f"error: {p.pos}: {p.message}" + (f" ({p.fix})" if p.fix else ""), err=True)
    return 2 if unreadable else 0
