"""Options shared by several commands."""
from __future__ import annotations

import click

fail_on = click.option("--fail-on", type=click.Choice(["error", "warning", "note", "none"]), default="error",
                       show_default=True, help="Lowest finding level that makes the exit code 1.")
policy = click.option("--policy", "policies", multiple=True, metavar="FILE",
                      help="Policy file (repeatable). Default: the nearest .openness-policy.yaml from the current folder up to the repository root.")
template = click.option("--template", "templates", multiple=True, metavar="NAME",
                        help="Built-in template to check against (repeatable), e.g. osaid-1.0; no policy file needed.")
today = click.option("--today", metavar="YYYY-MM-DD", callback=lambda c, p, v: _date(v),
                     help="Evaluate as of this date (default: today); duties not yet in force are notes.")


def _date(value: str | None) -> str | None:
    if value is None:
        return None
    import datetime as dt

    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None
