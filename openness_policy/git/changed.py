"""Which manifests a change touched: edited or added ones, plus those whose inputs changed.

A manifest's inputs are the files beside it (a ``LICENSE`` or ``USE_POLICY.md`` next to a card: format
plugins may only read files in the manifest's own folder) and its base models when they are
described in the repository (found as :mod:`openness_policy.lineage` finds them: by manifest path or
by model name / Hub id). Lineage is followed transitively, and a text search narrows which
manifests are loaded to check it (:mod:`openness_policy.git.mentions`): one ``git grep``, started
from the change alone, rules out the files that cannot matter, so a change to one manifest among
thousands reads only what can.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable

from openness_policy.discover import Candidate
from openness_policy.git.mentions import last_segment
from openness_policy.record import ModelRecord

if TYPE_CHECKING:
    from openness_policy.git.mentions import Mentions, Pool

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
    """The manifest paths of ``records``' bases, and the names they give them (lower case)."""
    paths: set[str] = set()
    refs: set[str] = set()
    for r in records:
        for b in r.lineage:
            if b.path is not None:
                paths.add(posixpath.normpath(posixpath.join(posixpath.dirname(r.path), str(b.path.value))))
            refs.add(str(b.ref.value).lower())
    return paths, refs


def select(pool: "Pool", cs: ChangeSet, load: Loader, mentions: "Mentions",
           removed_records: Callable[[str], "list[ModelRecord]"]) -> dict[str, list[ModelRecord]]:
    """The candidates to judge, as ``display -> records`` in discovery order (records already loaded)."""
    found = pool.found
    chosen: dict[str, list[ModelRecord]] = {}
    for c in found:
        if c.display in cs.current:
            chosen[c.display] = load(c)
    manifests = {d for d, recs in chosen.items() if recs}
    gone = {p: removed_records(p) for p in sorted(cs.removed)}
    inputs = cs.touched - manifests - {p for p, recs in gone.items() if recs}
    folders = {posixpath.dirname(p) for p in inputs}
    if folders:
        for c in found:
            if c.display not in chosen and c.display.rpartition("/")[0] in folders:
                chosen[c.display] = load(c)
    changed = [r for d in manifests for r in chosen[d]] + [r for recs in gone.values() for r in recs]
    # what the first rounds here and in context() look for, in one search (usually covered by the
    # one first_needles started, which also guessed the later rounds)
    mentions.prefetch(_needles(changed) | {last_segment(r) for r in _bases_named([r for rs in chosen.values() for r in rs])[1]})
    _dependents(pool, chosen, changed, load, mentions)
    return {c.display: chosen[c.display] for c in found if c.display in chosen}


def first_needles(cs: ChangeSet, patterns: tuple[str, ...], load: Callable[[str], "list[ModelRecord]"],
                  removed_records: Callable[[str], "list[ModelRecord]"],
                  named_like: Callable[[set[str]], "list[str]"]) -> set[str]:
    """What :func:`select` and :func:`context` will search for, worked out from the change alone (before
    the candidates are listed), so that git can search while the rest is prepared. ``load``: a
    repo-relative path's records; ``named_like``: the files whose name (up to its first dot) is one
    of some words in any case."""
    from openness_policy.discover import matcher

    wanted = matcher(patterns)
    records = [r for p in sorted(cs.current) if wanted(p.rpartition("/")[2]) for r in load(p)]
    records += [r for p in sorted(cs.removed) for r in removed_records(p)]
    return _needles(records) | _likely_bases(records, load, named_like)


def _likely_bases(records: list[ModelRecord], load: Callable[[str], "list[ModelRecord]"],
                  named_like: Callable[[set[str]], "list[str]"], depth: int = 8) -> set[str]:
    """The names ``context`` will look for, guessed ahead so that one text search serves its rounds:
    the bases ``records`` name, then the bases named by files called like them (an MOT file is named
    after its release), and so on. Only a guess: a round whose names were not searched for searches
    again, so a wrong guess costs time, never a verdict."""
    names: set[str] = set()
    pending = records
    for _ in range(depth):
        new = {last_segment(r) for r in _bases_named(pending)[1]} - names
        if not new:
            break
        names |= new
        pending = [r for d in named_like(new) for r in load(d)]
    return names


def _dependents(pool: "Pool", chosen: dict[str, list[ModelRecord]], changed: list[ModelRecord],
                load: Loader, mentions: "Mentions") -> None:
    """Add manifests whose base model is among ``changed``, transitively."""
    from openness_policy.lineage import bases_of, index

    while changed:
        by_path, by_name = index(changed)
        needles = _needles(changed)
        changed = []
        for c in mentions.among(pool, needles, skip=set(chosen)):
            if c.display in chosen:
                continue
            recs = load(c)
            if any(bases_of(r, by_path, by_name) for r in recs):
                chosen[c.display] = recs
                changed += recs


def context(pool: "Pool", chosen: dict[str, list[ModelRecord]], load: Loader,
            mentions: "Mentions") -> dict[str, list[ModelRecord]]:
    """Base models of the chosen manifests described in the repository (transitively), not chosen.

    They are judged alongside the chosen ones, so that derivatives inherit their licences exactly
    as in a full run, but their own findings are not reported.
    """
    from openness_policy.lineage import bases_of, index

    out: dict[str, list[ModelRecord]] = {}
    pending = [r for recs in chosen.values() for r in recs]
    while pending:
        paths, refs = _bases_named(pending)
        new: list[ModelRecord] = []
        skip = set(chosen) | set(out)
        named = {c.display for c in mentions.defining(pool, refs, skip | paths)}
        for c in pool.ordered((paths | named) - skip):
            recs = load(c)
            by_path, by_name = index(recs)
            if any(bases_of(r, by_path, by_name) for r in pending):
                out[c.display] = recs
                new += recs
        pending = new
    return out
