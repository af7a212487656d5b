"""Benchmark: ``openness-policy eval`` against the pre-commit hook users already run, on one machine.

    python benchmarks/run.py                  # 10,000 MOT files plus a mix, about a minute on 2 cores
    python benchmarks/run.py --n 1000 --markdown

Generates a git repository of manifests from ``benchmarks/seed`` in a temporary folder, then measures
in one run, on the same files: (a) ``eval --template mof-class-3 --template osaid-1.0`` with SARIF
output, (a1) the same with ``--jobs 1``, (b) with ``--jobs 2``, (c) ``check-jsonschema`` validating the
MOT files against the MOT schema (the peer: a pre-commit hook doing less work), (d) a parse-only floor,
(e) one-file cold runs of ours and of the peer, (f) pull-request mode with one file changed, (g) the
memory of (a) on a tenth of the files, (h) eval over every format. Prints every figure, the ratios
against the targets of issue 6 with PASS/FAIL, and with ``--markdown`` a table for the README.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_generate import Counts, generate  # noqa: E402
from bench_measure import Run, arg_batches, best, measure  # noqa: E402

TEMPLATES = ["--template", "mof-class-3", "--template", "osaid-1.0"]
FALLBACK_POLICY = """version: 1
name: benchmark (stands in for the mof-class-3 and osaid-1.0 templates)
rules:
  - {id: mof-class-3, title: MOF Class III, description: MOF Class III, help: see the MOF, severity: error,
     require: {mof-class: 3}}
  - {id: osaid-1.0, title: OSAID 1.0, description: OSI OSAID 1.0, help: see the OSAID, severity: error,
     require: {osaid: true}}
"""


def tool(name: str, module: str | None) -> list[str] | None:
    """A console script beside this Python, else on PATH, else ``python -m module``."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found:
        return [found]
    return [sys.executable, "-m", module] if module else None


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def setup(args: argparse.Namespace, work: Path) -> tuple[Path, dict[str, list[Path]], Path]:
    repo = work / "repo"
    counts = Counts(args.n, args.native, args.hf, args.cyclonedx, args.lineage_share)
    made = generate(repo, counts, per_folder=max(1, -(-args.n // 10)))
    schema = REPO / "schemas" / "mot-model.schema.json"
    if not schema.exists():
        schema = REPO.parent / "shared" / "corpus" / "mot" / "schema" / "mof_schema.json"
    (repo / "schema").mkdir(exist_ok=True)
    shutil.copy(schema, repo / "schema" / "mot-model.schema.json")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "benchmark manifests")
    return repo, made, repo / "schema" / "mot-model.schema.json"


def child_env(work: Path) -> dict[str, str]:
    """Compiled bytecode for both tools (as a pip install leaves it) and a fresh catalogue cache."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["OPENNESS_POLICY_CACHE_DIR"] = str(work / "cache")
    env.setdefault("PYTHONPATH", str(REPO))
    return env


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark openness-policy eval against check-jsonschema.")
    ap.add_argument("--n", type=int, default=10_000, help="MOT-format files (default 10,000)")
    ap.add_argument("--native", type=int, default=None, help="native manifests in the mix (default N/20)")
    ap.add_argument("--hf", type=int, default=None, help="Hugging Face cards in the mix (default N/20)")
    ap.add_argument("--cyclonedx", type=int, default=None, help="CycloneDX ML-BOMs in the mix (default N/20)")
    ap.add_argument("--lineage-share", type=float, default=0.02, help="share of MOT files naming a base in the repo")
    ap.add_argument("--repeat", type=int, default=1, help="runs of (a), (a1), (b), (c), (d); the fastest counts")
    ap.add_argument("--one-file-runs", type=int, default=5)
    ap.add_argument("--markdown", action="store_true", help="also print the Markdown table for the README")
    ap.add_argument("--workdir", help="generate here and keep it (default: a temporary folder, removed)")
    args = ap.parse_args(argv)
    for kind in ("native", "hf", "cyclonedx"):
        if getattr(args, kind) is None:
            setattr(args, kind, args.n // 20)
    ours, peer = tool("openness-policy", "openness_policy"), tool("check-jsonschema", None)
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="op-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        from bench_report import report

        figures, notes, meta = collect(args, work, ours, peer)
        return report(args, figures, notes, meta)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)


def collect(args: argparse.Namespace, work: Path, ours: list[str], peer: list[str] | None) -> tuple[dict, list, dict]:
    repo, made, schema = setup(args, work)
    env = child_env(work)
    notes = [f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    mot_dir = "models/mot"
    mot_files = [str(p.relative_to(repo)) for p in made["mot"]]
    one = mot_files[0]
    help_text = subprocess.run([*ours, "eval", "--help"], cwd=repo, env=env, capture_output=True, text=True).stdout
    has_jobs, has_pr = "--jobs" in help_text, "--diff-base" in help_text
    policy = TEMPLATES
    probe = measure([*ours, "eval", *policy, one], repo, env)  # also the warm-up: bytecode, catalogue cache
    if probe.code == 2 and "template" in probe.stderr:
        (repo / "bench-policy.yaml").write_text(FALLBACK_POLICY, encoding="utf-8")
        policy = ["--policy", "bench-policy.yaml"]
        notes.append("templates mof-class-3/osaid-1.0 not installed: used a policy with `mof-class: 3` and "
                     "`osaid: true` instead")
    out = str(work / "out.sarif")

    def eval_cmd(*extra: str, paths: tuple[str, ...] = (mot_dir,)) -> list[str]:
        return [*ours, "eval", *policy, "--format", "sarif", "--output", out, *extra, *paths]

    def once(cmd: list[str], tree: bool = False) -> Run:
        r = measure(cmd, repo, env, tree)
        if r.code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd[:6])} ... exited {r.code}:\n{r.stderr[-2000:]}")
        return r

    # Every measurement behind a ratio, as a function giving one run. They are run in rounds (each
    # measurement once per round, in turn) rather than one after the other, so that a machine whose
    # speed drifts during the benchmark slows both sides of a ratio alike; the fastest run counts.
    plan: dict[str, Callable[[], Run]] = {}
    plan["a"] = lambda: once(eval_cmd(), tree=True)
    if has_jobs:
        plan["a1"] = lambda: once(eval_cmd("--jobs", "1"), tree=True)
        plan["b"] = lambda: once(eval_cmd("--jobs", "2"), tree=True)
    else:
        driver = [sys.executable, str(HERE / "jobs_driver.py"), "--jobs", "2", *policy, "--output", out, mot_dir]
        plan["b"] = lambda: once(driver, tree=True)
        notes.append("(b) ran through benchmarks/jobs_driver.py (openness_policy.parallel): `eval --jobs` is not "
                     "wired into the CLI yet")
    if peer:
        fixed = [*peer, "--schemafile", str(schema)]
        measure([*fixed, one], repo, env)  # warm-up
        batches = arg_batches(mot_files, fixed, env)

        def peer_all() -> Run:
            total = None
            for batch in batches:
                r = measure([*fixed, *batch], repo, env)
                total = r if total is None else total.merge(r)
            assert total is not None
            return total

        plan["c"] = peer_all
        notes.append(f"(c) {len(batches)} invocation(s) of check-jsonschema "
                     "(files passed on the command line, batched to the argument-size limit)")
    else:
        notes.append("check-jsonschema not found: `pip install check-jsonschema` for the peer figures")
    listing = work / "files.txt"
    listing.write_text("\n".join(mot_files), encoding="utf-8")
    floor = ("import sys\nfrom openness_policy.yamlload import load_yaml\n"
             "for p in open(sys.argv[1]).read().split('\\n'):\n    load_yaml(open(p, encoding='utf-8').read(), p)\n")
    plan["d"] = lambda: once([sys.executable, "-c", floor, str(listing)])
    if has_pr:
        path = repo / mot_files[len(mot_files) // 2]
        path.write_text(path.read_text(encoding="utf-8") + "# changed in this pull request\n", encoding="utf-8")
        git(repo, "commit", "-q", "-am", "change one manifest")
        plan["f"] = lambda: once(eval_cmd("--diff-base", "HEAD~1"))
        # git's own passes over the repository that pull-request mode cannot do without, one after the
        # other: what changed since the merge base, which files there are, and one text search for the
        # changed model's name in the merge base's blobs (as pull-request mode searches)
        needle = shlex.quote(path.name.split(".", 1)[0].lower())
        passes = (f"git diff --name-status -z -M --merge-base HEAD~1 -- >/dev/null && "
                  f"git ls-files --others --exclude-standard -z >/dev/null && "
                  f"git ls-files -z -v -s --cached -- {mot_dir} >/dev/null && "
                  f"{{ LC_ALL=C git grep --threads 1 -z -i -F -e {needle} HEAD~1 -- {mot_dir} >/dev/null; true; }}")
        plan["f0"] = lambda: once(["sh", "-c", passes])
    else:
        notes.append("(f) pull-request mode: not available (`eval --diff-base` is missing)")
    plan["e"] = lambda: once(eval_cmd(paths=(one,)))
    if peer:
        plan["e_peer"] = lambda: once([*fixed, one])
    quick = [k for k in ("e", "e_peer", "f", "f0") if k in plan]  # short runs: several per round, in turn
    runs: dict[str, list[Run]] = {key: [] for key in plan}
    for _ in range(max(1, args.repeat)):
        for key in [k for k in plan if k not in quick]:
            runs[key].append(plan[key]())
        for _ in range(max(1, args.one_file_runs)):
            for key in quick:
                runs[key].append(plan[key]())
    fig: dict[str, Run | None] = {key: best(found) for key, found in runs.items()}
    fig.setdefault("c", None)
    fig.setdefault("e_peer", None)
    fig.setdefault("f", None)
    fig["g"] = once(eval_cmd(paths=(f"{mot_dir}/000",)), tree=True)
    fig["h"] = once(eval_cmd(paths=(".",)), tree=True)
    notes.append(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    meta = {"has_jobs": has_jobs, "files_all": sum(len(v) for v in made.values()), "machine": machine(),
            "policy": " ".join(policy)}
    return fig, notes, meta


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return (f"{dt.date.today().isoformat()}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs ({cpu}), "
            f"Python {platform.python_version()}")


if __name__ == "__main__":
    sys.exit(main())
