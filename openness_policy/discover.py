"""Finding manifest files: paths from the command line, directories walked like a repository.

In a git work tree the walk honours ``.gitignore`` (one ``git ls-files`` call per directory, never
one per file); elsewhere it walks the folder, skipping VCS and virtual-environment folders.
Git itself is only required by git-specific options.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Callable, Iterable

from openness_policy.errors import UserError

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


class Candidate:
    """A file to judge. ``path`` is as on disk (not resolved: symlinks are judged by the reader);
    ``display`` the repo-relative POSIX path, or the path as given when outside the repository;
    ``explicit``: named on the command line (then a non-manifest is reported, not skipped).

    A walk lists thousands of files of which a pull-request run reads a handful, so the ``Path`` is
    made when first asked for."""

    __slots__ = ("_path", "display", "explicit")

    def __init__(self, path: Path | str, display: str, explicit: bool):
        self._path, self.display, self.explicit = path, display, explicit

    @property
    def path(self) -> Path:
        if type(self._path) is str:
            self._path = Path(self._path)
        return self._path  # type: ignore[return-value]

    def _key(self) -> tuple:
        return (str(self._path), self.display, self.explicit)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Candidate(path={str(self._path)!r}, display={self.display!r}, explicit={self.explicit})"

    def __reduce__(self) -> tuple:
        return Candidate, (str(self._path), self.display, self.explicit)


def find_root(start: Path) -> Path:
    """The enclosing git work tree's top folder, or ``start`` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def display_path(path: Path, root: Path) -> str:
    """Repo-relative POSIX path (or the path as given), always valid Unicode: bytes that are not
    UTF-8 in a file name show as U+FFFD, so every reporter can encode it (SARIF URIs included)."""
    try:
        shown = Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        shown = path.as_posix()
    try:
        shown.encode("utf-8")
    except UnicodeEncodeError:
        shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return shown


def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """``any(fnmatch.fnmatch(name, p) for p in patterns)`` as one compiled expression."""
    import re

    if not patterns:
        return lambda name: False
    regex = re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))
    return lambda name: regex.match(os.path.normcase(name)) is not None


def candidates(paths: Iterable[str], root: Path, patterns: tuple[str, ...]) -> list[Candidate]:
    out: dict[str, Candidate] = {}
    is_git = (root / ".git").exists()
    wanted = _matcher(patterns)
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            raise UserError(f"{raw}: no such file or directory")
        if p.is_dir() and not p.is_symlink():
            listed = _git_files(p, root) if is_git else None
            if listed is not None:
                prefix = os.path.join(os.fspath(root), "")
                for name in listed:
                    if wanted(name.rpartition("/")[2]):
                        c = Candidate(prefix + name, _shown(name), False)
                        out.setdefault(c.display, c)
                continue
            for f in _walk(p):
                if wanted(f.name):
                    c = Candidate(f, display_path(f, root), False)
                    out.setdefault(c.display, c)
        else:
            c = Candidate(p, display_path(p, root), True)
            out[c.display] = c
    return [out[k] for k in sorted(out)]


def _shown(name: str) -> str:
    """:func:`display_path` of a path git listed (already repo-relative and POSIX)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def _walk(top: Path) -> Iterable[Path]:
    """Files under ``top`` in sorted order, without following links to folders. Iterative: a deep
    tree cannot exhaust the recursion limit (``os.walk`` recurses before Python 3.12)."""
    pending = [str(top)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name not in SKIP_DIRS:
                    subdirs.append(entry.path)
            else:
                yield Path(entry.path)
        pending.extend(reversed(subdirs))


def _git_files(top: Path, root: Path) -> list[str] | None:
    """Repo-relative paths of the files under ``top`` that git tracks or would (``.gitignore`` honoured),
    without those deleted from the work tree; None when git cannot tell. One ``git ls-files`` call:
    its status tags say which tracked files are gone, so no file is looked at from here."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-z", "-t", "--cached", "--others", "--deleted",
             "--exclude-standard", "--", os.path.abspath(top)],
            cwd=root, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    entries = [e for e in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if len(e) > 2]
    deleted = {e[2:] for e in entries if e[0] == "R"}
    names = []
    for e in entries:
        tag, name = e[0], e[2:]
        if tag == "R" or name in deleted:
            continue
        if tag == "S" and not os.path.lexists(os.path.join(root, name)):  # skip-worktree: maybe not checked out
            continue
        names.append(name)
    return list(dict.fromkeys(names))
