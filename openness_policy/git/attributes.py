"""Which files git rewrites on checkout, so that a commit's blob is not the file's text.

Pull-request mode searches the merge base's blobs (:class:`openness_policy.git.search.GitSearch` with
a tree): a blob stands for a file unchanged since then only when no checkout filter rewrites the
file. A ``filter`` (Git LFS keeps a pointer in the blob and the model card on disk) or ``ident``
attribute does; line endings are converted too, but no search here depends on them.
"""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Callable

from openness_policy.git.repo import decoded, wait_exit


def rewritten(root: Path, folders: list[str]) -> Callable[[], "set[str] | None"]:
    """The tracked files under ``folders`` (absolute) that a ``filter`` or ``ident`` attribute rewrites on
    checkout, as ``git check-attr`` tells (it reads every attributes file git would: ``.gitattributes``,
    ``info/attributes``, the user's and the system's). Any other file unchanged since a commit holds
    that commit's blob byte for byte, but for line endings, which no search here depends on. git lists
    the files into git: no Python work until the answer. Started now; the returned function waits
    (None when git fails)."""
    import tempfile

    if not folders:
        return lambda: None
    out = tempfile.TemporaryFile()
    try:
        lister = subprocess.Popen(["git", "ls-files", "-z", "--", *folders], cwd=root, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        assert lister.stdout is not None
        try:
            checker = subprocess.Popen(["git", "check-attr", "-z", "--stdin", "filter", "ident"], cwd=root,
                                       stdin=lister.stdout, stdout=out, stderr=subprocess.DEVNULL)
        finally:
            lister.stdout.close()  # the checker holds it now
    except (OSError, ValueError):
        out.close()
        return lambda: None

    def answer() -> set[str] | None:
        with out:
            try:
                wait_exit(lister)
                wait_exit(checker)
            except subprocess.SubprocessError:
                for proc in (lister, checker):
                    proc.kill()
                    proc.wait()
                return None
            if lister.returncode != 0 or checker.returncode != 0:
                return None
            out.seek(0)
            text = out.read()
        fields = text.split(b"\0")  # records: path NUL attribute NUL value NUL
        if fields.pop() != b"" or len(fields) % 3:
            return None
        values = fields[2::3]
        if set(values) <= {b"unspecified", b"unset"}:
            return set()
        return {decoded(fields[i]) for i in range(0, len(fields), 3) if values[i // 3] not in (b"unspecified", b"unset")}
    return answer
