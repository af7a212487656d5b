"""A full run written straight to SARIF files: verdicts are not kept, so memory does not grow with
the repository (``eval --format sarif --output FILE`` over thousands of manifests).

The output is byte for byte what the ``sarif`` reporter writes for the report ``engine.run`` builds
(``tests/test_parallel.py`` compares them); only the counts needed for the exit code are kept.
"""
from __future__ import annotations

import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, ContextManager, Union

Target = Union[IO[str], str, None]  # an open text stream, a file name, or None for standard output

from openness_policy.discover import Candidate
from openness_policy.findings import level_rank


@dataclass
class Summary:
    """What the exit code and a one-line summary need."""

    files: int = 0
    models: int = 0
    failing: int = 0
    findings: int = 0
    suppressed: int = 0
    notices: list[str] = field(default_factory=list)


def streamable(opts: Any, formats: list[str], reporters: dict[str, Any]) -> bool:
    """True for a full run (no pull-request mode, no baseline) whose every output is the built-in SARIF
    reporter's: its ``render`` says it writes what :func:`stream_sarif` writes."""
    if getattr(opts, "diff_base", None) or getattr(opts, "baseline", None) or getattr(opts, "write_baseline", None):
        return False
    return bool(formats) and all(getattr(getattr(reporters.get(f), "render", None), "streamable", False)
                                 for f in formats)


def run(opts: Any, registry: Any, cwd: Path, outputs: list[Target]) -> Summary:
    """``engine.run`` plus the ``sarif`` reporter, for a full run: files are judged ``opts.jobs`` at a time
    (None: :func:`parallel.auto_jobs`), with a progress bar on a terminal."""
    from openness_policy import engine
    from openness_policy.discover import candidates
    from openness_policy.parallel import Judging, auto_jobs
    from openness_policy.progress import Progress

    root = engine.find_root(cwd)
    policy = engine.build_policy(registry, root, opts, cwd)
    catalog = engine.load_catalog(registry, policy)
    found = candidates(opts.paths, root, engine.patterns(engine.ordered_formats(registry)),
                       getattr(opts, "git_listing", None))
    jobs = getattr(opts, "jobs", None) or auto_jobs(len(found))
    with Progress(len(found)) as bar:
        return stream_sarif(found, Judging(root, registry, policy, catalog, opts), outputs, jobs, bar.update)


def _open(target: Target) -> ContextManager[IO[Any]]:
    """A stream for ``target``: bytes (the log is spooled in UTF-8 and copied as it is) unless lines must end
    in something other than ``\n`` here, or standard output is not UTF-8."""
    import os

    binary = os.linesep == "\n"
    if target is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if binary and buffer is not None and (sys.stdout.encoding or "").lower().replace("_", "-") in ("utf-8", "utf8"):
            sys.stdout.flush()
            return nullcontext(buffer)
        return nullcontext(sys.stdout)
    if not isinstance(target, str):
        return nullcontext(target)
    from openness_policy.errors import UserError

    from openness_policy.output_file import replacing

    try:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        return replacing(target, binary=binary)
    except OSError as exc:
        raise UserError(f"{target}: cannot write output: {exc.strerror}") from None


def stream_sarif(found: list[Candidate], j: Any, outputs: list[Target], jobs: int,
                 progress: Callable[[int], None] | None = None, spool_dir: str | Path | None = None) -> Summary:
    """Judge ``found`` and write one SARIF log to each of ``outputs`` (opened only once every file is
    judged, so a failed run leaves no half-written file); ``j`` is a ``parallel.Judging``."""
    from openness_policy.reporters.sarif_stream import Spool

    if jobs <= 1:  # no workers, no segments: this process's spool file (if any) goes in spool_dir
        folder = None if spool_dir is None else str(spool_dir)
        j.stream, j.spool_dir = True, folder
        return _stream(found, j, outputs, jobs, progress, Spool(folder))
    import tempfile

    with tempfile.TemporaryDirectory(prefix="op-spool-", dir=spool_dir) as folder:
        j.stream, j.spool_dir = True, folder
        return _stream(found, j, outputs, jobs, progress, Spool(folder))


def _stream(found: list[Candidate], j: Any, outputs: list[Target], jobs: int,
            progress: Callable[[int], None] | None, spool: Any) -> Summary:
    from openness_policy import __version__
    from openness_policy.cross_lineage import files_to_rejudge
    from openness_policy.parallel import Workers, prepare

    base = prepare(j)
    rules = {r.info.id: r.info for r in j.policy.rules}
    summary = Summary(files=len(found))
    keys = []
    counted: dict[int, tuple[int, int, int, int]] = {}  # file -> (models, failing, suppressed, live findings)
    try:
        with Workers(j, found, jobs) as workers:
            for r in workers.judge(progress):
                for rid, info in r.rules.items():
                    if info is not None:
                        rules.setdefault(rid, info)
                if r.segment:
                    spool.add_segment(r.segment)
                if r.sarif is not None:
                    spool.add(r.display, r.sarif)
                keys.extend(r.lineage)
                counted[r.index] = _counts(r)
            for r in workers.rejudge(files_to_rejudge(keys)):  # cross-file lineage
                rules.update({rid: info for rid, info in r.rules.items() if rid not in rules and info is not None})
                spool.replace(r.display, r.sarif)
                counted[r.index] = _counts(r)
        threshold = level_rank(j.opts.fail_on)
        for f in base.findings:
            rules.setdefault(f.rule.id, f.rule)
            summary.failing += j.opts.fail_on != "none" and level_rank(f.level) >= threshold
        for f in base.suppressed:
            rules.setdefault(f.rule.id, f.rule)
        summary.models = sum(c[0] for c in counted.values())
        summary.failing += sum(c[1] for c in counted.values())
        summary.suppressed = sum(c[2] for c in counted.values()) + len(base.suppressed)
        summary.findings = sum(c[3] for c in counted.values()) + len(base.findings)
        for target in outputs:
            with _open(target) as out:
                spool.write(out, rules, extra=list(base.findings), notices=summary.notices, models=summary.models,
                            files=summary.files, suppressed=summary.suppressed, version=__version__,
                            max_results=getattr(j.opts, "sarif_max_results", 0), results=summary.findings)
    finally:
        spool.close()
    return summary


def _counts(r: Any) -> tuple[int, int, int, int]:
    return r.models, r.failing, r.suppressed, r.live
