"""Printing the benchmark: every figure, the ratios against issue 6's targets, and a Markdown table."""
from __future__ import annotations

from typing import Any

from bench_measure import Run

RSS_LIMIT_MB = 150
GROWTH_LIMIT = 2.0  # RSS at N over RSS at N/10: linear growth would be ~10x


def rows(args: Any, fig: dict[str, Run | None], meta: dict[str, Any]) -> list[tuple[str, str, Run | None]]:
    n, tenth = f"{args.n:,}", f"{-(-args.n // 10):,}"
    default = "--jobs auto" if meta["has_jobs"] else "one process"
    return [
        ("a", f"eval, {n} MOT files, SARIF ({default})", fig.get("a")),
        ("a1", f"eval, {n} MOT files, --jobs 1", fig.get("a1")),
        ("b", f"eval, {n} MOT files, --jobs 2", fig.get("b")),
        ("c", f"check-jsonschema, {n} MOT files (peer)", fig.get("c")),
        ("d", f"parse-only floor (load_yaml), {n} files", fig.get("d")),
        ("e", "eval, one file, cold (best of runs)", fig.get("e")),
        ("e'", "check-jsonschema, one file, cold (best of runs)", fig.get("e_peer")),
        ("f", f"eval --diff-base, 1 of {n} changed", fig.get("f")),
        ("f0", "git alone, as (f) needs it: diff, ls-files, one grep", fig.get("f0")),
        ("g", f"eval, {tenth} MOT files (memory growth)", fig.get("g")),
        ("h", f"eval, all {meta['files_all']:,} files (MOT, native, HF, CycloneDX)", fig.get("h")),
    ]


def targets(fig: dict[str, Run | None]) -> list[tuple[str, float | None, str, bool | None]]:
    def ratio(a: str, b: str, attr: str = "wall") -> float | None:
        x, y = fig.get(a), fig.get(b)
        return getattr(x, attr) / getattr(y, attr) if x and y and getattr(y, attr) > 0 else None

    out = []
    for label, value, limit in (
        ("eval / check-jsonschema (wall)", ratio("a", "c"), 0.5),
        ("eval --jobs 2 / check-jsonschema (wall)", ratio("b", "c"), 0.3),
        ("one-file cold: eval / check-jsonschema (wall)", ratio("e", "e_peer"), 0.6),
        ("PR mode / one-file eval (wall)", ratio("f", "e"), 2.0),
    ):
        out.append((label, value, f"<= {limit}", None if value is None else value <= limit))
    a = fig.get("a")
    out.append(("peak RSS of eval at N, MB (largest process)", a.rss_mb if a else None, f"<= {RSS_LIMIT_MB}",
                None if not a else a.rss_mb <= RSS_LIMIT_MB))
    growth = ratio("a", "g", "rss_mb")
    out.append(("RSS growth, N / (N/10) files", growth, f"<= {GROWTH_LIMIT} (sub-linear)",
                None if growth is None else growth <= GROWTH_LIMIT))
    return out


def _num(v: float | None, fmt: str = "{:.2f}") -> str:
    return "n/a" if v is None else fmt.format(v)


def report(args: Any, fig: dict[str, Run | None], notes: list[str], meta: dict[str, Any]) -> int:
    print(f"openness-policy benchmark: {meta['machine']}")
    print(f"policy: {meta['policy']}; SARIF to a file; bytecode compiled and caches warm (one untimed run each)")
    print()
    print(f"  {'':4}{'run':58}{'wall s':>8}{'CPU s':>8}{'RSS MB':>8}{'sum MB':>8}")
    for key, label, r in rows(args, fig, meta):
        if r is None:
            print(f"  {key + ')':4}{label:58}{'n/a':>8}")
            continue
        print(f"  {key + ')':4}{label:58}{r.wall:8.2f}{r.cpu:8.2f}{r.rss_mb:8.0f}{_num(r.tree_mb, '{:.0f}'):>8}")
    print()
    print("  RSS MB: largest single process (ru_maxrss); sum MB: largest sum over the process tree, sampled")
    print()
    print(f"  {'target':50}{'measured':>10}  {'limit':24}result")
    for label, value, limit, ok in targets(fig):
        print(f"  {label:50}{_num(value):>10}  {limit:24}{'n/a' if ok is None else 'PASS' if ok else 'FAIL'}")
    print()
    for note in notes:
        print(f"  note: {note}")
    if args.markdown:
        print()
        print(markdown(args, fig, meta))
    return 0


def markdown(args: Any, fig: dict[str, Run | None], meta: dict[str, Any]) -> str:
    repeat = f" --repeat {args.repeat}" if args.repeat > 1 else ""
    lines = [f"Measured {meta['machine']}; `python benchmarks/run.py --n {args.n}{repeat}`.", "",
             "| run | wall s | CPU s | peak RSS MB |", "|---|---:|---:|---:|"]
    for key, label, r in rows(args, fig, meta):
        if r is not None:
            rss = f"{r.rss_mb:.0f}" + (f" (sum {r.tree_mb:.0f})" if r.tree_mb and r.tree_mb > r.rss_mb * 1.2 else "")
            lines.append(f"| {key}) {label} | {r.wall:.2f} | {r.cpu:.2f} | {rss} |")
    lines += ["", "| target | measured | limit | result |", "|---|---:|---|---|"]
    for label, value, limit, ok in targets(fig):
        lines.append(f"| {label} | {_num(value)} | {limit} | {'n/a' if ok is None else 'PASS' if ok else 'FAIL'} |")
    return "\n".join(lines)
