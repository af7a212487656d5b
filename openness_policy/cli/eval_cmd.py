"""``openness-policy eval``: judge every manifest against the policies and templates."""
from __future__ import annotations

from pathlib import Path

import click

from openness_policy.cli import options


@click.command("eval")
@click.argument("paths", nargs=-1, type=click.Path())
@options.policy
@options.template
@click.option("--format", "formats", multiple=True, metavar="NAME",
              help="Output format for standard output: text (default), json, sarif, markdown, github, or a plugin's.")
@click.option("--output", "outputs", multiple=True, metavar="FILE|NAME=FILE",
              help="Write the --format output to FILE, or add an output: --output sarif=results.sarif (repeatable).")
@options.fail_on
@options.today
@click.option("--max-file-size", type=click.IntRange(min=1), default=10 * 1024 * 1024, show_default=True,
              metavar="BYTES", help="Files larger than this are reported, not read.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when a terminal).")
def eval_command(paths, policies, templates, formats, outputs, fail_on, today, max_file_size, color) -> int:
    """Check manifests in PATHS (default: the current directory) against policies.

    Directories are walked like a repository (honouring .gitignore in a git work tree). With no
    policy file and no --template, every manifest is still checked (readable, schema-valid, licence
    known) and each model's openness level is reported as a note.
    """
    from openness_policy.cli.outputs import plan, write
    from openness_policy.engine import Options, run
    from openness_policy.plugins import load_registry

    registry = load_registry()
    plan_ = plan(formats, outputs, registry.reporters)
    opts = Options(paths=list(paths) or ["."], policies=list(policies), templates=list(templates),
                   fail_on=fail_on, today=today, max_bytes=max_file_size)
    report = run(opts, registry, Path.cwd())
    write(plan_, report, registry.reporters, color)
    return 1 if report.failing() else 0
