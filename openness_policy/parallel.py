"""Judging manifest files in worker processes (``eval --jobs N``), with results in discovery order.

Each file is loaded and judged on its own: ``engine.load_candidate`` then ``engine.judge`` over that
file's records, the same functions a single-process run uses, so a verdict cannot depend on the
number of jobs. Workers take chunks of files in order and ``imap`` hands the chunks back in order,
so the output is deterministic. Two things need every file and are settled by the caller:

- findings about the policy itself (an expired exception, say) are taken out of each file's report
  and added once (:func:`prepare` returns them);
- lineage across files: a derivative whose base is described in *another* file inherits that base's
  licence. Each file is first judged with its own records only; :mod:`openness_policy.cross_lineage`
  then finds the (rare) files whose verdicts change and judges them again with their bases.

Workers are forked, so they share the parent's plugins, policy and catalogue without rebuilding
them; where ``fork`` is unavailable the files are judged in this process. ``stream=True`` drops the
models and renders each file's SARIF results in the worker (:mod:`openness_policy.reporters.sarif_stream`),
so the parent holds counts, not records.
"""
from __future__ import annotations

import copyreg
import os
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Callable, Iterator

from openness_policy.discover import Candidate
from openness_policy.findings import Finding, Report

MIN_FILES_PER_JOB = 250  # below this a worker costs more to start than it saves
MAX_CHUNK = 100


@dataclass
class Judging:
    """Everything a worker needs; shared with forked workers, never pickled."""

    root: Any  # Path
    registry: Any
    policy: Any
    catalog: Any
    opts: Any  # engine.Options
    formats: list = field(default_factory=list)
    stream: bool = False  # drop models, render SARIF results in the worker
    spool_dir: str | None = None  # with stream: where workers write their results (None: the temp folder)
    policy_level: list = field(default_factory=list)  # identities of the policy's own findings


@dataclass
class FileResult:
    """One manifest file's verdicts."""

    index: int  # position in discovery order
    display: str
    report: Report | None  # this file's findings and models (None with stream=True)
    rules: dict  # rule id -> RuleInfo of this file's findings, in first-seen order (policy rules left out)
    lineage: list  # cross_lineage.Key for each record
    models: int = 0
    failing: int = 0  # findings at or above --fail-on
    live: int = 0  # findings not suppressed
    suppressed: int = 0
    sarif: Any = None  # sarif_stream.Part with stream=True (None from a worker: nothing beyond its segment)
    segment: str | None = None  # with stream=True in a worker: the file holding this and the next results

    def __reduce__(self) -> tuple:
        """Pickled as the constructor's arguments: one per file crosses the pipe, and a tuple is quicker
        to pickle and unpickle than the attribute dictionary."""
        return FileResult, (self.index, self.display, self.report, self.rules, self.lineage, self.models,
                            self.failing, self.live, self.suppressed, self.sarif, self.segment)


def auto_jobs(files: int) -> int:
    """Worker processes for ``--jobs auto``: one per CPU we may use, if there is enough work for them."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, files // MIN_FILES_PER_JOB))


def identity(f: Finding) -> tuple:
    return (f.rule.id, f.level, f.message, f.pos, f.manifest, f.model, f.key, f.suppressed_by)


def prepare(j: Judging) -> Report:
    """Get ``j`` ready for :func:`judge_files`; returns the findings that do not depend on any manifest
    (``engine.judge`` over no records: expired or malformed exceptions), to be reported once."""
    from openness_policy.engine import judge, ordered_formats

    j.formats = j.formats or ordered_formats(j.registry)
    if j.opts.today is None:  # one date for the whole run (also when it runs past midnight), read once
        j.opts = replace(j.opts, today=j.opts.date)
    base = judge([], j.registry, j.policy, j.catalog, j.opts, files=0)
    j.policy_level = [identity(f) for f in (*base.findings, *base.suppressed)]
    return base


def judge_one(j: Judging, index: int, c: Candidate, seen_rules: set[str] | None = None) -> FileResult:
    """Load and judge one file; the policy's own findings are left out."""
    from openness_policy.cross_lineage import keys_of
    from openness_policy.engine import judge, load_candidate

    records = load_candidate(c, j.root, j.formats, j.opts.max_bytes)
    return from_report(j, index, c.display, judge(records, j.registry, j.policy, j.catalog, j.opts, files=1),
                       keys_of(index, records), seen_rules)


def from_report(j: Judging, index: int, display: str, rep: Report, keys: list, seen_rules: set[str] | None) -> FileResult:
    """A file's result from ``engine.judge`` over its records: policy-level findings taken out."""
    pending = list(j.policy_level)
    if pending:
        rep.findings = _without(rep.findings, pending)
        rep.suppressed = _without(rep.suppressed, pending)
    own = {f.rule.id for f in rep.findings}
    own.update(f.rule.id for f in rep.suppressed)
    policy_ids = _rule_ids(j.policy)
    rules = {rid: info for rid, info in rep.rules.items() if rid in own and rid not in policy_ids}
    if seen_rules is not None:  # in a worker: each rule's text crosses the pipe once per chunk
        rules = {rid: (None if rid in seen_rules else info) for rid, info in rules.items()}
        seen_rules.update(rules)
    result = FileResult(index, display, rep, rules, keys, models=len(rep.models), failing=len(rep.failing()),
                        live=len(rep.findings), suppressed=len(rep.suppressed))
    if j.stream:
        from openness_policy.reporters.sarif_stream import render_part

        result.sarif, result.report = render_part(rep.findings, display), None
    return result


_RULE_IDS: dict[int, tuple[list, frozenset]] = {}  # id(policy) -> (its rules, their ids)


def _rule_ids(policy: Any) -> frozenset:
    """The ids of the policy's own rules, worked out again only when its rules change."""
    hit = _RULE_IDS.get(id(policy))
    if hit is None or hit[0] != policy.rules:  # same rules (compared by identity first): same ids
        if len(_RULE_IDS) > 16:
            _RULE_IDS.clear()
        hit = _RULE_IDS[id(policy)] = (list(policy.rules), frozenset(r.info.id for r in policy.rules))
    return hit[1]


def _without(findings: list[Finding], pending: list[tuple]) -> list[Finding]:
    out = []
    for f in findings:
        ident = identity(f)
        if ident in pending:
            pending.remove(ident)
        else:
            out.append(f)
    return out


_JOB: tuple[Judging, list[Candidate]] | None = None  # set in the parent just before the workers are forked


def read_only(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


def _proxy(mapping: MappingProxyType) -> tuple:
    return read_only, (dict(mapping),)


def _picklable_proxies() -> None:
    """Read-only mappings (licence grants, MOF progress) cross the pipe as plain dicts, rebuilt read-only."""
    copyreg.pickle(MappingProxyType, _proxy)


def _judge_chunk(indexes: list[int]) -> list[FileResult]:
    assert _JOB is not None, "worker started without fork"
    j, found = _JOB
    seen: set[str] = set()
    results = [judge_one(j, i, found[i], seen) for i in indexes]
    if j.stream and results:  # the rendered results go to a file, not through the pipe
        from openness_policy.reporters.sarif_segments import write_segment

        results[0].segment = write_segment([r.sarif for r in results], j.spool_dir)
        for r in results:
            if not r.sarif.elsewhere:
                r.sarif = None  # nothing left to send back: its results are in the segment
    return results


def chunks(files: int, jobs: int) -> list[list[int]]:
    """File indexes in order, in chunks for ``jobs`` workers: up to ``MAX_CHUNK`` at a time, and the last
    ``jobs`` chunks' worth in quarters, so that no worker is left with a whole chunk while the others are
    done."""
    size = max(1, min(MAX_CHUNK, files // (jobs * 8)))
    tail = max(0, files - jobs * size)
    sizes = [(k, size) for k in range(0, tail, size)]
    small = max(1, size // 4)
    sizes += [(k, small) for k in range(sizes[-1][0] + size if sizes else 0, files, small)]
    return [list(range(k, min(k + n, files))) for k, n in sizes]


def _rejudge_group(todo: dict[int, set[int]]) -> list[FileResult]:
    from openness_policy.cross_lineage import rejudge

    assert _JOB is not None, "worker started without fork"
    return rejudge(todo, _JOB[1], _JOB[0])


def _can_fork() -> bool:
    return hasattr(os, "fork")


class Workers:
    """Forked worker processes that judge files (none when ``jobs`` is 1 or ``fork`` is missing)."""

    def __init__(self, j: Judging, found: list[Candidate], jobs: int) -> None:
        assert j.formats, "call prepare(j) first"
        self.j, self.found = j, found
        self.jobs = jobs if jobs > 1 and len(found) > 1 and _can_fork() else 1
        self.pool: Any = None

    def __enter__(self) -> Workers:
        global _JOB
        if self.jobs > 1:
            _picklable_proxies()
            _JOB = (self.j, self.found)  # what the forked workers judge: set before they are made
            import gc

            # The plugins, policy and catalogue live as long as the workers: out of the collector's sight, a
            # worker's collections do not walk them (nor touch, and so copy, their memory pages).
            gc.freeze()
            try:
                from openness_policy.forkpool import ForkPool

                self.pool = ForkPool(self.jobs)
            except BaseException:
                _JOB = None
                gc.unfreeze()
                raise
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        global _JOB
        if self.pool is not None:
            if kind is None:
                self.pool.close()
            else:
                self.pool.terminate()
            _JOB = None
            import gc

            gc.unfreeze()

    def judge(self, progress: Callable[[int], None] | None = None) -> Iterator[FileResult]:
        """One result per file, in discovery order."""
        if self.pool is None:
            for i, c in enumerate(self.found):
                yield judge_one(self.j, i, c)
                if progress:
                    progress(1)
            return
        for results in self.pool.imap(_judge_chunk, chunks(len(self.found), self.jobs)):
            yield from results
            if progress:
                progress(len(results))

    def rejudge(self, todo: dict[int, set[int]]) -> list[FileResult]:
        """New results for files whose lineage reaches other files (see :mod:`openness_policy.cross_lineage`)."""
        from openness_policy.cross_lineage import rejudge

        if self.pool is None or len(todo) < 2:
            return rejudge(todo, self.found, self.j)
        order = sorted(todo)
        size = max(1, min(25, len(order) // (self.jobs * 4)))
        groups = [{i: todo[i] for i in order[k:k + size]} for k in range(0, len(order), size)]
        return [r for results in self.pool.imap(_rejudge_group, groups) for r in results]


def judge_files(found: list[Candidate], j: Judging, jobs: int,
                progress: Callable[[int], None] | None = None) -> Iterator[FileResult]:
    """Judge every file, ``jobs`` at a time; yields one result per file, in ``found`` order
    (before cross-file lineage: see :func:`judge_all`)."""
    with Workers(j, found, jobs) as workers:
        yield from workers.judge(progress)


def judge_all(found: list[Candidate], j: Judging, jobs: int, progress: Callable[[int], None] | None = None) -> Report:
    """The report ``engine.judge`` gives over every record of ``found``, judged ``jobs`` files at a time."""
    from openness_policy.cross_lineage import files_to_rejudge
    from openness_policy.merge import assemble

    base = prepare(j)
    with Workers(j, found, jobs) as workers:
        results = list(workers.judge(progress))
        for new in workers.rejudge(files_to_rejudge([k for r in results for k in r.lineage])):
            results[new.index] = new
    return assemble(results, j, len(found), base)
