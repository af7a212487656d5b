"""The click-free ``eval`` parser (``cli.fast_eval``) agrees with click wherever it answers.

Every command line it accepts must give ``eval_command`` exactly the arguments click gives it; every
other command line (help, errors, unusual forms) must be left to click (``parse`` returns None).
"""
from __future__ import annotations

import itertools
import os
import random

import click
import pytest

from openness_policy.cli import fast_eval
from openness_policy.cli.eval_cmd import eval_command


def _click_params(args: list[str]) -> dict:
    with eval_command.make_context("eval", list(args)) as ctx:
        return dict(ctx.params)


def test_the_tables_name_every_parameter_and_option_of_the_command():
    params = {p.name for p in eval_command.params}
    assert set(fast_eval.DEFAULTS) == params
    options = {o for p in eval_command.params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts)}
    known = set(fast_eval.MULTIPLE) | set(fast_eval.SINGLE) | set(fast_eval.FLAGS)
    assert known == options - {"-h", "--help"}


def test_no_options_gives_clicks_defaults():
    assert fast_eval.parse(["eval"]) == _click_params([])


VALUES = {
    "--policy": ["p.yaml", "", "a=b"], "--template": ["osaid-1.0", "x"], "--format": ["sarif", "text"],
    "--output": ["out.sarif", "sarif=o.sarif", ""], "--fail-on": ["error", "note", "none", "Error", "fatal"],
    "--today": ["2025-08-02", "2025-13-01", "tomorrow", "20250802"], "--max-file-size": ["1", "0", "-3", "12", " 7 ", "1_000", "x", "1.5"],
    "--diff-base": ["main", ""], "--policy-from": ["base", "head", "HEAD"], "--baseline": ["b.json"],
    "--write-baseline": ["w.json"], "--jobs": ["auto", "1", "4", "0", "-1", "x", "AUTO"], "-j": ["2", "auto"],
}
FLAGS = ["--only-new", "--exit-zero", "--color", "--no-color"]
PATHS = ["models/a.yml", "b", "", "x y"]


def _random_args(rng: random.Random) -> list[str]:
    args: list[str] = []
    for _ in range(rng.randint(0, 6)):
        kind = rng.random()
        if kind < 0.45:
            opt = rng.choice(list(VALUES))
            value = rng.choice(VALUES[opt])
            args += [f"{opt}={value}"] if opt.startswith("--") and rng.random() < 0.3 else [opt, value]
        elif kind < 0.7:
            args.append(rng.choice(FLAGS))
        else:
            args.append(rng.choice(PATHS))
    return args


def test_random_command_lines_parse_as_click_parses_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = random.Random(20261126)
    accepted = 0
    for _ in range(3000):
        args = _random_args(rng)
        fast = fast_eval.parse(["eval", *args])
        if fast is None:
            continue
        accepted += 1
        assert fast == _click_params(args), args
    assert accepted > 500  # the plain command lines are the common case


@pytest.mark.parametrize("args", [
    ["--help"], ["-h"], ["--", "a"], ["-"], ["--nope"], ["-j4"], ["-j=4"], ["--template"], ["--template", "-x"],
    ["--exit-zero=1"], ["--fail-on", "a", "--fail-on", "b"], ["--color", "--no-color"], ["--only-new"],
    ["--policy-from", "head"], ["--diff-base", "main", "--write-baseline", "w.json"], ["--jobs", "0"],
    ["--today", "2025-02-30"], ["--max-file-size", "0"], ["--fail-on", "fatal"], ["a\0b"],
])
def test_unusual_or_wrong_command_lines_are_left_to_click(args):
    assert fast_eval.parse(["eval", *args]) is None


def test_other_commands_and_completion_are_left_to_click(monkeypatch):
    assert fast_eval.parse([]) is None
    assert fast_eval.parse(["--version"]) is None
    assert fast_eval.parse(["classify", "x"]) is None
    assert fast_eval.parse(["eval", "x"]) is not None
    monkeypatch.setenv("_OPENNESS_POLICY_COMPLETE", "bash_complete")
    assert fast_eval.parse(["eval", "x"]) is None


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_path_is_left_to_click(tmp_path):
    f = tmp_path / "m.yml"
    f.write_text("x")
    f.chmod(0)
    assert fast_eval.parse(["eval", str(f)]) is None


def test_every_flag_and_option_combination_of_two(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    tokens = [[o, v] for o, vs in VALUES.items() for v in vs[:2]] + [[f] for f in FLAGS] + [[p] for p in PATHS[:2]]
    for a, b in itertools.product(tokens, repeat=2):
        args = a + b
        fast = fast_eval.parse(["eval", *args])
        if fast is not None:
            assert fast == _click_params(args), args


def _manifest() -> str:
    from tests.conftest import REPO

    return (REPO / "examples" / "demo" / "models" / "atlas-chat" / "atlas-chat.openness.yaml").read_text()


@pytest.mark.parametrize("target, collecting", [(".", True), ("m.openness.yaml", False), ("--diff-base", True)])
def test_the_program_collects_garbage_while_it_judges_many_files(tmp_path, monkeypatch, target, collecting):
    """The console program pauses the cyclic collector for its start-up (cli._pause_gc), and for the whole
    run when it judges a few files named on the command line; it is back on when main returns."""
    import gc

    from openness_policy import cli, engine, streaming
    from openness_policy.errors import UserError

    (tmp_path / "m.openness.yaml").write_text(_manifest(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENNESS_POLICY_CACHE_DIR", str(tmp_path / "cache"))
    args = ["m.openness.yaml", "--diff-base", "HEAD"] if target == "--diff-base" else [target]
    monkeypatch.setattr("sys.argv", ["openness-policy", "eval", "--template", "osaid-1.0", "--format", "sarif",
                                     "--output", "out.sarif", *args])
    seen = []

    def judging(*args, **kwargs):
        seen.append(gc.isenabled())
        raise UserError("stop here")

    monkeypatch.setattr(streaming, "run", judging)
    monkeypatch.setattr(engine, "run", judging)
    try:
        assert cli.main() == 2
        assert seen == [collecting] and gc.isenabled() and not cli._PAUSED
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_few_named_files_are_few():
    from openness_policy.cli.eval_run import FEW_FILES, _few_files
    from tests.conftest import REPO

    manifest = str(REPO / "examples" / "demo" / "models" / "atlas-chat" / "atlas-chat.openness.yaml")
    assert _few_files((manifest,)) and _few_files((manifest,) * FEW_FILES)
    assert not _few_files(()) and not _few_files((manifest,) * (FEW_FILES + 1))
    assert not _few_files((manifest, str(REPO))) and not _few_files(("no-such-file",))
