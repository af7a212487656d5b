"""Which manifests a change touched: edited or added ones, plus those whose inputs changed.

A manifest's inputs are the files beside it (a ``LICENSE`` or ``USE_POLICY.md`` next to a card: format
plugins may only read files in the manifest's own folder) and its base models when they are
described in the repository (``base_models[].path`` in the native format, or a lineage id that
names a model defined by a changed manifest). Lineage is followed transitively.
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
        cs.current[ch.path] = None if ch.status in ("A", "?") else ch.old
        if ch.status == "R" and ch.old:
            cs.removed.add(ch.old)
    return cs


def _names(records: Iterable[ModelRecord]) -> set[str]:
    out: set[str] = set()
    for r in records:
        if r.name is not None and r.name.value not in (None, ""):
            out.add(str(r.name.value).lower())
    return out


def _refers(rec: ModelRecord, paths: set[str], names: set[str]) -> bool:
    folder = posixpath.dirname(rec.path)
    for f in rec.evidence.get("base_paths", []):
        value = str(getattr(f, "value", f)).strip()
        for p in (posixpath.normpath(value.lstrip("/")), posixpath.normpath(posixpath.join(folder, value))):
            if p in paths:
                return True
    for bm in rec.lineage:
        ref = str(bm.ref.value).lower()
        if ref in names or ref.rsplit("/", 1)[-1] in {n.rsplit("/", 1)[-1] for n in names}:
            return True
    return False


def select(found: list[Candidate], cs: ChangeSet, load: Loader, read: Callable[[Candidate], str | None],
           removed_records: Callable[[str], "list[ModelRecord]"]) -> dict[str, list[ModelRecord]]:
    """The candidates to judge, as ``display -> records`` in ``found`` order (records already loaded)."""
    chosen: dict[str, list[ModelRecord]] = {}
    for c in found:
        if c.display in cs.current:
            chosen[c.display] = load(c)
    manifests = {d for d, recs in chosen.items() if recs}
    gone = {p: removed_records(p) for p in sorted(cs.removed)}
    gone_manifests = {p for p, recs in gone.items() if recs}
    inputs = cs.touched - manifests - gone_manifests
    folders = {posixpath.dirname(p) for p in inputs}
    for c in found:
        if c.display not in chosen and posixpath.dirname(c.display) in folders:
            chosen[c.display] = load(c)
    paths = manifests | gone_manifests
    names = _names(r for d in manifests for r in chosen[d]) | _names(r for recs in gone.values() for r in recs)
    _follow_lineage(found, chosen, paths, names, load, read)
    return {c.display: chosen[c.display] for c in found if c.display in chosen}


def _follow_lineage(found: list[Candidate], chosen: dict[str, list[ModelRecord]], paths: set[str], names: set[str],
                    load: Loader, read: Callable[[Candidate], str | None]) -> None:
    """Add manifests whose base model is among ``paths``/``names``, until nothing new turns up."""
    texts: dict[str, str] = {}
    while paths or names:
        needles = {posixpath.basename(p).lower() for p in paths} | {n.rsplit("/", 1)[-1] for n in names}
        new_paths: set[str] = set()
        new_names: set[str] = set()
        for c in found:
            if c.display in chosen:
                continue
            if c.display not in texts:
                texts[c.display] = (read(c) or "").lower()
            if not any(n and n in texts[c.display] for n in needles):
                continue  # cheap text filter before loading
            recs = load(c)
            if any(_refers(r, paths, names) for r in recs):
                chosen[c.display] = recs
                new_paths.add(c.display)
                new_names |= _names(recs)
        paths, names = new_paths, new_names
