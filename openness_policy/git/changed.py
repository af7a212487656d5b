"""Which manifests a change touched: edited or added ones, plus those whose inputs changed.

A manifest's inputs are the files beside it (a ``LICENSE`` or ``USE_POLICY.md`` next to a card: format
plugins may only read files in the manifest's own folder) and its base models when they are
described in the repository (found as :mod:`openness_policy.lineage` finds them: by manifest path or
by model name / Hub id). Lineage is followed transitively, and a text search narrows which
manifests are loaded to check it.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Callable, Iterable

from openness_policy.discover import Candidate
from openness_policy.record import ModelRecord

Loader = Callable[[Candidate], "list[ModelRecord]"]


@dataclass
class ChangeSet:
    current: dict[str, str | None] = field(default_factory=dict)  # path now -> path at the base (None: new)
    removed: set[str] = field(default_factory=set)  # paths at the base that are gone (deleted or renamed away)

    @property
    def touched(self) -> set[str]:
        return set(self.current) | self.removed


def change_set(changes: Iterable) -> ChangeSet:
    """From :class:`openness_policy.git.repo.Change` entries."""
    cs = ChangeSet()
    for ch in changes:
        if ch.status == "D":
            cs.removed.add(ch.path)
            continue
        cs.current[ch.path] = None if ch.status in ("A", "?", "C") else ch.old  # a copy is new
        if ch.status == "R" and ch.old:
            cs.removed.add(ch.old)
    return cs


def _needles(records: Iterable[ModelRecord]) -> set[str]:
    """Text that a manifest naming one of ``records`` as its base must contain (lower case)."""
    out: set[str] = set()
    for r in records:
        out.add(posixpath.basename(r.path).lower())
        if r.name is not None and r.name.value not in (None, ""):
            out.add(str(r.name.value).lower())
        if isinstance(r.evidence.get("hub_id"), str):
            out.add(r.evidence["hub_id"].lower())
    return out


def _bases_named(records: Iterable[ModelRecord]) -> tuple[set[str], set[str]]:
    """The manifest paths of ``records``' bases, and text their manifests must contain (lower case)."""
    paths: set[str] = set()
    needles: set[str] = set()
    for r in records:
        for b in r.lineage:
            if b.path is not None:
                paths.add(posixpath.normpath(posixpath.join(posixpath.dirname(r.path), str(b.path.value))))
            needles.add(str(b.ref.value).lower().rsplit("/", 1)[-1])
    return paths, needles


def select(found: list[Candidate], cs: ChangeSet, load: Loader, read: Callable[[Candidate], str | None],
           removed_records: Callable[[str], "list[ModelRecord]"]) -> dict[str, list[ModelRecord]]:
    """The candidates to judge, as ``display -> records`` in ``found`` order (records already loaded)."""
    chosen: dict[str, list[ModelRecord]] = {}
    for c in found:
        if c.display in cs.current:
            chosen[c.display] = load(c)
    manifests = {d for d, recs in chosen.items() if recs}
    gone = {p: removed_records(p) for p in sorted(cs.removed)}
    inputs = cs.touched - manifests - {p for p, recs in gone.items() if recs}
    folders = {posixpath.dirname(p) for p in inputs}
    for c in found:
        if c.display not in chosen and posixpath.dirname(c.display) in folders:
            chosen[c.display] = load(c)
    changed = [r for d in manifests for r in chosen[d]] + [r for recs in gone.values() for r in recs]
    _dependents(found, chosen, changed, load, read)
    return {c.display: chosen[c.display] for c in found if c.display in chosen}


def _dependents(found: list[Candidate], chosen: dict[str, list[ModelRecord]], changed: list[ModelRecord],
                load: Loader, read: Callable[[Candidate], str | None]) -> None:
    """Add manifests whose base model is among ``changed``, transitively."""
    from openness_policy.lineage import bases_of, index

    texts: dict[str, str] = {}
    while changed:
        by_path, by_name = index(changed)
        needles = _needles(changed)
        changed = []
        for c in found:
            if c.display in chosen or not _mentions(c, needles, texts, read):
                continue
            recs = load(c)
            if any(bases_of(r, by_path, by_name) for r in recs):
                chosen[c.display] = recs
                changed += recs


def context(found: list[Candidate], chosen: dict[str, list[ModelRecord]], load: Loader,
            read: Callable[[Candidate], str | None]) -> dict[str, list[ModelRecord]]:
    """Base models of the chosen manifests described in the repository (transitively), not chosen.

    They are judged alongside the chosen ones, so that derivatives inherit their licences exactly
    as in a full run, but their own findings are not reported.
    """
    from openness_policy.lineage import bases_of, index

    out: dict[str, list[ModelRecord]] = {}
    texts: dict[str, str] = {}
    pending = [r for recs in chosen.values() for r in recs]
    while pending:
        paths, needles = _bases_named(pending)
        new: list[ModelRecord] = []
        for c in found:
            if c.display in chosen or c.display in out:
                continue
            if c.display not in paths and not _mentions(c, needles, texts, read):
                continue
            recs = load(c)
            by_path, by_name = index(recs)
            if any(bases_of(r, by_path, by_name) for r in pending):
                out[c.display] = recs
                new += recs
        pending = new
    return out


def _mentions(c: Candidate, needles: set[str], texts: dict[str, str], read: Callable[[Candidate], str | None]) -> bool:
    """A cheap text filter before loading a manifest: does it contain any of ``needles``?"""
    if not needles:
        return False
    if c.display not in texts:
        texts[c.display] = (read(c) or "").lower()
    return any(n and n in texts[c.display] for n in needles)
