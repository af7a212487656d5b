"""Text search over the repository with ``git grep``, for pull-request mode.

:class:`GitSearch` runs ``git grep`` over the manifests the command's paths can hold and answers only
for the files git read from the work tree; :mod:`openness_policy.git.mentions` decides from the lines
it returns which files can matter. Also here: which files git searches, and which files are named
like a model (a cheap guess of where a base model is described).
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, Callable

from openness_policy.git.repo import TIMEOUT, decoded


class GitSearch:
    """``git grep`` over the manifests the command's paths can hold, answered only for the files git
    read from the work tree (as :func:`openness_policy.discover.listing` tells, or
    :func:`searched_files` when the listing did not come from git)."""

    def __init__(self, root: Path, specs: list[str], folders: list[str]):
        self.root, self.specs, self.folders = root, specs, folders
        self._known: list[set[str] | None] = []

    def listed(self, searched: set[str] | None) -> None:
        """What the discovery of candidates learnt from git about the files it searches."""
        if searched is not None and not self._known:
            self._known.append(searched)

    def files(self) -> set[str] | None:
        """The files git searches (None: it cannot tell)."""
        if not self._known:
            self._known.append(searched_files(self.root, self.specs)())
        return self._known[0]

    def named_like(self, stems: set[str]) -> list[str]:
        return named_like(self.root, stems, self.folders)

    def start(self, patterns: list[bytes]) -> Callable[[], tuple[dict[str, list[str]], set[str]] | None]:
        """Start searching; the returned function gives (path -> its lines holding a pattern, the files
        searched), or None when git cannot tell."""
        wait = matching_lines(self.root, patterns, self.specs)

        def answer() -> tuple[dict[str, list[str]], set[str]] | None:
            found, searched = wait(), self.files()
            if found is None or searched is None:
                return None
            return {p: ls for p, ls in found.items() if p in searched}, searched
        return answer


def git_search(repo: Any, root: Path, paths: list[str], patterns: tuple[str, ...]) -> GitSearch | None:
    """A search over the folders in ``paths`` (None: git cannot help here, every file is read)."""
    try:
        if Path(os.path.realpath(repo.working_tree_dir)) != Path(os.path.realpath(root)):
            return None
    except (TypeError, OSError):
        return None
    folders = _folders(paths, root)
    specs = _pathspecs(folders, patterns)
    return GitSearch(root, specs, folders) if specs else None


def _folders(paths: list[str], root: Path) -> list[str]:
    """The repo-relative folders among ``paths`` ("" for the top)."""
    out = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and not p.is_symlink():
            try:
                rel = Path(os.path.abspath(p)).relative_to(root).as_posix()
            except ValueError:
                continue
            out.append("" if rel == "." else rel)
    return out


def _pathspecs(folders: list[str], patterns: tuple[str, ...]) -> list[str]:
    """Git pathspecs for the manifests under ``folders`` (files named on the command line are read
    directly). Name patterns become globs when fnmatch and git read them alike; otherwise the whole
    folder is searched."""
    globs = all("\\" not in p and "/" not in p and "[^" not in p and "[]" not in p and "[!]" not in p for p in patterns)
    out: list[str] = []
    for rel in folders:
        if not globs:
            out.append(f":(top,literal){rel}" if rel else ":(top)")
            continue
        out += [f":(top,glob){_glob_folder(rel)}**/{pat}" for pat in dict.fromkeys(patterns)]
    return out


def _glob_folder(rel: str) -> str:
    """``rel/`` with glob characters escaped ("" for the top), to start a glob pathspec."""
    return "".join("\\" + ch if ch in "*?[\\" else ch for ch in rel) + "/" if rel else ""


def matching_lines(root: Path, patterns: list[bytes], pathspecs: list[str]) -> Callable[[], "dict[str, list[str]] | None"]:
    """Repo-relative path -> the lines holding any of ``patterns`` (fixed strings, ASCII letters in any case),
    for the files ``git grep`` searched. None when git fails or its answer cannot be read for certain
    (a binary file, a NUL inside a line): the caller then falls back to reading files itself.
    The search starts now; the returned function waits for it."""
    wait = _grep_started(root, [], patterns, pathspecs)

    def answer() -> dict[str, list[str]] | None:
        out = wait()
        if out is None:
            return None
        found: dict[str, list[str]] = {}
        for record in out.split(b"\n"):
            if not record:
                continue
            path, sep, line = record.partition(b"\0")
            if not sep or b"\0" in line:  # "Binary file ... matches", a NUL in a line, or a newline in a path
                return None
            found.setdefault(decoded(path), []).append(decoded(line))
        return found
    return answer


def _grep_started(root: Path, mode: list[bytes], patterns: list[bytes], pathspecs: list[str]) -> Callable[[], bytes | None]:
    if not patterns or not pathspecs:
        return lambda: None
    cmd = [b"git", b"-c", b"grep.fallbackToNoIndex=false", b"grep", b"--full-name", *mode,
           b"-z", b"-i", b"-F", b"--no-color", b"--no-textconv"]
    for p in patterns:
        cmd += [b"-e", p]
    cmd += [b"--", *(os.fsencode(s) for s in pathspecs)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "GIT_GREP"))}
    env["LC_ALL"] = "C"
    import tempfile

    # Output goes to temporary files, not pipes: nobody reads a pipe while the search runs, and git
    # would stop at the pipe's 64 KiB until someone did.
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=err)
    except (OSError, ValueError):
        out.close()
        err.close()
        return lambda: None

    def wait() -> bytes | None:
        with out, err:
            try:
                proc.wait(timeout=TIMEOUT)
            except subprocess.SubprocessError:
                proc.kill()
                proc.wait()
                return None
            out.seek(0)
            err.seek(0)
            if proc.returncode not in (0, 1) or err.read().strip():
                return None
            return out.read()
    return wait


def named_like(root: Path, stems: set[str], folders: list[str]) -> list[str]:
    """Repo-relative paths of the files under ``folders`` (repo-relative, "" for the top) whose name up
    to its first dot is one of ``stems``, in any case: one ``git ls-files`` over the index (tracked
    files only: this serves a guess); [] when git fails. Words holding glob characters are not looked for."""
    words = sorted(w for w in stems if w and not any(ch in w for ch in "*?[]\\/"))
    specs = [f":(top,icase,glob){_glob_folder(folder)}**/{w}{tail}" for folder in folders for w in words
             for tail in ("", ".*")]
    if not specs:
        return []
    try:
        proc = subprocess.run(["git", "ls-files", "-z", "--", *specs],
                              cwd=root, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, ValueError, subprocess.SubprocessError):
        return []
    if proc.returncode != 0:
        return []
    return sorted({n for n in decoded(proc.stdout).split("\0") if n})


def searched_files(root: Path, pathspecs: list[str]) -> Callable[[], "set[str] | None"]:
    """The files ``git grep`` reads from the work tree under ``pathspecs``: tracked regular files, not
    marked assume-unchanged or skip-worktree (git searches their *indexed* text, which may not be what
    is on disk), not symbolic links (git searches the link's text, not the file it points to), not
    unmerged. Started now, answered when the returned function is called (None when git fails)."""
    try:
        proc = subprocess.Popen([b"git", b"ls-files", b"-v", b"-s", b"-z", b"--", *(os.fsencode(s) for s in pathspecs)],
                                cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except (OSError, ValueError):
        return lambda: None

    def answer() -> set[str] | None:
        try:
            out, _ = proc.communicate(timeout=TIMEOUT)
        except subprocess.SubprocessError:
            proc.kill()
            proc.communicate()
            return None
        if proc.returncode != 0:
            return None
        found = set()
        for entry in decoded(out).split("\0"):
            meta, _, path = entry.partition("\t")
            parts = meta.split(" ")
            if len(parts) == 4 and parts[0] == "H" and parts[1] in ("100644", "100755") and parts[3] == "0":
                found.add(path)
        return found
    return answer
