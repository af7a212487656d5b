"""Pull-request mode (``eval --diff-base REF``): judge what changed, against the base's policy.

1. Policy files (and the files they extend) are read from REF by default, so a change cannot
   weaken the policy that judges it; a policy file the change edits is reported as a notice.
2. Only manifests added or changed since the merge base of REF and HEAD (work tree included) are
   judged, plus those whose inputs changed (``changed.select``).
3. The same manifests are loaded from the merge base's git objects and judged by the same engine:
   the ``regression`` rule compares each model with its earlier self, and ``--only-new`` hides
   findings whose fingerprint already existed there.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from openness_policy.discover import Candidate, listing
from openness_policy.findings import ModelResult, Report
from openness_policy.git.base import BaseFiles
from openness_policy.git.early import GitStart
from openness_policy.git.search import git_search
from openness_policy.policy.model import Policy
from openness_policy.reading import Undecodable, Unsafe, check_path, read_text
from openness_policy.record import ModelRecord


def run_pr(opts: Any, registry: Any, root: Path, cwd: Path) -> Report:
    from openness_policy import engine
    from openness_policy.baseline import suppress
    from openness_policy.git.changed import change_set, context, first_needles, select
    from openness_policy.git.mentions import Mentions, Pool

    early = opts.git_start
    if early is None or not early.serves(opts.diff_base, root, opts.paths):
        early = GitStart(opts.diff_base, root, opts.paths)
    started = early.result()
    repo, ref_sha, fork = started.repo, started.ref_sha, started.fork
    formats = engine.ordered_formats(registry)
    search = git_search(repo, root, opts.paths, engine.patterns(formats), tree=fork)
    if search is not None:
        folders = {os.path.abspath(p) for p in opts.paths if os.path.isdir(p) and not os.path.islink(p)}
        if folders <= started.listed.keys():
            search.tracked = [started.listed[f] for f in sorted(folders)]
        search.untrusted = {p for c in started.changes for p in (c.path, c.old) if p}
        search.rewritten = started.rewritten
    name = ref_sha[:12] if ref_sha.startswith(opts.diff_base.lower()) else f"{opts.diff_base} ({ref_sha[:7]})"
    at_ref = BaseFiles(repo, ref_sha, root, name)
    at_fork = at_ref if fork == ref_sha else BaseFiles(repo, fork, root, f"the merge base with {at_ref.label}")
    changes = started.changes
    cs = change_set(changes)
    memo: dict[tuple[str, bool], list[ModelRecord]] = {}

    def load(c: Candidate) -> list[ModelRecord]:
        if (c.display, c.explicit) not in memo:
            missing = not c.explicit and not os.path.lexists(c.path)  # tracked, deleted from the work tree
            memo[c.display, c.explicit] = [] if missing else engine.load_candidate(c, root, formats, opts.max_bytes)
        return memo[c.display, c.explicit]

    gone: dict[str, list[ModelRecord]] = {}

    def removed(path: str) -> list[ModelRecord]:
        if path not in gone:
            gone[path] = at_fork.load(path, path, formats, opts.max_bytes, engine.load_source)
        return gone[path]

    keys = [f.name_keys for f in formats]
    mentions = Mentions(lambda c: _read(c, root, opts.max_bytes), search,
                        None if any(k is None for k in keys) else tuple(sorted({k for ks in keys for k in ks})))
    if search is not None:  # git searches while the catalogue is read and the files are listed
        mentions.prefetch(first_needles(cs, engine.patterns(formats), lambda p: load(Candidate(os.path.join(root, p), p, False)),
                                        removed, search.named_like))
    notices: list[str] = []
    policy = pr_policy(registry, root, cwd, opts, at_ref, notices)  # while git searches
    catalog = engine.load_catalog(registry, policy)
    earlier_of: dict[str, list[ModelRecord]] = {}

    def at_base(display: str) -> list[ModelRecord]:
        """The records of ``display`` at the merge base ([] when it is new in this change)."""
        if display not in earlier_of:
            old = cs.current.get(display, display)
            earlier_of[display] = [] if old is None else at_fork.load(old, display, formats, opts.max_bytes,
                                                                        engine.load_source)
        return earlier_of[display]

    if search is not None:  # still searching: read the changed manifests at the base, and judge them once
        # so that what judging loads is loaded (the report is dropped: judging is pure)
        engine.judge([r for d in sorted(cs.current) if memo.get((d, False)) for r in at_base(d)],
                     registry, policy, catalog, opts, files=0)
    # git's index is enough here: the untracked files came with the change (see listing)
    found, searched = listing(opts.paths, root, engine.patterns(formats), [c.path for c in changes if c.status == "?"],
                              started.listed)
    if search is not None:
        search.listed(searched)
    pool = Pool(found)
    chosen = select(pool, cs, load, mentions, removed)
    bases = context(pool, chosen, load, mentions)  # judged for lineage only, never reported
    records = [r for recs in (*chosen.values(), *bases.values()) for r in recs]
    earlier = [r for display in (*chosen, *bases) for r in at_base(display)]
    files = sum(1 for recs in chosen.values() if recs)
    was = _without(engine.judge(earlier, registry, policy, catalog, opts, files=files), set(bases))
    before: dict[str, list[ModelResult]] = {}
    for m in was.models:
        before.setdefault(m.record.path, []).append(m)
    report = _without(engine.judge(records, registry, policy, catalog, opts, files=files, before=before), set(bases))
    if opts.only_new:
        suppress(report, {f.fingerprint for f in was.findings},
                 f"baseline: already present at {at_fork.label} (--only-new)")
    deleted = cs.removed - set(cs.current.values())  # not renamed: gone
    notices += [f"manifest {p} is deleted in this change" for p in sorted(deleted) if removed(p)]
    report.notices[:0] = notices
    return report


def _without(report: Report, paths: set[str]) -> Report:
    """The report without the models (and their findings) of the manifests in ``paths``."""
    if paths:
        report.findings = [f for f in report.findings if f.manifest not in paths]
        report.suppressed = [f for f in report.suppressed if f.manifest not in paths]
        report.models = [m for m in report.models if m.record.path not in paths]
    return report


def _read(c: Candidate, root: Path, max_bytes: int) -> str | None:
    try:
        return read_text(check_path(c.path, root, max_bytes), max_bytes)
    except (Unsafe, Undecodable):
        return None


def pr_policy(registry: Any, root: Path, cwd: Path, opts: Any, base: BaseFiles, notices: list[str]) -> Policy:
    """The policy as of ``base`` (or the work tree with ``--policy-from head``), with notices."""
    from openness_policy import engine
    from openness_policy.policy.load import MAX_POLICY_BYTES

    from_base = opts.policy_from == "base"
    files = [Path(os.path.abspath(p)) for p in opts.policies]
    if not files and not opts.no_default_policy:
        files = _default_policy(cwd, root, base if from_base else None, notices)
    if from_base:
        keep = []
        for f in files:
            rel = base.rel(f)
            if rel is not None and base.exists(rel):
                keep.append(f)
            else:
                notices.append(f"policy file {rel or f} is not in {base.label}: it is new in this change, so it was "
                               f"not applied (it applies once merged; try it locally with --policy-from head)")
        files = keep
    sub = replace(opts, policies=[str(f) for f in files], no_default_policy=True,
                  policy_reader=base.policy_reader(MAX_POLICY_BYTES) if from_base else opts.policy_reader)
    policy = engine.build_policy(registry, root, sub, cwd)
    for display in policy.files:
        if display.startswith("builtin:"):
            continue
        now = _policy_text(root / display, root)
        try:
            then = base.text(display, MAX_POLICY_BYTES)
        except (ValueError, Undecodable):
            then = None
        if now == then:
            continue
        if from_base:
            state = "deleted" if now is None else "changed"
            notices.append(f"policy file {display} is {state} in this change; it was read from {base.label}, "
                           f"so the change takes effect only after merge")
        else:
            notices.append(f"policy file {display} differs from {base.label}; it was read from the working tree "
                           f"(--policy-from head), so this change is judged by its own policy")
    return policy


def _default_policy(cwd: Path, root: Path, base: BaseFiles | None, notices: list[str]) -> list[Path]:
    """The nearest default policy file from ``cwd`` up to the root: at the base, or on disk."""
    from openness_policy.engine import DEFAULT_POLICY, default_policy

    if base is None:
        found = default_policy(cwd, root)
        return [found] if found is not None else []
    cwd = cwd.resolve()
    for folder in (cwd, *cwd.parents):
        rel = base.rel(folder / DEFAULT_POLICY)
        if rel is not None and base.exists(rel):
            return [folder / DEFAULT_POLICY]
        if (folder / DEFAULT_POLICY).is_file():
            notices.append(f"policy file {rel} is not in {base.label}: it is new in this change, so it was not "
                           f"applied (it applies once merged; try it locally with --policy-from head)")
        if folder == root:
            break
    return []


def _policy_text(path: Path, root: Path) -> str | None:
    """The work tree's version: read like a manifest (never a FIFO or device, which would block)."""
    from openness_policy.limits import MAX_POLICY_BYTES

    try:
        return read_text(check_path(path, root, MAX_POLICY_BYTES), MAX_POLICY_BYTES)
    except (Unsafe, Undecodable):
        return None
