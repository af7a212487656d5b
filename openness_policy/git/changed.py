"""Which manifests a change touched: edited or added ones, plus those whose inputs changed.

A manifest's inputs are the files beside it (a ``LICENSE`` or ``USE_POLICY.md`` next to a card: format
plugins may only read files in the manifest's own folder) and its base models when they are
described in the repository (found as :mod:`openness_policy.lineage` finds them: by manifest path or
by model name / Hub id). Lineage is followed transitively, and a text search narrows which
manifests are loaded to check it: one ``git grep`` per round rules out the files that name none of
the models looked for, so a change to one manifest among thousands reads only what can matter.
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


def select(found: list[Candidate], cs: ChangeSet, load: Loader, mentions: "Mentions",
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
    # what the first rounds here and in context() look for, in one search
    mentions.prefetch(_needles(changed) | _bases_named([r for recs in chosen.values() for r in recs])[1])
    _dependents(found, chosen, changed, load, mentions)
    return {c.display: chosen[c.display] for c in found if c.display in chosen}


def _dependents(found: list[Candidate], chosen: dict[str, list[ModelRecord]], changed: list[ModelRecord],
                load: Loader, mentions: "Mentions") -> None:
    """Add manifests whose base model is among ``changed``, transitively."""
    from openness_policy.lineage import bases_of, index

    while changed:
        by_path, by_name = index(changed)
        needles = _needles(changed)
        changed = []
        for c in mentions.among([c for c in found if c.display not in chosen], needles):
            if c.display in chosen:
                continue
            recs = load(c)
            if any(bases_of(r, by_path, by_name) for r in recs):
                chosen[c.display] = recs
                changed += recs


def context(found: list[Candidate], chosen: dict[str, list[ModelRecord]], load: Loader,
            mentions: "Mentions") -> dict[str, list[ModelRecord]]:
    """Base models of the chosen manifests described in the repository (transitively), not chosen.

    They are judged alongside the chosen ones, so that derivatives inherit their licences exactly
    as in a full run, but their own findings are not reported.
    """
    from openness_policy.lineage import bases_of, index

    out: dict[str, list[ModelRecord]] = {}
    pending = [r for recs in chosen.values() for r in recs]
    while pending:
        paths, needles = _bases_named(pending)
        new: list[ModelRecord] = []
        rest = [c for c in found if c.display not in chosen and c.display not in out]
        named = {c.display for c in mentions.among([c for c in rest if c.display not in paths], needles)}
        for c in rest:
            if c.display not in paths and c.display not in named:
                continue
            recs = load(c)
            by_path, by_name = index(recs)
            if any(bases_of(r, by_path, by_name) for r in pending):
                out[c.display] = recs
                new += recs
        pending = new
    return out


# Non-ASCII text whose lower case holds ASCII letters ("İ" -> "i̇", the Kelvin sign -> "k"), and the
# byte-order marks of UTF-16 text: a file holding any of these is read, never ruled out by git grep.
_GUARDS = ("\u0130".encode("utf-8"), "\u212a".encode("utf-8"), b"\xff\xfe", b"\xfe\xff")


def _fragment(needle: str) -> str:
    """The longest run of printable ASCII in ``needle``: any text whose lower case contains ``needle``
    contains this run in some mix of cases, or one of :data:`_GUARDS`."""
    runs = "".join(ch if " " <= ch <= "~" else "\n" for ch in needle).split("\n")
    return max(runs, key=len)


class Mentions:
    """Which candidates' text contains any of some needles (lower case), as a cheap filter before loading.

    ``grep(patterns)`` (one ``git grep`` over the repository) names files known to hold none of the
    patterns; only the others are read, each at most once, and checked exactly like the text filter
    always was: ``needle in text.lower()``. When git searched for exactly the needles, the files it
    found are loaded without that check (what it found holds a needle, or a guard: loading one more
    file never changes which are chosen, lineage does); files named on the command line, which git
    may not have searched, are always checked.
    """

    def __init__(self, read: Callable[[Candidate], str | None],
                 grep: Callable[[list[bytes]], "set[str] | None"] | None = None):
        self.read, self.grep = read, grep
        self.texts: dict[str, str] = {}
        self.searched: list[tuple[set[str], set[str]]] = []  # (fragments, files holding none of them)

    def among(self, cands: list[Candidate], needles: set[str]) -> list[Candidate]:
        needles = {n for n in needles if n}
        if not needles or not cands:
            return []
        ruled_out, exact = self._ruled_out(needles)
        return [c for c in cands if c.display not in ruled_out
                and ((exact and not c.explicit) or self._contains(c, needles))]

    def prefetch(self, needles: set[str]) -> None:
        """Search for all of ``needles`` at once, for later calls that look for some of them."""
        if {n for n in needles if n}:
            self._ruled_out({n for n in needles if n})

    def _ruled_out(self, needles: set[str]) -> tuple[set[str], bool]:
        """Files known to hold none of ``needles``, and whether every other one holds one of them
        (or a guard): true when git searched for exactly ``needles``."""
        frags = {_fragment(n).lower() for n in needles}
        if self.grep is None or "" in frags:
            return set(), False
        for done, none in self.searched:  # a file holding none of a superset holds none of these
            if frags <= done:
                return none, frags == done == needles
        found = self.grep(sorted(f.encode("ascii") for f in frags) + list(_GUARDS))
        self.searched.append((frags, found or set()))
        return found or set(), found is not None and frags == needles

    def _contains(self, c: Candidate, needles: set[str]) -> bool:
        if c.display not in self.texts:
            self.texts[c.display] = (self.read(c) or "").lower()
        text = self.texts[c.display]
        return any(n in text for n in needles)
