"""Finding manifest files: paths from the command line, directories walked like a repository.

In a git work tree the walk honours ``.gitignore`` (one ``git ls-files`` call per directory, never
one per file); elsewhere it walks the folder, skipping VCS and virtual-environment folders.
Git itself is only required by git-specific options.
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from openness_policy.errors import UserError

SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache"}


@dataclass(frozen=True)
class Candidate:
    path: Path  # as on disk (not resolved: symlinks are judged by the reader)
    display: str  # repo-relative POSIX path, or the path as given when outside the repository
    explicit: bool  # named on the command line (then a non-manifest is reported, not skipped)


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


def _display_under(path: Path, root_prefix: str, root: Path) -> str:
    """:func:`display_path` for a file git listed under the root: its text after the root's."""
    text = str(path)
    if text.startswith(root_prefix) and os.sep == "/" and "/." not in text and "//" not in text:
        shown = text[len(root_prefix):]
        try:
            shown.encode("utf-8")
        except UnicodeEncodeError:
            shown = shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return shown
    return display_path(path, root)


def candidates(paths: Iterable[str], root: Path, patterns: tuple[str, ...]) -> list[Candidate]:
    out: dict[str, Candidate] = {}
    is_git = (root / ".git").exists()
    wanted = _matcher(patterns)
    root_prefix = os.path.join(os.path.abspath(root), "")
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            raise UserError(f"{raw}: no such file or directory")
        if p.is_dir() and not p.is_symlink():
            files = _git_files(p, root) if is_git else None
            for f in (files if files is not None else _walk(p)):
                if wanted(f.name):
                    c = Candidate(f, _display_under(f, root_prefix, root), False)
                    out.setdefault(c.display, c)
        else:
            c = Candidate(p, display_path(p, root), True)
            out[c.display] = c
    return [out[k] for k in sorted(out)]


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


def _git_files(top: Path, root: Path) -> list[Path] | None:
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
             os.path.abspath(top)],
            cwd=root, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [root / n for n in names if os.path.lexists(root / n)]
