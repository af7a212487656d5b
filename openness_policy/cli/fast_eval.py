"""``eval`` arguments parsed without click, for plain command lines (the common case).

Importing click and building the ``eval`` command costs ~15 ms, about a seventh of a one-file run.
:func:`parse` reads the subset of command lines whose meaning is beyond doubt: ``eval`` followed by
its known options (``--name value``, ``--name=value``, ``-j value``), each single-valued option at
most once, and positional paths not starting with ``-``. It returns ``eval_command``'s keyword
arguments exactly as click would (``tests/test_cli_fast.py`` compares them), or None for anything
else (help, an unknown or misspelt option, a bad value, ``--``, an unreadable path...), which click
then parses, reporting errors as it always has.
"""
from __future__ import annotations

import os
from typing import Any

from openness_policy.limits import MAX_FILE_BYTES

# option -> parameter, for options given any number of times (a tuple of strings, in order)
MULTIPLE = {"--policy": "policies", "--template": "templates", "--format": "formats", "--output": "outputs"}
# option -> parameter, for options taking one value (given at most once here)
SINGLE = {"--fail-on": "fail_on", "--today": "today", "--max-file-size": "max_file_size",
          "--diff-base": "diff_base", "--policy-from": "policy_from", "--baseline": "baseline_file",
          "--write-baseline": "write_baseline", "--jobs": "jobs", "-j": "jobs"}
# flag -> (parameter, value)
FLAGS = {"--only-new": ("only_new", True), "--exit-zero": ("exit_zero", True), "--color": ("color", True),
         "--no-color": ("color", False)}
CHOICES = {"fail_on": ("error", "warning", "note", "none"), "policy_from": ("base", "head")}
DEFAULTS: dict[str, Any] = {
    "paths": (), "policies": (), "templates": (), "formats": (), "outputs": (), "fail_on": "error", "today": None,
    "max_file_size": MAX_FILE_BYTES, "color": None, "diff_base": None, "only_new": False, "policy_from": None,
    "baseline_file": None, "write_baseline": None, "jobs": None, "exit_zero": False,
}
COMPLETE_VAR = "_OPENNESS_POLICY_COMPLETE"  # click's shell-completion request for prog_name openness-policy


def parse(args: list[str]) -> dict[str, Any] | None:
    """``eval_command``'s keyword arguments for ``args`` (the whole command line after the program
    name), or None when click must parse it."""
    if not args or args[0] != "eval" or os.environ.get(COMPLETE_VAR):
        return None
    multiple: dict[str, list[str]] = {p: [] for p in MULTIPLE.values()}
    raw: dict[str, Any] = {}
    paths: list[str] = []
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        i += 1
        if not arg.startswith("-"):
            paths.append(arg)
            continue
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in FLAGS and not eq:
            param, flag = FLAGS[name]
            if param in raw:
                return None
            raw[param] = flag
            continue
        if name not in MULTIPLE and name not in SINGLE:
            return None  # help, an unknown option, a short option with its value attached, "--", "-"
        if not eq:
            if i >= len(rest) or rest[i].startswith("-"):
                return None
            value = rest[i]
            i += 1
        if name in MULTIPLE:
            multiple[MULTIPLE[name]].append(value)
        elif SINGLE[name] in raw:
            return None
        else:
            raw[SINGLE[name]] = value
    params = dict(DEFAULTS, **{p: tuple(v) for p, v in multiple.items()})
    for param, value in raw.items():
        converted = _convert(param, value)
        if converted is _INVALID:
            return None
        params[param] = converted
    if any(_unreadable(p) for p in paths):
        return None
    params["paths"] = tuple(paths)
    if not params["diff_base"] and (params["only_new"] or params["policy_from"]):
        return None  # a usage error, reported by click
    if params["diff_base"] and params["write_baseline"]:
        return None
    return params


_INVALID = object()


def _convert(param: str, value: Any) -> Any:
    """Click's conversion of one value (types, ranges, choices and callbacks); _INVALID for an error."""
    if param in CHOICES:
        return value if value in CHOICES[param] else _INVALID
    if param == "max_file_size":
        try:
            number = int(value)
        except ValueError:
            return _INVALID
        return number if number >= 1 else _INVALID
    if param == "today":
        import datetime as dt

        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return _INVALID
    if param == "jobs":
        if value == "auto":
            return None
        try:
            n = int(value)
        except ValueError:
            return _INVALID
        return n if n >= 1 else _INVALID
    return value


def _unreadable(path: str) -> bool:
    """click.Path() refuses an existing path it cannot read."""
    try:
        os.stat(path)
    except OSError:
        return False
    except ValueError:  # a NUL character: left to click
        return True
    return not os.access(path, os.R_OK)
