"""The repository through gitpython: resolving the base, listing changes, reading blobs.

This is the only module that imports gitpython (inside functions: it is a heavy import and only
``--diff-base`` needs it). Every failure a user can cause becomes a :class:`UserError` that says
what to do.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from openness_policy.errors import UserError

SHALLOW_FIX = ("this is a shallow clone: fetch the full history (actions/checkout with `fetch-depth: 0`, "
               "or `git fetch --unshallow`)")
SYMLINK_MODE = 0o120000


@dataclass(frozen=True)
class Change:
    status: str  # A added, M modified, D deleted, R renamed, C copied, T type changed, ? untracked
    path: str  # repo-relative POSIX path now (for D: the deleted path)
    old: str | None = None  # the path at the base (R, C, M, T, D); None when added


def open_repo(root: Path) -> Any:
    try:
        import git
    except ImportError as exc:  # gitpython refuses to import without a git executable
        raise UserError(f"--diff-base needs git installed and on PATH ({exc})") from None
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UserError(f"--diff-base needs a git repository, and {root} is not inside one; run from a clone "
                        f"of the repository, or drop --diff-base to check every manifest") from None


def is_shallow(repo: Any) -> bool:
    return os.path.exists(os.path.join(repo.git_dir, "shallow"))


def resolve(repo: Any, ref: str) -> str:
    """The full commit id ``ref`` names, or a UserError saying how to make it available."""
    import git

    if not ref or ref.startswith("-"):
        raise UserError(f"--diff-base: '{ref}' is not a revision; give a branch, tag or commit id")
    try:
        return repo.commit(ref).hexsha
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        hint = SHALLOW_FIX if is_shallow(repo) else f"fetch it first (e.g. `git fetch origin {ref}`) or check the name"
        raise UserError(f"--diff-base: unknown revision '{ref}' in {repo.working_dir}; {hint}") from None


def merge_base(repo: Any, base: str, ref: str) -> str:
    """Where the work forked from ``base``: the changes to judge are the ones made since then."""
    import git

    try:
        head = repo.head.commit.hexsha
    except ValueError:  # no commit yet: everything in the work tree is new
        return base
    try:
        found = repo.merge_base(base, head)
    except git.GitCommandError:
        found = []
    if found:
        return found[0].hexsha
    if is_shallow(repo):
        raise UserError(f"--diff-base: the history between '{ref}' and HEAD is missing; {SHALLOW_FIX}")
    return base  # unrelated histories: compare with the base as it is


def changes(repo: Any, base: str) -> list[Change]:
    """Files that differ between commit ``base`` and the work tree, untracked files included."""
    raw = repo.git.diff("--name-status", "-z", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                        "--ignore-submodules", base, "--", stdout_as_string=False)
    out = _parse_name_status(raw.decode("utf-8", "surrogateescape"))
    others = repo.git.ls_files("--others", "--exclude-standard", "-z", stdout_as_string=False)
    out += [Change("?", p) for p in others.decode("utf-8", "surrogateescape").split("\0") if p]
    return out


def _parse_name_status(text: str) -> list[Change]:
    parts = text.split("\0")
    out: list[Change] = []
    i = 0
    while i < len(parts) and parts[i]:
        status = parts[i][:1]
        if status in ("R", "C"):
            out.append(Change(status, parts[i + 2], parts[i + 1]))
            i += 3
            continue
        path = parts[i + 1]
        out.append(Change(status, path, None if status == "A" else path))
        i += 2
    return out


class BlobReader:
    """Files of one commit, read from git objects. Never checks anything out."""

    def __init__(self, repo: Any, sha: str):
        self.repo, self.sha = repo, sha
        self.tree = repo.commit(sha).tree

    def _item(self, path: str) -> Any | None:
        try:
            return self.tree / path
        except KeyError:
            return None

    def exists(self, path: str) -> bool:
        item = self._item(path)
        return item is not None and item.type == "blob"

    def read(self, path: str, max_bytes: int) -> bytes | None:
        """The file's bytes; None when it is not there. Raises ValueError for what must not be read."""
        item = self._item(path)
        if item is None or item.type != "blob":
            return None
        if item.mode == SYMLINK_MODE:
            raise ValueError("is a symbolic link in the base commit; not followed")
        if item.size > max_bytes:
            raise ValueError(f"is {item.size:,} bytes in the base commit, over the {max_bytes:,}-byte limit; not read")
        return item.data_stream.read()

    def names(self, folder: str) -> list[str]:
        """File names directly inside ``folder`` ("" for the top)."""
        tree = self.tree if folder in ("", ".") else self._item(folder)
        if tree is None or tree.type != "tree":
            return []
        return sorted(b.name for b in tree.blobs)


def files_without(root: Path, patterns: list[bytes], pathspecs: list[str]) -> set[str] | None:
    """Repo-relative paths of the files ``git grep`` searched and found none of ``patterns`` in.

    One ``git grep -L`` over the tracked files of the work tree, with fixed strings matched byte for
    byte but ASCII letters in any case (``LC_ALL=C``). A file git does not search (untracked, a
    symbolic link, a path outside ``pathspecs``) is simply not listed, so callers treat the answer
    as "these can be ruled out", never as "these are all there is". None when git fails.
    """
    import subprocess

    if not patterns or not pathspecs:
        return None
    cmd = [b"git", b"-c", b"grep.fallbackToNoIndex=false", b"grep", b"--full-name", b"-L",
           b"-z", b"-i", b"-F", b"--no-color", b"--no-textconv"]
    for p in patterns:
        cmd += [b"-e", p]
    cmd += [b"--", *(os.fsencode(s) for s in pathspecs)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "GIT_GREP"))}
    env["LC_ALL"] = "C"
    try:
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode not in (0, 1) or proc.stderr.strip():
        return None
    return {n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n}


def index_only(root: Path, pathspecs: list[str]) -> Callable[[], "set[str] | None"]:
    """Tracked files git reads from the index rather than the work tree (marked assume-unchanged or
    skip-worktree): ``git grep`` searches their indexed text, which may not be what is on disk.
    Started now, answered when the returned function is called (None when git fails)."""
    import subprocess

    try:
        proc = subprocess.Popen([b"git", b"ls-files", b"-v", b"-z", b"--", *(os.fsencode(s) for s in pathspecs)],
                                cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except (OSError, ValueError):
        return lambda: None

    def answer() -> set[str] | None:
        try:
            out, _ = proc.communicate(timeout=120)
        except subprocess.SubprocessError:
            proc.kill()
            proc.communicate()
            return None
        if proc.returncode != 0:
            return None
        entries = out.decode("utf-8", "surrogateescape").split("\0")
        return {e[2:] for e in entries if len(e) > 2 and (e[0].islower() or e[0] == "S")}
    return answer
