"""The base commit's manifests and policy files, read from git objects (never checked out).

Manifests are loaded by the same format plugins and the same loading step as files on disk, from
blob text, under the path they have *now* (a renamed manifest keeps its identity), so their
findings can be compared with the current ones by fingerprint.
"""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Callable

from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.reading import Undecodable, decode
from openness_policy.record import ModelRecord


class BaseFiles:
    """One commit's files, addressed by repo-relative POSIX path."""

    def __init__(self, repo: Any, sha: str, root: Path, label: str):
        from openness_policy.git.repo import BlobReader

        self.blobs = BlobReader(repo, sha)
        self.sha, self.root, self.label = sha, root, label  # label: how to name it, e.g. "main (1a2b3c4)"

    def exists(self, path: str) -> bool:
        return self.blobs.exists(path)

    def text(self, path: str, max_bytes: int) -> str | None:
        """Decoded text, or None when absent. Raises ValueError / Undecodable for what cannot be read."""
        data = self.blobs.read(path, max_bytes)
        return None if data is None else decode(data)

    def rel(self, path: Path) -> str | None:
        """``path`` (absolute, on disk) as a repo-relative POSIX path, or None when outside the repository."""
        try:
            return Path(posixpath.normpath(path.as_posix())).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def policy_reader(self, max_bytes: int) -> Callable[[Path], str]:
        """A ``PolicyLoader`` reader that serves policy files (and what they extend) from this commit."""
        def read(path: Path) -> str:
            rel = self.rel(path)
            if rel is None:
                raise FileNotFoundError(str(path))
            try:
                text = self.text(rel, max_bytes)
            except (ValueError, Undecodable) as exc:
                raise OSError(f"{rel} in {self.label} {exc}") from None
            if text is None:
                raise FileNotFoundError(f"{rel} is not in {self.label}")
            return text
        return read

    def load(self, old: str, display: str, formats: list[FormatSpec], max_bytes: int,
             load_source: Callable[[FormatSpec, Source], list[ModelRecord]]) -> list[ModelRecord]:
        """The records of ``old`` at this commit, shown under ``display``; [] when absent or unreadable.

        A file that cannot be read at the base has no verdicts to compare with: nothing is lost,
        because its current version is judged (and reported) on its own.
        """
        from openness_policy.engine import detect

        try:
            text = self.text(old, max_bytes)
        except (ValueError, Undecodable):
            return []
        if text is None:
            return []
        name = posixpath.basename(old)
        spec = detect(formats, name, text[:4096])
        if spec is None:
            return []
        folder = posixpath.dirname(old)

        def sibling(n: str) -> str | None:
            if "/" in n or "\\" in n or n in (".", ".."):
                return None
            try:
                return self.text(posixpath.join(folder, n), max_bytes)
            except (ValueError, Undecodable):
                return None

        src = Source(self.root / old, display, text, read_sibling=sibling, list_siblings=lambda: self.blobs.names(folder))
        return load_source(spec, src)
