"""Pull-request mode's first git commands, started before the rest of the run is ready.

``eval --diff-base REF`` cannot choose what to judge before it knows the repository, the merge base
with REF, the files changed since then and the files git tracks under the command's folders. None of
that needs a plugin or a policy, so the CLI starts every one of those commands at once
(:class:`GitStart`), before it imports the engine and loads plugins: on two cores git's part then
costs almost nothing of the run's time. The diff does not wait for the merge base: ``git diff
--merge-base REF`` finds it itself.

Nothing here decides anything: :meth:`GitStart.result` gives what the functions of
:mod:`openness_policy.git.repo` give when called one after the other, and raises the same errors (an
unknown revision, no repository) at the point the run asks for them. When git's shortcut does not
apply (no merge base, a shallow clone, no commit yet), the diff is run again the usual way.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from openness_policy.git.repo import (Change, Repo, changes, decoded, merge_base, name_status, open_repo, valid_ref,
                                      wait_exit)

Waiter = Callable[[], "subprocess.CompletedProcess | None"]  # None: git could not be run or did not finish


@dataclass
class Started:
    repo: Repo
    ref_sha: str
    fork: str  # the merge base of REF and HEAD
    changes: list[Change]  # between the fork and the work tree, untracked files included
    listed: dict[str, bytes]  # absolute folder -> ``discover.git_files_command``'s output (folders git listed)
    rewritten: Callable[[], set[str] | None]  # files under the folders a checkout filter rewrites


class GitStart:
    """The git commands pull-request mode needs first, all started now, each on its own."""

    def __init__(self, ref: str, root: Path, paths: Sequence[str]) -> None:
        from openness_policy.git.attributes import rewritten

        self.ref, self.root, self.paths = ref, root, tuple(paths)
        self._value: Started | None = None
        ok = valid_ref(ref)  # else open_repo says why, without running git
        self._rev = _spawn(root, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--verify", "--quiet",
                           f"{ref}^{{commit}}") if ok else None
        self._base = _spawn(root, "merge-base", ref, "HEAD") if ok else None
        self._diff = _spawn(root, "diff", "--name-status", "-z", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                            "--ignore-submodules", "--merge-base", ref, "--") if ok else None
        self._others = _spawn(root, "ls-files", "--others", "--exclude-standard", "-z") if ok else None
        self._lists = start_listing(root, self.paths, untracked_known=True)
        self._rewritten = rewritten(root, list(self._lists))

    def serves(self, ref: str, root: Path, paths: Sequence[str]) -> bool:
        return (ref, root, tuple(paths)) == (self.ref, self.root, self.paths)

    def result(self) -> Started:
        """What the commands found; raises what :mod:`openness_policy.git.repo` would have raised."""
        if self._value is None:
            self._value = self._collect()
        return self._value

    def _collect(self) -> Started:
        repo, sha = open_repo(self.root, self.ref, _done(self._rev))
        assert sha is not None
        base = _done(self._base)
        fork = merge_base(repo, sha, self.ref, base)
        here = Path(os.path.realpath(repo.working_tree_dir)) == Path(os.path.realpath(self.root))
        diff, others = _done(self._diff), _done(self._others)
        if (here and base is not None and base.returncode == 0 and decoded(base.stdout).strip() == fork
                and diff is not None and diff.returncode == 0 and others is not None and others.returncode == 0):
            found = name_status(decoded(diff.stdout)) + [Change("?", p) for p in decoded(others.stdout).split("\0") if p]
        else:  # git's shortcut did not apply: the usual way, with its errors
            found = changes(repo, fork)()
        listed = waited(self._lists) if here else {}
        return Started(repo, sha, fork, found, listed, self._rewritten if here else lambda: None)


def _done(wait: Waiter | None) -> subprocess.CompletedProcess | None:
    return None if wait is None else wait()


def _spawn(root: Path, *args: str) -> Waiter:
    """``git ARGS`` in ``root``, started now; output goes to temporary files (a pipe nobody reads yet
    would stop git at 64 KiB)."""
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(["git", *args], cwd=root, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    except (OSError, ValueError):
        out.close()
        err.close()
        return lambda: None

    done: list[subprocess.CompletedProcess | None] = []

    def wait() -> subprocess.CompletedProcess | None:
        if not done:
            with out, err:
                try:
                    wait_exit(proc)
                    out.seek(0)
                    err.seek(0)
                    done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read()))
                except subprocess.SubprocessError:
                    proc.kill()
                    proc.wait()
                    done.append(None)
        return done[0]
    return wait


def start_listing(root: Path, paths: Sequence[str], untracked_known: bool) -> dict[str, Waiter]:
    """``git ls-files`` for each folder among ``paths``, as :func:`openness_policy.discover.listing` runs it
    (``untracked_known``: the index only, as in pull-request mode, which lists untracked files itself),
    started now: absolute folder -> its waiter. Nothing outside a git work tree."""
    from openness_policy.discover import git_files_command

    if not (root / ".git").exists():
        return {}
    out = {}
    for raw in dict.fromkeys(paths):
        if os.path.isdir(raw) and not os.path.islink(raw):
            out[os.path.abspath(raw)] = _spawn(root, *git_files_command(Path(raw), untracked_known)[1:])
    return out


def waited(started: dict[str, Waiter]) -> dict[str, bytes]:
    """The outputs of :func:`start_listing`'s commands that succeeded."""
    return {top: proc.stdout for top, wait in started.items() if (proc := wait()) is not None and proc.returncode == 0}
