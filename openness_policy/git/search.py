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

from openness_policy.git.repo import TIMEOUT, decoded, wait_exit


class GitSearch:
    """``git grep`` over the manifests the command's paths can hold, answered only for the files whose
    text git read: tracked regular files (as :func:`openness_policy.discover.listing` tells, or
    :func:`searched_files` when the listing did not come from git).

    With ``tree`` (a commit), git searches that commit's blobs instead of the work tree: one thread
    reading packed objects, about a third of the work. A blob stands for a file in the work tree only
    when the file is unchanged since that commit (``untrusted``: every path the diff names) and no
    ``filter`` or ``ident`` attribute rewrites it on checkout (``rewritten``, from
    :func:`openness_policy.git.attributes.rewritten`; None when that failed, and then nothing is
    answered from git)."""

    def __init__(self, root: Path, specs: list[str], folders: list[str], tree: str | None = None):
        self.root, self.specs, self.folders, self.tree = root, specs, folders, tree
        self._known: list[set[str] | None] = []
        self.tracked: list[bytes] | None = None  # ``git ls-files -s`` output covering ``folders``, when known
        self.untrusted: set[str] = set()
        self.rewritten: Callable[[], set[str] | None] | None = None  # with tree: required

    def listed(self, searched: set[str] | None) -> None:
        """What the discovery of candidates learnt from git about the files it searches."""
        if searched is not None and not self._known:
            self._known.append(searched)

    def files(self) -> set[str] | None:
        """The files whose text git searches (None: it cannot tell)."""
        if not self._known:
            self._known.append(searched_files(self.root, self.specs)())
        if self.tree is not None and len(self._known) == 1:  # a commit's blobs: only for files that hold them
            known = self._known[0]
            rewritten = self.rewritten() if self.rewritten is not None and known is not None else None
            self._known.append(None if rewritten is None else known - rewritten - self.untrusted)
        return self._known[-1]

    def named_like(self, stems: set[str]) -> list[str]:
        if self.tracked is not None:
            return named_in(self.tracked, stems, self.folders)
        return named_like(self.root, stems, self.folders)

    def start(self, patterns: list[bytes]) -> Callable[[], tuple[dict[str, list[str]], set[str]] | None]:
        """Start searching; the returned function gives (path -> its lines holding a pattern, the files
        searched), or None when git cannot tell."""
        wait = matching_lines(self.root, patterns, self.specs, self.tree)

        def answer() -> tuple[dict[str, list[str]], set[str]] | None:
            found, searched = wait(), self.files()
            if found is None or searched is None:
                return None
            return {p: ls for p, ls in found.items() if p in searched}, searched
        return answer


def git_search(repo: Any, root: Path, paths: list[str], patterns: tuple[str, ...],
               tree: str | None = None) -> GitSearch | None:
    """A search over the folders in ``paths``, in the work tree or in commit ``tree`` (see
    :class:`GitSearch`); None: git cannot help here, every file is read."""
    try:
        if Path(os.path.realpath(repo.working_tree_dir)) != Path(os.path.realpath(root)):
            return None
    except (TypeError, OSError):
        return None
    folders = _folders(paths, root)
    specs = _pathspecs(folders, patterns)
    return GitSearch(root, specs, folders, tree) if specs else None


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


def glob_escaped(text: str) -> str:
    """``text`` with glob characters escaped, to match itself in a pathspec without ``literal`` magic."""
    return "".join("\\" + ch if ch in "*?[\\" else ch for ch in text)


def _glob_folder(rel: str) -> str:
    """``rel/`` with glob characters escaped ("" for the top), to start a glob pathspec."""
    return glob_escaped(rel) + "/" if rel else ""


def matching_lines(root: Path, patterns: list[bytes], pathspecs: list[str],
                   tree: str | None = None) -> Callable[[], "dict[str, list[str]] | None"]:
    """Repo-relative path -> the lines holding any of ``patterns`` (fixed strings, ASCII letters in any case),
    for the files ``git grep`` searched: in the work tree, or in commit ``tree``. None when git fails or its
    answer cannot be read for certain (a binary file, a NUL inside a line): the caller then falls back to
    reading files itself. The search starts now; the returned function waits for it."""
    # In a commit, git reads objects under a lock: more threads only cost CPU. Measured on two cores over
    # 10,000 files: one thread 31 ms (30 ms of CPU), two threads 54 ms (78 ms of CPU); the work tree with
    # two threads 57 ms (103 ms of CPU).
    mode = [b"--threads", b"1"] if tree else []
    wait = _grep_started(root, mode, patterns, pathspecs, tree)
    prefix = tree + ":" if tree else ""

    def answer() -> dict[str, list[str]] | None:
        out = wait()
        if out is None:
            return None
        found: dict[str, list[str]] = {}
        skip = len(prefix)
        for record in decoded(out).split("\n"):  # decoded at once: "\n" and "\0" never end a UTF-8 sequence
            if not record:
                continue
            path, sep, line = record.partition("\0")
            if not sep or "\0" in line or not path.startswith(prefix):  # "Binary file ... matches", a NUL in
                return None  # a line, or a newline in a path
            found.setdefault(path[skip:], []).append(line)
        return found
    return answer


def _grep_started(root: Path, mode: list[bytes], patterns: list[bytes], pathspecs: list[str],
                  tree: str | None = None) -> Callable[[], bytes | None]:
    if not patterns or not pathspecs:
        return lambda: None
    cmd = [b"git", b"-c", b"grep.fallbackToNoIndex=false", b"grep", b"--full-name", *mode,
           b"-z", b"-i", b"-F", b"--no-color", b"--no-textconv"]
    for p in patterns:
        cmd += [b"-e", p]
    if tree:
        cmd.append(tree.encode("ascii"))
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
                wait_exit(proc)
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


def named_in(listed: list[bytes], stems: set[str], folders: list[str]) -> list[str]:
    """:func:`named_like` answered from ``git ls-files -z -s`` output already at hand (entries
    ``[TAG ]MODE SHA STAGE\tpath``): no git process. Case is folded for ASCII letters only, as git's
    ``icase`` pathspecs fold it. One literal search per word (~1 ms over 10,000 entries): a pattern
    with alternatives or ``IGNORECASE`` would make the regular expression engine try every byte."""
    import re

    words = sorted(w for w in stems if w and not any(ch in w for ch in "*?[]\\/"))
    heads = tuple(f + "/" for f in folders if f)
    found = set()
    for out in listed:
        low = out.lower()  # ASCII letters only
        for w in words:
            for m in re.finditer(re.escape(w.encode("utf-8", "surrogateescape").lower()) + rb"(?:\.[^\0/]*)?(?=\0|$)",
                                 low):
                at = m.start()
                entry = low.rfind(b"\0", 0, at) + 1
                tab = low.find(b"\t", entry)
                if not (0 <= tab < at and (at == tab + 1 or low[at - 1] == 0x2F)):  # the name starts after "/"
                    continue
                name = decoded(out[tab + 1:m.end()])
                if "" in folders or name.startswith(heads):
                    found.add(name)
    return sorted(found)


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
