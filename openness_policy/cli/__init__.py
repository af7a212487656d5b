"""Command-line interface: ``openness-policy COMMAND``.

Each command module holds one command (or a small group) whose work happens in a plain function
that returns an exit code, so it can be tested without the CLI. The click group lives in
:mod:`openness_policy.cli.group`; a plain ``eval`` command line is parsed without importing click at
all (:mod:`openness_policy.cli.fast_eval`), with the same result and the same errors.
"""
from __future__ import annotations

import sys
from typing import Any

from openness_policy import __version__


def __getattr__(name: str) -> Any:  # ``from openness_policy.cli import cli`` still works, importing click then
    if name in ("cli", "_Group", "_register", "LAZY_COMMANDS"):
        from openness_policy.cli import group

        return getattr(group, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user for bad input."""
    from openness_policy.errors import UserError

    try:
        rv = _run(argv)
    except UserError as exc:
        _echo_error(f"error: {exc}")
        return 2
    except BrokenPipeError:
        return 2
    except Exception as exc:  # noqa: BLE001 - click's own exceptions, then the last line of defence
        import click

        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        if isinstance(exc, click.ClickException):
            exc.show()
            return 2
        if isinstance(exc, click.exceptions.Abort):
            click.echo("Aborted.", err=True)
            return 2
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   f"This is a bug in openness-policy {__version__}; please report it with the command you ran.",
                   err=True)
        if "--debug" in (argv if argv is not None else sys.argv):
            raise
        return 2
    return rv if isinstance(rv, int) else 0


def _run(argv: list[str] | None) -> Any:
    """``eval`` with a plain command line directly, anything else through click."""
    import os

    from openness_policy.cli import fast_eval

    args = sys.argv[1:] if argv is None else list(argv)
    params = None if argv is None and os.name == "nt" else fast_eval.parse(args)  # click expands globs there
    if params is None:
        from openness_policy.cli.group import cli

        return cli.main(args=argv, prog_name="openness-policy", standalone_mode=False)
    from openness_policy.cli.eval_run import run_eval

    if argv is None:  # the program itself, not a caller in the same process
        _pause_gc()
    try:
        return run_eval(**params)
    except (EOFError, KeyboardInterrupt) as exc:  # what click's main does with these, for the same exit
        import click

        click.echo(file=sys.stderr)
        raise click.exceptions.Abort() from exc
    except OSError as exc:
        import errno

        if exc.errno != errno.EPIPE:
            raise
        import click.utils

        wrapper = getattr(click.utils, "_PacifyFlushWrapper", None)
        if wrapper is not None:
            sys.stdout, sys.stderr = wrapper(sys.stdout), wrapper(sys.stderr)
        sys.exit(1)
    finally:
        resume_gc()


_PAUSED: list[bool] = []


def _pause_gc() -> None:
    """Start-up creates ~100,000 objects that live as long as the process (modules, functions,
    classes): the cyclic collector would scan them dozens of times over for nothing, ~5 ms of a
    one-file run. It pauses until :func:`resume_gc`."""
    import gc

    if gc.isenabled():
        gc.disable()
        _PAUSED.append(True)


def resume_gc() -> None:
    """Start-up is over: what it created is frozen (never scanned again) and collection resumes,
    so a long run's memory stays what it was. Does nothing unless :func:`_pause_gc` paused it."""
    if _PAUSED:
        import gc

        _PAUSED.clear()
        gc.freeze()
        gc.enable()


def _echo_error(text: str) -> None:
    import click

    click.echo(text, err=True)
