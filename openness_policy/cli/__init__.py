"""Command-line interface: ``openness-policy COMMAND``.

Each command module holds one command (or a small group) whose work happens in a plain function
that returns an exit code, so it can be tested without the CLI.
"""
from __future__ import annotations

import sys

import click

from openness_policy import __version__


# Subcommands, most used first: name -> (module, attribute). A module is imported only when its
# command runs (or help lists it), so a one-file `eval` does not pay for the others' imports.
LAZY_COMMANDS = {
    "eval": ("openness_policy.cli.eval_cmd", "eval_command"),
    "classify": ("openness_policy.cli.classify_cmd", "classify_command"),
    "validate": ("openness_policy.cli.policy_cmds", "validate_command"),
    "init": ("openness_policy.cli.policy_cmds", "init_command"),
    "plugins": ("openness_policy.cli.info_cmds", "plugins_command"),
    "licenses": ("openness_policy.cli.info_cmds", "licenses_group"),
    "templates": ("openness_policy.cli.template_cmds", "templates_group"),
    "test": ("openness_policy.cli.template_cmds", "test_command"),
    "doc": ("openness_policy.cli.template_cmds", "doc_command"),
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [n for n in LAZY_COMMANDS if self.get_command(ctx, n) is not None]
        return names + [n for n in self.commands if n not in names]  # the order above, then any added later

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            module, attr = LAZY_COMMANDS[cmd_name]
            try:
                self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
            except ModuleNotFoundError as exc:
                if exc.name != module:  # a command module not written yet is skipped; a broken one is not
                    raise
        return self.commands.get(cmd_name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="openness-policy")
def cli() -> None:
    """Check AI model manifests against openness policies and regulatory templates.

    Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it (or a manifest that
    cannot be read); 2 usage, configuration or internal error.
    """


def _register() -> None:
    """Kept for callers that expect every command added: loads them all (``main`` loads them lazily)."""
    ctx = click.Context(cli)
    for name in LAZY_COMMANDS:
        cli.get_command(ctx, name)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; never lets a traceback reach the user for bad input."""
    from openness_policy.errors import UserError

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
