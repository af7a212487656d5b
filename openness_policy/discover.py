"""Finding manifest files: paths from the command line, directories walked like a repository.

In a git work tree the walk honours ``.gitignore`` (one ``git ls-files`` call per directory, never
one per file); elsewhere it walks the folder, skipping VCS and virtual-environment folders.
Git itself is only required by git-specific options.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any, Callable, Iterable

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


def _shapes(patterns: tuple[str, ...]) -> tuple[set[str], tuple[str, ...], Any]:
    """``patterns`` (case-normalised) as literal names, literal tails after a ``*``, and one compiled
    expression for the rest (None when there is no rest)."""
    import re

    exact: set[str] = set()
    tails: list[str] = []
    other: list[str] = []
    for p in (os.path.normcase(p) for p in patterns):
        if not any(ch in p for ch in "*?["):
            exact.add(p)
        elif p.startswith("*") and not any(ch in p[1:] for ch in "*?["):
            tails.append(p[1:])
        else:
            other.append(p)
    regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in other)) if other else None
    return exact, tuple(tails), regex


def matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """``any(fnmatch.fnmatch(name, p) for p in patterns)``, fast for the usual shapes: a literal name
    is a set lookup, ``*`` and a literal tail an ``endswith``, the rest one compiled expression.
    Called once per listed file, so this is on the path of every large run."""
    exact, ends, regex = _shapes(patterns)

    def wanted(name: str) -> bool:
        name = os.path.normcase(name)
        return name in exact or name.endswith(ends) or (regex is not None and regex.match(name) is not None)
    return wanted


def selector(patterns: tuple[str, ...]) -> Callable[[list[str]], list[str]]:
    """The repo-relative POSIX paths whose file name :func:`matcher` wants, for a whole listing at once:
    literal names and tails are tested on the whole path (a tail or name without "/" ends the path
    exactly when it ends the file name), so most paths never have their name split off."""
    exact, ends, regex = _shapes(patterns)
    if os.path.normcase("A/b") != "A/b" or any("/" in p for p in (*exact, *ends)):
        wanted = matcher(patterns)
        return lambda names: [n for n in names if wanted(n.rpartition("/")[2])]
    ends += tuple("/" + e for e in exact)
    if regex is None:
        return lambda names: [n for n in names if n.endswith(ends) or n in exact]
    match = regex.match
    return lambda names: [n for n in names if n.endswith(ends) or n in exact
                          or match(n.rpartition("/")[2]) is not None]


def candidates(paths: Iterable[str], root: Path, patterns: tuple[str, ...],
               early: tuple[Path, dict] | None = None) -> list[Candidate]:
    """The candidates under ``paths``. ``early``: (root, folder -> waiter) from
    :func:`openness_policy.git.early.start_listing` (full mode), when the caller started git's listing
    before it was ready for it; used only for the same root."""
    prefetched = None
    if early is not None and early[0] == root:
        from openness_policy.git.early import waited

        prefetched = waited(early[1])
    return listing(paths, root, patterns, None, prefetched)[0]


def listing(paths: Iterable[str], root: Path, patterns: tuple[str, ...],
            untracked: Iterable[str] | None = None,
            prefetched: dict[str, bytes] | None = None) -> tuple[list[Candidate], set[str] | None]:
    """The candidates, and which of the files git listed under the folders in ``paths`` git reads from
    the work tree (tracked regular files, not marked assume-unchanged or skip-worktree, not unmerged:
    what ``git grep`` searches); None when a folder was walked without git.

    ``untracked``: the repository's untracked files (repo-relative, ``.gitignore`` honoured), when the
    caller has them already (pull-request mode). git then reads only its index, and tracked files
    deleted from the work tree stay in the list: whoever reads a candidate must skip a missing one.
    ``prefetched``: the output of :func:`git_files_command` (in the mode ``untracked`` asks for) by absolute
    folder path, for folders whose listing the caller started early (see :mod:`openness_policy.git.early`)."""
    from openness_policy.gcpause import resume

    resume()  # start-up is over: see openness_policy.gcpause
    out: dict[str, Candidate] = {}
    is_git = (root / ".git").exists()
    wanted, select = matcher(patterns), selector(patterns)
    searched: set[str] | None = set()
    for raw in paths:
        p = Path(raw)
        if not os.path.lexists(p):
            raise UserError(f"{raw}: no such file or directory")
        if p.is_dir() and not p.is_symlink():
            early = prefetched.get(os.path.abspath(p)) if prefetched else None
            listed = _git_files(p, root, untracked, early) if is_git else None
            if listed is not None:
                names, plain = listed
                if searched is not None:
                    searched |= plain
                prefix = os.path.join(os.fspath(root), "")
                chosen = select(names)
                ascii_only = all(map(str.isascii, chosen))  # then each name is its own display path
                for name in chosen:
                    shown = name if ascii_only else _shown(name)
                    if shown not in out:
                        out[shown] = Candidate(prefix + name, shown, False)
                continue
            searched = None
            for f in _walk(p):
                if wanted(f.name):
                    c = Candidate(f, display_path(f, root), False)
                    out.setdefault(c.display, c)
        else:
            c = Candidate(p, display_path(p, root), True)
            out[c.display] = c
    return [out[k] for k in sorted(out)], searched


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


def git_files_command(top: Path, untracked: bool) -> list[str]:
    """The ``git ls-files`` command :func:`_git_files` runs (in the root), for a caller that starts it early."""
    scan = [] if untracked else ["--others", "--deleted", "--exclude-standard"]
    return ["git", "-c", "core.quotepath=off", "ls-files", "-z", "-v", "-s", "--cached", *scan,
            "--", os.path.abspath(top)]


def _git_files(top: Path, root: Path, untracked: Iterable[str] | None = None,
               listed: bytes | None = None) -> tuple[list[str], set[str]] | None:
    """Repo-relative paths of the files under ``top`` that git tracks or would (``.gitignore`` honoured),
    without those deleted from the work tree, and the tracked regular files git reads from the work
    tree (see :func:`listing`); None when git cannot tell. One ``git ls-files`` call: its status tags
    and modes say which tracked files are gone, so no file is looked at from here. With
    ``untracked`` given, git reads only its index (no pass over the work tree), see :func:`listing`.
    ``listed``: that command's output, when the caller ran it already."""
    if listed is None:
        import subprocess

        try:
            proc = subprocess.run(git_files_command(top, untracked is not None), cwd=root, capture_output=True,
                                  timeout=120, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0:
            return None
        listed = proc.stdout
    import re

    text = listed.decode("utf-8", "surrogateescape")
    names: dict[str, None] = {}
    deleted: set[str] = set()
    plain: set[str] = set()
    usual = re.findall(r"(?:\A|\0)H 100(?:644|755) [0-9a-f]+ 0\t([^\0]*)", text)
    if len(usual) == text.count("\0"):  # every entry a tracked regular file, all in place: no need to look closer
        names, plain = dict.fromkeys(usual), set(usual)
    for e in (() if names else text.split("\0")):
        if len(e) < 3:
            continue
        tag = e[0]
        if tag == "?":  # untracked: "? path"
            names[e[2:]] = None
            continue
        meta, _, name = e.partition("\t")  # tracked: "TAG MODE OBJECT STAGE\tpath"
        if tag == "R":
            deleted.add(name)
            continue
        if tag in "Ss" and not os.path.lexists(os.path.join(root, name)):  # skip-worktree: maybe not checked out
            continue
        names[name] = None
        if tag == "H" and meta.endswith(" 0") and meta[2:8] in ("100644", "100755"):
            plain.add(name)
    if untracked is not None:
        rel = Path(os.path.relpath(os.path.realpath(top), os.path.realpath(root))).as_posix()
        if rel != ".." and not rel.startswith("../"):
            under = "" if rel == "." else rel + "/"
            names.update((n, None) for n in untracked if n.startswith(under))
    return [n for n in names if n not in deleted], plain - deleted
