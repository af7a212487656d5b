"""``openness-policy eval``: judge every manifest against the policies and templates."""
from __future__ import annotations

import os
from pathlib import Path

import click

from openness_policy.cli import options
from openness_policy.limits import MAX_FILE_BYTES


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
@click.option("--max-file-size", type=click.IntRange(min=1), default=MAX_FILE_BYTES, show_default=True,
              metavar="BYTES", help="Files larger than this are reported, not read.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when a terminal).")
@click.option("--diff-base", metavar="REF",
              help="Pull-request mode: judge only manifests added or changed since REF (and those whose inputs "
                   "changed), read policy files from REF, and report regressions against REF.")
@click.option("--only-new", is_flag=True,
              help="With --diff-base: report only findings that did not exist at REF (the others are listed as "
                   "suppressed).")
@click.option("--policy-from", type=click.Choice(["base", "head"]), default=None,
              help="With --diff-base: read policy files from REF (base, the default, so a change cannot weaken "
                   "its own policy) or from the working tree (head).")
@click.option("--baseline", "baseline_file", metavar="FILE",
              help="Accepted findings (a file from --write-baseline): matching findings are listed as suppressed.")
@click.option("--write-baseline", metavar="FILE",
              help="Write every current finding (plus those still matched by --baseline) to FILE as accepted; "
                   "the run then exits 0.")
@click.option("--jobs", "-j", default="auto", metavar="N|auto", callback=lambda c, p, v: _jobs(v),
              help="Worker processes for a full run: auto (the default: one per CPU when there are enough "
                   "files) or a number; 1 judges in this process only. The output is the same either way. A "
                   "worker that dies (killed by the system, say) stops the run with exit code 2.")
@click.option("--sarif-max-results", type=click.IntRange(min=0), default=0, metavar="N",
              help="SARIF outputs list at most N results, the most severe first (0, the default: all); the run "
                   "notes how many were left out. GitHub code scanning rejects more than 25,000 per run.")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when findings reach --fail-on (usage and configuration errors still exit 2).")
def eval_command(paths, policies, templates, formats, outputs, fail_on, today, max_file_size, color, diff_base,
                 only_new, policy_from, baseline_file, write_baseline, jobs, sarif_max_results, exit_zero) -> int:
    """Check manifests in PATHS (default: the current directory) against policies.

    Directories are walked like a repository (honouring .gitignore in a git work tree). With no
    policy file and no --template, every manifest is still checked (readable, schema-valid, licence
    known) and each model's openness level is reported as a note.
    """
    if not diff_base and (only_new or policy_from):
        raise click.UsageError(f"{'--only-new' if only_new else '--policy-from'} needs --diff-base REF")
    if diff_base and write_baseline:
        raise click.UsageError("--write-baseline needs a full run: drop --diff-base so every manifest is judged")
    # git works while the rest loads (see openness_policy.git.early): pull-request mode's first commands,
    # or a full run's listing of the folders to check (a run over files alone needs no git)
    where, git_start, git_listing = list(paths) or ["."], None, None
    if diff_base or any(os.path.isdir(p) for p in where):
        from openness_policy.discover import find_root
        from openness_policy.git import early

        root = find_root(Path.cwd())
        if diff_base:
            git_start = early.GitStart(diff_base, root, where)
        else:
            git_listing = (root, early.start_listing(root, where, untracked_known=False))
    from openness_policy.cli.outputs import plan, write
    from openness_policy.engine import Options, run
    from openness_policy.plugins import load_registry

    registry = load_registry()
    plan_ = plan(formats, outputs, registry.reporters)
    opts = Options(paths=where, policies=list(policies), templates=list(templates),
                   fail_on=fail_on, today=today, max_bytes=max_file_size, diff_base=diff_base, only_new=only_new,
                   policy_from=policy_from or "base", baseline=baseline_file, write_baseline=write_baseline,
                   jobs=jobs, sarif_max_results=sarif_max_results, git_start=git_start,
                   git_listing=git_listing)
    from openness_policy import streaming

    if streaming.streamable(opts, [o.format for o in plan_], registry.reporters):  # SARIF only: streamed
        summary = streaming.run(opts, registry, Path.cwd(), [o.file for o in plan_])
        _left_out(plan_, summary.findings, sarif_max_results)
        return 1 if summary.failing and not exit_zero else 0
    report = run(opts, registry, Path.cwd())
    write(plan_, report, registry.reporters, color, {"max_results": sarif_max_results} if sarif_max_results else {})
    _left_out(plan_, len(report.findings), sarif_max_results)
    return 1 if report.failing() and not exit_zero else 0


def _left_out(plan_: list, results: int, limit: int) -> None:
    """Say on standard error when SARIF outputs were cut to ``--sarif-max-results``."""
    if 0 < limit < results and any(o.format == "sarif" for o in plan_):
        from openness_policy.reporters.sarif_limit import message

        click.echo(f"note: {message(results, limit)}", err=True)


def _jobs(value: str) -> int | None:
    if value == "auto":
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise click.BadParameter(f"'{value}' is not a number of worker processes; use auto or 1, 2, ...")
    return n
