"""``eval --jobs N`` before the option is wired into the CLI: the same run through ``openness_policy.parallel``.

Usage (what ``benchmarks/run.py`` calls when ``openness-policy eval --help`` has no ``--jobs``)::

    python benchmarks/jobs_driver.py --jobs 2 --template mof-class-3 --template osaid-1.0 \\
        --output results.sarif PATH...

It builds the policy, catalogue and candidate list as ``engine.run`` does and writes SARIF with
``streaming.stream_sarif`` (the output ``eval --format sarif --output FILE`` gives). Exit code as
``eval``: 1 when findings reach ``--fail-on error``, 0 otherwise.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=["."])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--template", action="append", default=[])
    ap.add_argument("--policy", action="append", default=[])
    ap.add_argument("--output", required=True)
    args = ap.parse_args(argv)

    from openness_policy import engine
    from openness_policy.discover import candidates
    from openness_policy.parallel import Judging
    from openness_policy.plugins import load_registry
    from openness_policy.streaming import stream_sarif

    registry = load_registry()
    cwd = Path.cwd()
    opts = engine.Options(paths=args.paths, policies=args.policy, templates=args.template)
    root = engine.find_root(cwd)
    policy = engine.build_policy(registry, root, opts, cwd)
    catalog = engine.load_catalog(registry, policy)
    found = candidates(opts.paths, root, engine.patterns(engine.ordered_formats(registry)))
    with open(args.output, "w", encoding="utf-8") as out:
        summary = stream_sarif(found, Judging(root, registry, policy, catalog, opts), [out], args.jobs)
    return 1 if summary.failing else 0


if __name__ == "__main__":
    sys.exit(main())
