"""The repository through git's plumbing commands: resolving the base, listing changes, reading blobs.

Every git command of ``--diff-base`` runs here, as a child process of the ``git`` on PATH, with
arguments passed as a list (never through a shell); a revision a user typed is refused when it
could read as an option. gitpython was used here first; its import alone (~100 ms) cost as much as a whole one-file
run, and pull-request mode must stay within twice that (issue 6), so the handful of plumbing
commands below are run directly. Every failure a user can cause becomes a :class:`UserError` that
says what to do.
"""
from __future__ import annotations

import os
import subprocess
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable

from openness_policy.errors import UserError

SHALLOW_FIX = ("this is a shallow clone: fetch the full history (actions/checkout with `fetch-depth: 0`, "
               "or `git fetch --unshallow`)")
SYMLINK_MODE = 0o120000
TIMEOUT = 300


@dataclass(frozen=True)
class Change:
    status: str  # A added, M modified, D deleted, R renamed, C copied, T type changed, ? untracked
    path: str  # repo-relative POSIX path now (for D: the deleted path)
    old: str | None = None  # the path at the base (R, C, M, T, D); None when added


@dataclass(frozen=True)
class Repo:
    working_tree_dir: str  # the work tree's top folder
    git_dir: str

    @property
    def working_dir(self) -> str:
        return self.working_tree_dir

    def run(self, *args: str | bytes, check: bool = True) -> subprocess.CompletedProcess:
        """``git ARGS`` in the work tree; raises :class:`GitError` when ``check`` and git fails."""
        return _git(self.working_tree_dir, *args, check=check)


class GitError(UserError):
    """A git command failed where it should not have (a damaged repository, say): exit 2, with git's words."""

    def __init__(self, args: tuple, code: int, stderr: bytes):
        said = stderr.decode("utf-8", "replace").strip() or "no message"
        super().__init__(f"--diff-base: `git {' '.join(decoded(a) if isinstance(a, bytes) else a for a in args[:2])}` "
                         f"failed (exit {code}): {said}")
        self.code = code


def _git(cwd: str | Path, *args: str | bytes, check: bool = True) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=TIMEOUT, check=False)
    except FileNotFoundError:
        raise UserError("--diff-base needs git installed and on PATH") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise UserError(f"--diff-base: running git failed ({exc})") from None
    if check and proc.returncode != 0:
        raise GitError(args, proc.returncode, proc.stderr)
    return proc


def wait_exit(proc: subprocess.Popen, timeout: float = TIMEOUT) -> None:
    """``proc.wait(timeout)``, woken the moment the process ends: Python's own timed wait polls with
    sleeps that double up to 50 ms, which costs milliseconds on every git command waited for. Raises
    ``subprocess.TimeoutExpired`` as ``wait`` does."""
    import select

    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux 5.3 or later, or the process is gone already
        proc.wait(timeout=timeout)
        return
    try:
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        if not poller.poll(timeout * 1000):
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(fd)
    proc.wait()  # it has ended: this only collects its exit status


def decoded(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def valid_ref(ref: str) -> bool:
    """False for what must not reach git as a revision (it could read as an option)."""
    return bool(ref) and not ref.startswith("-") and "\0" not in ref


def open_repo(root: Path, ref: str | None = None,
              proc: subprocess.CompletedProcess | None = None) -> tuple[Repo, str | None]:
    """The repository holding ``root``, and the commit id ``ref`` names (one ``git rev-parse``; ``proc``:
    its result, when the caller ran it already)."""
    if ref is not None and not valid_ref(ref):
        raise UserError(f"--diff-base: '{ref}' is not a revision; give a branch, tag or commit id")
    extra = ["--verify", "--quiet", f"{ref}^{{commit}}"] if ref is not None else []
    if proc is None:
        proc = _git(root, "rev-parse", "--show-toplevel", "--absolute-git-dir", *extra, check=False)
    lines = decoded(proc.stdout).splitlines()
    if len(lines) < 2:
        raise UserError(f"--diff-base needs a git repository, and {root} is not inside one; run from a clone "
                        f"of the repository, or drop --diff-base to check every manifest")
    repo = Repo(lines[0], lines[1])
    if ref is None:
        return repo, None
    if proc.returncode != 0 or len(lines) != 3:
        hint = SHALLOW_FIX if is_shallow(repo) else f"fetch it first (e.g. `git fetch origin {ref}`) or check the name"
        raise UserError(f"--diff-base: unknown revision '{ref}' in {repo.working_dir}; {hint}")
    return repo, lines[2]


def is_shallow(repo: Repo) -> bool:
    return os.path.exists(os.path.join(repo.git_dir, "shallow"))


def _commit(repo: Repo, rev: str) -> str | None:
    proc = repo.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    sha = decoded(proc.stdout).strip()
    return sha if proc.returncode == 0 and sha else None


def merge_base(repo: Repo, base: str, ref: str, proc: subprocess.CompletedProcess | None = None) -> str:
    """Where the work forked from ``base``: the changes to judge are the ones made since then. ``proc``:
    the result of ``git merge-base`` for ``base`` (or the revision ``ref`` that names it), when run already."""
    if proc is None:
        proc = repo.run("merge-base", base, "HEAD", check=False)
    found = decoded(proc.stdout).strip()
    if proc.returncode == 0 and found:
        return found
    if _commit(repo, "HEAD") is None:  # no commit yet: everything in the work tree is new
        return base
    if is_shallow(repo):
        raise UserError(f"--diff-base: the history between '{ref}' and HEAD is missing; {SHALLOW_FIX}")
    return base  # unrelated histories: compare with the base as it is


def changes(repo: Repo, base: str) -> Callable[[], list[Change]]:
    """Files that differ between commit ``base`` and the work tree, untracked files included. The two
    git commands start now and run alongside the caller; the returned function collects them."""
    diff = _start(repo, "diff", "--name-status", "-z", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
                  "--ignore-submodules", base, "--")
    others = _start(repo, "ls-files", "--others", "--exclude-standard", "-z")

    def collect() -> list[Change]:
        out = name_status(decoded(diff()))
        return out + [Change("?", p) for p in decoded(others()).split("\0") if p]
    return collect


def _start(repo: Repo, *args: str) -> Callable[[], bytes]:
    """``git ARGS`` started now; the returned function waits for its output (a GitError when it failed)."""
    try:
        proc = subprocess.Popen(["git", *args], cwd=repo.working_tree_dir, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise UserError("--diff-base needs git installed and on PATH") from None
    except OSError as exc:
        raise UserError(f"--diff-base: running git failed ({exc})") from None

    def wait() -> bytes:
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.SubprocessError as exc:
            proc.kill()
            proc.communicate()
            raise UserError(f"--diff-base: `git {args[0]}` did not finish ({exc})") from None
        if proc.returncode != 0:
            raise GitError(args, proc.returncode, err)
        return out
    return wait


def name_status(text: str) -> list[Change]:
    """``git diff --name-status -z`` output as changes."""
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


@dataclass(frozen=True)
class Entry:
    mode: int
    type: str  # blob, tree, commit (a submodule)
    sha: str
    size: int  # -1 for what is not a blob


class BlobReader:
    """Files of one commit, read from git objects. Never checks anything out.

    A folder's entries come from one ``git ls-tree`` (cached), file contents from one long-lived
    ``git cat-file --batch`` process: the number of git processes does not grow with the files read.
    """

    def __init__(self, repo: Repo, sha: str):
        self.repo, self.sha = repo, sha
        self._folders: dict[str, dict[str, Entry]] = {}
        self._cat: subprocess.Popen | None = None

    def _entries(self, folder: str) -> dict[str, Entry]:
        folder = "" if folder in ("", ".") else folder.strip("/")
        if folder not in self._folders:
            proc = self.repo.run("ls-tree", "-z", "-l", f"{self.sha}:{folder}" if folder else self.sha,
                                 check=False)
            entries: dict[str, Entry] = {}
            if proc.returncode == 0:
                for line in decoded(proc.stdout).split("\0"):
                    if "\t" not in line:
                        continue
                    meta, name = line.split("\t", 1)
                    mode, kind, sha, size = meta.split()
                    entries[name] = Entry(int(mode, 8), kind, sha, int(size) if size.isdigit() else -1)
            self._folders[folder] = entries
        return self._folders[folder]

    def _item(self, path: str) -> Entry | None:
        folder, _, name = path.strip("/").rpartition("/")
        return self._entries(folder).get(name)

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
        return self._blob(item.sha)

    def _blob(self, sha: str) -> bytes | None:
        if self._cat is None:
            try:
                self._cat = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.repo.working_tree_dir,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            except OSError as exc:
                raise UserError(f"--diff-base: running git failed ({exc})") from None
            weakref.finalize(self, _stop, self._cat)
        stdin, stdout = self._cat.stdin, self._cat.stdout
        assert stdin is not None and stdout is not None
        stdin.write(sha.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            return None
        data = _read_exactly(stdout, int(header[2]))
        stdout.read(1)  # the newline after the contents
        return data

    def names(self, folder: str) -> list[str]:
        """File names directly inside ``folder`` ("" for the top)."""
        return sorted(n for n, e in self._entries(folder).items() if e.type == "blob")


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = stream.read(left)
        if not chunk:
            raise UserError("--diff-base: git stopped while reading the base commit's files")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _stop(proc: subprocess.Popen) -> None:
    for stream in (proc.stdin, proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    proc.wait()  # cat-file ends at the end of its input
