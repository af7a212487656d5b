"""Which files git rewrites on checkout, so that a commit's blob is not the file's text.

Pull-request mode searches the merge base's blobs (:class:`openness_policy.git.search.GitSearch` with
a tree): a blob stands for a file unchanged since then only when no checkout filter rewrites the
file. A ``filter`` (Git LFS keeps a pointer in the blob and the model card on disk) or ``ident``
attribute does; line endings are converted too, but no search here depends on them.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from openness_policy.git.repo import decoded, wait_exit
from openness_policy.git.search import glob_escaped

# git leaves out of the listing the files whose "filter" and "ident" are both unspecified: what remains
# has one of them set, given a value, or unset ("-filter", listed too: reading such a file costs a read)
_PLAIN = "exclude,top,attr:!filter !ident"


def rewritten(root: Path, folders: list[str]) -> Callable[[], "set[str] | None"]:
    """The tracked files under ``folders`` (absolute) that a ``filter`` or ``ident`` attribute may rewrite
    on checkout. One ``git ls-files`` with ``attr`` pathspecs, so git reads every attributes file it
    would (``.gitattributes``, ``info/attributes``, the user's and the system's) and lists only those
    files: none in most repositories. Any other file unchanged since a commit holds that commit's blob
    byte for byte, but for line endings, which no search here depends on. Started now; the returned
    function waits (None when git fails or a folder is outside ``root``)."""
    specs: list[str] = []
    for folder in folders:
        rel = Path(os.path.relpath(folder, root)).as_posix()
        if rel == ".." or rel.startswith("../"):
            return lambda: None
        rel = "" if rel == "." else rel
        # git does not take ``literal`` together with ``attr``: the folder's glob characters are escaped
        specs += [f":(top,literal){rel}" if rel else ":(top)", f":({_PLAIN}){glob_escaped(rel)}"]
    if not specs:
        return lambda: None
    out = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(["git", "ls-files", "-z", "--", *specs], cwd=root, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.DEVNULL)
    except (OSError, ValueError):
        out.close()
        return lambda: None
    done: list[set[str] | None] = []

    def answer() -> set[str] | None:
        if not done:
            with out:
                try:
                    wait_exit(proc)
                except subprocess.SubprocessError:
                    proc.kill()
                    proc.wait()
                    done.append(None)
                    return None
                out.seek(0)
                text = out.read()
            done.append({decoded(n) for n in text.split(b"\0") if n} if proc.returncode == 0 else None)
        return done[0]
    return answer
