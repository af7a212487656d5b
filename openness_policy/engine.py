"""The pipeline: discover → load → classify → evaluate → waive → report.

``judge_file`` is the unit of work for one manifest file (pure apart from reading that file and its
siblings), so it can run in a process pool; results are put back in discovery order.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from openness_policy import __version__
from openness_policy.discover import Candidate, candidates, find_root
from openness_policy.findings import ModelResult, Report
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.policy.model import Policy
from openness_policy.reading import DEFAULT_MAX_BYTES, Undecodable, Unsafe, check_path, read_text
from openness_policy.record import ModelRecord, Problem
from openness_policy.sourcemap import Pos

DEFAULT_POLICY = ".openness-policy.yaml"


@dataclass
class Options:
    paths: list[str] = field(default_factory=lambda: ["."])
    policies: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    fail_on: str = "error"
    today: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    no_default_policy: bool = False
    policy_reader: Callable[[Path], str] | None = None  # e.g. read from a git commit
    diff_base: str | None = None  # judge only what changed since this revision (pull-request mode)
    only_new: bool = False  # with diff_base: hide findings that already existed at the base
    policy_from: str = "base"  # with diff_base: read policy files from the base ("base") or the work tree
    baseline: str | None = None  # a baseline file: its findings are listed as suppressed
    write_baseline: str | None = None  # write the accepted findings (live + baselined) to this file
    jobs: int | None = None  # worker processes for a full run; None = parallel.auto_jobs (1 for small runs)
    sarif_max_results: int = 0  # SARIF outputs keep the most severe this many results (0: all), see sarif_limit
    git_start: Any = None  # with diff_base: git.early.GitStart, when the caller started git's commands already
    git_listing: Any = None  # without: (root, git.early.start_listing(...)), when the caller started the listing

    @property
    def date(self) -> str:
        return self.today or dt.date.today().isoformat()


def default_policy(cwd: Path, root: Path) -> Path | None:
    """The nearest ``.openness-policy.yaml`` from the current folder up to the repository root."""
    cwd = cwd.resolve()
    for folder in (cwd, *cwd.parents):
        if os.path.lexists(folder / DEFAULT_POLICY):  # a FIFO/folder/broken link is an exit-2 error, not "no policy"
            return folder / DEFAULT_POLICY
        if folder == root:
            break
    return None


def build_policy(registry: Any, root: Path, opts: Options, cwd: Path | None = None) -> Policy:
    from openness_policy.policy.load import PolicyLoader

    loader = PolicyLoader(registry, root, opts.policy_reader)
    files = list(opts.policies)
    found = None if files or opts.no_default_policy else default_policy(cwd or Path.cwd(), root)
    if found is not None:
        files = [str(found)]
    for name in opts.templates:
        loader.load_template(name)
    for f in files:
        loader.load_file(Path(f) if Path(f).is_absolute() else Path(os.path.abspath(f)))
    pol = loader.policy
    if "unknown-license" in pol.settings:
        pol.severity.setdefault("license-unknown", pol.settings["unknown-license"])
    pol.settings.setdefault("report-levels", not pol.rules)
    return pol


def detect(formats: list[FormatSpec], name: str, head: str) -> FormatSpec | None:
    for spec in formats:
        try:
            if spec.detect(name, head):
                return spec
        except Exception:  # a broken detector must not hide a manifest from the others
            continue
    return None


def _problem_record(c: Candidate, rule: str, message: str, fix: str, level: str = "error", line: int = 1) -> ModelRecord:
    pos = Pos(c.display, line, 1)
    rec = ModelRecord(path=c.display, format="unknown", pos=pos)
    rec.problems.append(Problem(rule, message, pos, level, fix))
    return rec


def load_candidate(c: Candidate, root: Path, formats: list[FormatSpec], max_bytes: int) -> list[ModelRecord]:
    try:
        real = check_path(c.path, root, max_bytes)
        text = read_text(real, max_bytes)
    except Unsafe as exc:
        return [_problem_record(c, "path-unsafe", f"the file {exc}", "replace it with a regular file inside the repository")]
    except Undecodable as exc:
        return [_problem_record(c, "manifest-unreadable", str(exc), "save the manifest as UTF-8 text",
                                line=getattr(exc, "line", 1))]
    spec = detect(formats, c.path.name, text[:4096])
    if spec is None:
        if c.explicit:
            return [_problem_record(c, "manifest-unrecognised", "not a manifest of any known format",
                                    "see `openness-policy plugins` for the formats and their file names", "warning")]
        return []
    src = Source(real, c.display, text, read_sibling=lambda name: _sibling(real.parent, name, root, max_bytes),
                 list_siblings=lambda: _listdir(real.parent))
    records = load_source(spec, src)
    if not records and c.explicit:  # the format looked closer and declined: say so, never vanish
        return [_problem_record(c, "manifest-unrecognised", f"not a {spec.name} manifest after all ({spec.description})",
                                "pass only manifest files", "warning")]
    return records


def load_source(spec: FormatSpec, src: Source) -> list[ModelRecord]:
    """Records from one file's text (on disk or a git blob), with its comment suppressions attached."""
    from openness_policy.suppress_comments import attach

    try:
        records = spec.load(src)
    except Exception as exc:  # a plugin bug must not lose the verdict for this file
        c = Candidate(src.path, src.display, True)
        return [_problem_record(c, "manifest-unreadable",
                                f"the {spec.name} reader failed ({type(exc).__name__}: {exc}); "
                                f"please report this with openness-policy {__version__}", "report the bug")]
    attach(records, src.text, src.display)
    return records


def _sibling(folder: Path, name: str, root: Path, max_bytes: int) -> str | None:
    if "/" in name or "\\" in name or name in (".", ".."):
        return None
    try:
        return read_text(check_path(folder / name, root, max_bytes), max_bytes)
    except (Unsafe, Undecodable):
        return None


def _listdir(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def run(opts: Options, registry: Any | None = None, cwd: Path | None = None) -> Report:
    from openness_policy.plugins import load_registry

    registry = registry or load_registry()
    root = find_root(cwd or Path.cwd())
    accepted = None
    if opts.baseline:
        from openness_policy import baseline

        accepted = baseline.load(opts.baseline)  # a bad baseline file fails before any work
    if opts.diff_base:
        from openness_policy.git.pr import run_pr

        report = run_pr(opts, registry, root, cwd or Path.cwd())
    else:
        policy = build_policy(registry, root, opts, cwd)
        catalog = load_catalog(registry, policy)
        formats = ordered_formats(registry)
        found = candidates(opts.paths, root, patterns(formats), opts.git_listing)
        report = judge_found(found, root, registry, policy, catalog, opts)
    if accepted is not None or opts.write_baseline:
        from openness_policy.baseline import apply

        apply(report, opts, accepted, partial=bool(opts.diff_base))
    return report


def judge_found(found: list[Candidate], root: Path, registry: Any, policy: Policy, catalog: Any,
                opts: Options) -> Report:
    """Load and judge every candidate: here, or ``opts.jobs`` files at a time in worker processes
    (the same report either way: ``tests/test_parallel.py``). A progress bar shows on a terminal."""
    from openness_policy.parallel import Judging, auto_jobs, judge_all
    from openness_policy.progress import Progress

    formats = ordered_formats(registry)
    jobs = opts.jobs or auto_jobs(len(found))
    with Progress(len(found)) as bar:
        if jobs > 1:
            return judge_all(found, Judging(root, registry, policy, catalog, opts, formats), jobs, bar.update)
        records = []
        for c in found:
            records += load_candidate(c, root, formats, opts.max_bytes)
            bar.update()
    return judge(records, registry, policy, catalog, opts, files=len(found))


def ordered_formats(registry: Any) -> list[FormatSpec]:
    return sorted(registry.formats.values(), key=lambda s: -s.priority)


def patterns(formats: list[FormatSpec]) -> tuple[str, ...]:
    return tuple(p for s in formats for p in s.filenames)


def load_catalog(registry: Any, policy: Policy) -> Any:
    from openness_policy.licenses.sets import catalog_for

    catalog = catalog_for(registry)
    if policy.licenses:
        from openness_policy.errors import UserError
        from openness_policy.licenses.catalog import LicenseClashError

        overrides = policy.license_overrides
        keep = [r for r in policy.licenses if r.id not in overrides]
        try:
            catalog = catalog.with_records(keep, allow_override=False)
        except LicenseClashError as exc:
            origin = next((r.origin for r in keep if r.id == exc.license_id), "policy file")
            raise UserError(f"{origin}: {exc}") from None
        catalog = catalog.with_records([r for r in policy.licenses if r.id in overrides], allow_override=True)
    return catalog


def judge(records: list[ModelRecord], registry: Any, policy: Policy, catalog: Any, opts: Options, files: int,
          before: dict[str, list[ModelResult]] | None = None) -> Report:
    """Classify, evaluate and waive. Pure: records in, report out.

    ``before`` (pull-request mode) maps a manifest path to its models' results at the base commit;
    the built-in ``regression`` rule compares each current model with its earlier self.
    """
    from openness_policy.policy.evaluate import judge_records

    findings, models, rules = judge_records(records, registry, policy, catalog, opts.date, before)
    live = [f for f in findings if f.suppressed_by is None]
    hidden = [f for f in findings if f.suppressed_by is not None]
    return Report(live, hidden, models, rules, files=files, fail_on=opts.fail_on, tool_version=__version__)
