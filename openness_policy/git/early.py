"""Pull-request mode's first git commands, started before the rest of the run is ready.

``eval --diff-base REF`` cannot choose what to judge before it knows the repository, the merge base
with REF, the files changed since then and the files git tracks under the command's folders. Those
are git commands, each waiting for the one before, and none needs a plugin or a policy. So the CLI
starts them (:class:`GitStart`) before it loads plugins, and a thread runs them while this process
imports and reads its policy: on two cores, git's part then costs almost nothing of the run's time.

Nothing here decides anything: :meth:`GitStart.result` gives what the same functions would have
given when called in order, and raises the same errors (an unknown revision, no repository) at the
point the run asks for them.
"""
from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from openness_policy.git.repo import TIMEOUT, Change, Repo, changes, merge_base, open_repo


@dataclass
class Started:
    repo: Repo
    ref_sha: str
    fork: str  # the merge base of REF and HEAD
    changes: list[Change]  # between the fork and the work tree, untracked files included
    listed: dict[str, bytes]  # absolute folder -> ``discover.git_files_command``'s output (folders git listed)
    rewritten: Callable[[], set[str] | None]  # files under the folders a checkout filter rewrites (``search.rewritten``)


class GitStart:
    """The git commands pull-request mode needs first, run on a thread from now on."""

    def __init__(self, ref: str, root: Path, paths: Sequence[str]) -> None:
        self.ref, self.root, self.paths = ref, root, tuple(paths)
        self._value: Started | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="openness-policy-git", daemon=True)
        self._thread.start()

    def serves(self, ref: str, root: Path, paths: Sequence[str]) -> bool:
        return (ref, root, tuple(paths)) == (self.ref, self.root, self.paths)

    def result(self) -> Started:
        """What the commands found; raises what they raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def _run(self) -> None:
        from openness_policy.git.attributes import rewritten

        lists = _start_lists(self.root, self.paths)  # these two need nothing from the commands below
        filtered = rewritten(self.root, list(lists))
        try:
            repo, sha = open_repo(self.root, self.ref)
            assert sha is not None
            fork = merge_base(repo, sha, self.ref)
            found = changes(repo, fork)()
        except BaseException as exc:  # handed to the thread that asks for the result
            self._error = exc
        listed = {top: out for top, wait in lists.items() if (out := wait()) is not None}
        if self._error is None:
            self._value = Started(repo, sha, fork, found, listed, filtered)


def _start_lists(root: Path, paths: Sequence[str]) -> dict[str, Any]:
    """``git ls-files`` for each folder among ``paths``, as :func:`openness_policy.discover.listing` runs
    it in pull-request mode (index only): absolute folder -> a function giving its output (None: failed)."""
    from openness_policy.discover import git_files_command

    if not (root / ".git").exists():
        return {}
    out = {}
    for raw in dict.fromkeys(paths):
        if not os.path.isdir(raw) or os.path.islink(raw):
            continue
        try:
            proc = subprocess.Popen(git_files_command(Path(raw), True), cwd=root, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
        except OSError:
            continue
        out[os.path.abspath(raw)] = _waiter(proc)
    return out


def _waiter(proc: subprocess.Popen) -> Any:
    def wait() -> bytes | None:
        try:
            data, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.SubprocessError:
            proc.kill()
            proc.communicate()
            return None
        return data if proc.returncode == 0 else None
    return wait
