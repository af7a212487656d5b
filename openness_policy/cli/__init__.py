"""Command-line interface: ``openness-policy COMMAND``.

Each command module holds one command (or a small group) whose work happens in a plain function
that returns an exit code, so it can be tested without the CLI.
"""
from __future__ import annotations

import sys

import click

from openness_policy import __version__


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # keep the order they were added in: most used first


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="openness-policy")
def cli() -> None:
    """Check AI model manifests against openness policies and regulatory templates.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (or a manifest that
    cannot be read); 2 usage, configuration or internal error.
    """


def _register() -> None:
    from openness_policy.cli import classify_cmd, eval_cmd, info_cmds, policy_cmds

    cli.add_command(eval_cmd.eval_command)
    cli.add_command(classify_cmd.classify_command)
    cli.add_command(policy_cmds.validate_command)
    cli.add_command(policy_cmds.init_command)
    cli.add_command(info_cmds.plugins_command)
    cli.add_command(info_cmds.licenses_group)
    import importlib.util

    if importlib.util.find_spec("openness_policy.cli.template_cmds") is not None:
        from openness_policy.cli import template_cmds

        template_cmds.register(cli)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user for bad input."""
    from openness_policy.errors import UserError

    _register()
    try:
        rv = cli.main(args=argv, prog_name="openness-policy", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 2
    except UserError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except BrokenPipeError:
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   f"This is a bug in openness-policy {__version__}; please report it with the command you ran.",
                   err=True)
        if "--debug" in (argv if argv is not None else sys.argv):
            raise
        return 2
    return rv if isinstance(rv, int) else 0
