"""Writing one report in several formats: one to standard output, the others to files."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from openness_policy.errors import UserError
from openness_policy.output_file import replacing


@dataclass(frozen=True)
class Output:
    """One output: a format and its file."""

    format: str
    file: str | None  # None = standard output


def plan(formats: tuple[str, ...], outputs: tuple[str, ...], known: dict[str, Any]) -> list[Output]:
    """``--format NAME`` (stdout, or the file of a plain ``--output FILE``) plus ``--output NAME=FILE`` extras."""
    plain = [o for o in outputs if "=" not in o or Path(o).exists()]
    extra = [o for o in outputs if o not in plain]
    fmts = list(formats) or ["text"]
    if len(plain) > len(fmts):
        raise UserError("more --output FILE than --format NAME; write extra outputs as --output NAME=FILE")
    result = [Output(f, plain[i] if i < len(plain) and plain[i] != "-" else None) for i, f in enumerate(fmts)]
    for item in extra:
        name, _, file = item.partition("=")
        result.append(Output(name, None if file == "-" else file))
    if sum(o.file is None for o in result) > 1:
        raise UserError("only one output can go to standard output; give the others a file (--output NAME=FILE)")
    for o in result:
        if o.format not in known:
            raise UserError(f"unknown output format '{o.format}'; known: {', '.join(sorted(known))}")
    return result


def write(outputs: list[Output], report: Any, reporters: dict[str, Any], color: bool | None,
          options: dict[str, Any] | None = None) -> None:
    """Render and write each output. ``options``: keyword arguments for the reporters whose ``render``
    takes them (e.g. ``max_results`` for SARIF); the others are not given them."""
    for o in outputs:
        reporter = reporters[o.format]
        if o.file is None:
            use_color = sys.stdout.isatty() if color is None else color
            text = _render(reporter, report, use_color, options or {})
            click.echo(text, nl=not text.endswith("\n"))
        else:
            text = _render(reporter, report, False, options or {})
            try:
                Path(o.file).parent.mkdir(parents=True, exist_ok=True)
                with replacing(o.file) as out:
                    out.write(text if text.endswith("\n") else text + "\n")
            except OSError as exc:
                raise UserError(f"{o.file}: cannot write output: {exc.strerror}") from None


def _render(reporter: Any, report: Any, color: bool, options: dict[str, Any]) -> str:
    kwargs = {k: v for k, v in options.items() if _takes(reporter.render, k)}
    if color:
        try:
            return reporter.render(report, color=True, **kwargs)
        except TypeError:
            pass
    return reporter.render(report, **kwargs)


def _takes(render: Any, name: str) -> bool:
    import inspect

    try:
        params = inspect.signature(render).parameters
    except (TypeError, ValueError):
        return False
    p = params.get(name)
    return p is not None and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
