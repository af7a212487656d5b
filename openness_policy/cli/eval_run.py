"""The work of ``openness-policy eval``, free of click so that a plain command line never imports it
(:mod:`openness_policy.cli.fast_eval`); ``eval_cmd`` holds the click command around it."""
from __future__ import annotations

import os
from pathlib import Path

# Up to this many files named on the command line (a pre-commit hook, an editor), outside pull-request
# mode, the collector stays paused for the whole run (cli._pause_gc): the start-up it saves collecting is
# most of such a run, and what little garbage a few files leave lives only until the process ends.
FEW_FILES = 64


def _few_files(paths: tuple[str, ...]) -> bool:
    return 0 < len(paths) <= FEW_FILES and all(os.path.isfile(p) for p in paths)


def run_eval(paths, policies, templates, formats, outputs, fail_on, today, max_file_size, color, diff_base,
             only_new, policy_from, baseline_file, write_baseline, jobs, exit_zero) -> int:
    from openness_policy.cli.outputs import plan, write
    from openness_policy.engine import Options, run
    from openness_policy.plugins import load_registry

    if not diff_base and (only_new or policy_from):
        import click

        raise click.UsageError(f"{'--only-new' if only_new else '--policy-from'} needs --diff-base REF")
    if diff_base and write_baseline:
        import click

        raise click.UsageError("--write-baseline needs a full run: drop --diff-base so every manifest is judged")
    registry = load_registry()
    if diff_base or not _few_files(paths):
        from openness_policy.cli import resume_gc

        resume_gc()  # the modules are imported: the collector resumes (cli._pause_gc) before files are judged
    plan_ = plan(formats, outputs, registry.reporters)
    opts = Options(paths=list(paths) or ["."], policies=list(policies), templates=list(templates),
                   fail_on=fail_on, today=today, max_bytes=max_file_size, diff_base=diff_base, only_new=only_new,
                   policy_from=policy_from or "base", baseline=baseline_file, write_baseline=write_baseline,
                   jobs=jobs)
    from openness_policy import streaming

    if streaming.streamable(opts, [o.format for o in plan_], registry.reporters):  # SARIF only: streamed
        summary = streaming.run(opts, registry, Path.cwd(), [o.file for o in plan_])
        return 1 if summary.failing and not exit_zero else 0
    report = run(opts, registry, Path.cwd())
    write(plan_, report, registry.reporters, color)
    return 1 if report.failing() and not exit_zero else 0
