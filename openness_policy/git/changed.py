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
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol

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
    """The manifest paths of ``records``' bases, and the names they give them (lower case)."""
    paths: set[str] = set()
    refs: set[str] = set()
    for r in records:
        for b in r.lineage:
            if b.path is not None:
                paths.add(posixpath.normpath(posixpath.join(posixpath.dirname(r.path), str(b.path.value))))
            refs.add(str(b.ref.value).lower())
    return paths, refs


def _segment(ref: str) -> str:
    """Text a manifest naming a model ``ref`` must contain: its last path segment."""
    return ref.rsplit("/", 1)[-1]


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
    if folders:
        for c in found:
            if c.display not in chosen and c.display.rpartition("/")[0] in folders:
                chosen[c.display] = load(c)
    changed = [r for d in manifests for r in chosen[d]] + [r for recs in gone.values() for r in recs]
    # what the first rounds here and in context() look for, in one search (usually covered by the
    # one first_needles started, which also guessed the later rounds)
    mentions.prefetch(_needles(changed) | {_segment(r) for r in _bases_named([r for rs in chosen.values() for r in rs])[1]})
    _dependents(found, chosen, changed, load, mentions)
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
        new = {_segment(r) for r in _bases_named(pending)[1]} - names
        if not new:
            break
        names |= new
        pending = [r for d in named_like(new) for r in load(d)]
    return names


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
        named = {c.display for c in mentions.defining([c for c in rest if c.display not in paths], needles)}
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
# byte-order marks of UTF-16 text: git reports every line holding one of these, so it is checked here.
# A backslash may start an escape that spells a name in other letters ("OL\x4Do"): such lines are
# never taken as not naming a model.
_GUARDS = ("\u0130".encode("utf-8"), "\u212a".encode("utf-8"), b"\xff\xfe", b"\xfe\xff", b"\\")


def _fragment(needle: str) -> str:
    """The longest run of printable ASCII in ``needle``: any text whose lower case contains ``needle``
    contains this run in some mix of cases, or one of :data:`_GUARDS`."""
    runs = "".join(ch if " " <= ch <= "~" else "\n" for ch in needle).split("\n")
    return max(runs, key=len)


# One ``key: value`` per line, YAML block style or pretty-printed JSON: an optional "- " list marker,
# a plain or quoted key, and a value that is a whole scalar on this line (quoted without escapes, or
# plain without flow indicators, ": " or " #"), then perhaps a JSON comma or a comment.
_KEY_VALUE = re.compile(r"""[ \t]*(?:-[ \t]+)*(?:"(?P<dk>[^"\\]*)"|'(?P<sk>[^']*)'|(?P<pk>[A-Za-z0-9_][A-Za-z0-9_. /-]*?))"""
                        r"""[ \t]*:[ \t]+(?:"(?P<dv>[^"\\]*)"[ \t]*,?|'(?P<sv>(?:[^']|'')*)'[ \t]*,?|"""
                        r"""(?P<pv>[A-Za-z0-9_./(][^#,\[\]{}]*?))(?:[ \t]+#.*)?[ \t\r]*""")


def may_name(line: str, refs: set[str], keys: tuple[str, ...]) -> bool:
    """False only when ``line`` certainly does not give a model one of the names ``refs`` (lower case):
    a single ``key: value`` line whose key is not a name key (``keys``, matched as a suffix), or whose
    value is not one of the names (nor its last ``/`` part). Anything else, such as a value continued
    on the next line, a flow mapping, an anchor, a tag or an escape, may."""
    m = _KEY_VALUE.fullmatch(line)
    if m is None or ": " in (m["pv"] or ""):
        return True
    key = (m["dk"] if m["dk"] is not None else m["sk"] if m["sk"] is not None else m["pk"]).strip().lower()
    if not key.endswith(keys):
        return False
    value = m["dv"] if m["dv"] is not None else m["sv"].replace("''", "'") if m["sv"] is not None else m["pv"]
    value = value.strip().lower()
    return any(ref == value or ref.endswith("/" + value) for ref in refs)


class Mentions:
    """Which candidates may matter to a search for some models, as a cheap filter before loading.

    ``search`` (:class:`openness_policy.git.pr.GitSearch`: one ``git grep`` per set of needles) gives the
    lines holding a needle or a guard, for the files git read from the work tree; those files are
    decided from their lines alone: :meth:`among` keeps files whose text contains a needle (exactly
    ``needle in text.lower()``), :meth:`defining` files that may give a model one of some names. Other
    files (untracked, named on the command line, outside the searched folders), or every file when
    git cannot help, are read, each at most once, and kept when their text contains a needle.
    """

    def __init__(self, read: Callable[[Candidate], str | None], search: "Search | None" = None,
                 name_keys: tuple[str, ...] | None = None):
        self.read, self.search, self.name_keys = read, search, name_keys
        self.texts: dict[str, str] = {}
        self.searched: list[tuple[set[str], Any]] = []  # (fragments, the answer or the function that waits for it)

    def prefetch(self, needles: set[str]) -> None:
        """Start searching for all of ``needles`` at once, for later calls that look for some of them;
        git works while this process goes on."""
        self._lines({n for n in needles if n}, wait=False)

    def among(self, cands: list[Candidate], needles: set[str]) -> list[Candidate]:
        """The candidates whose text contains one of ``needles`` (lower case)."""
        needles = {n for n in needles if n}
        if not needles or not cands:
            return []
        found = self._lines(needles)
        if found is None:
            return [c for c in cands if self._contains(c, needles)]
        lines, searched = found
        return [c for c in cands if (any(n in ln.lower() for ln in lines.get(c.display, ()) for n in needles)
                                     if c.display in searched else self._contains(c, needles))]

    def defining(self, cands: list[Candidate], refs: set[str]) -> list[Candidate]:
        """The candidates whose records may be named one of ``refs`` (lower case, as lineage names
        bases). Without name keys for every format, the files mentioning a name's last part."""
        refs = {r for r in refs if r}
        needles = {r.rsplit("/", 1)[-1] for r in refs} - {""}
        if not needles or not cands:
            return []
        keys = self.name_keys
        found = self._lines(needles)
        if keys is None or found is None or any(ch in r for r in refs for ch in ":#'\"\n\\"):
            return self.among(cands, needles)
        lines, searched = found
        folders: dict[str, bool] = {}  # folder -> is one of its folder names a needle
        out = []
        for c in cands:
            if c.display not in searched:
                keep = self._contains(c, needles)
            else:
                folder = c.display.rpartition("/")[0]
                if folder not in folders:
                    folders[folder] = not needles.isdisjoint(folder.lower().split("/"))
                keep = folders[folder] or (c.display in lines and any(
                    may_name(ln, refs, keys) for ln in lines[c.display]
                    if any(n in ln.lower() for n in needles) or not ln.isascii() or "\\" in ln))
            if keep:
                out.append(c)
        return out

    def _lines(self, needles: set[str], wait: bool = True) -> tuple[dict[str, list[str]], set[str]] | None:
        """git's lines for a search covering ``needles`` (one search serves any subset of an earlier one)."""
        if self.search is None or not needles:
            return None
        frags = {_fragment(n).lower() for n in needles}
        if "" in frags:
            return None
        for i, (done, answer) in enumerate(self.searched):
            if frags <= done:
                if callable(answer) and wait:
                    answer = answer()
                    self.searched[i] = (done, answer)
                return None if callable(answer) else answer
        started = self.search.start(sorted(f.encode("ascii") for f in frags) + list(_GUARDS))
        self.searched.append((frags, started))
        return self._lines(needles) if wait else None

    def _contains(self, c: Candidate, needles: set[str]) -> bool:
        if c.display not in self.texts:
            self.texts[c.display] = (self.read(c) or "").lower()
        text = self.texts[c.display]
        return any(n in text for n in needles)


class Search(Protocol):
    def start(self, patterns: list[bytes]) -> Callable[[], tuple[dict[str, list[str]], set[str]] | None]: ...

    def files(self) -> set[str] | None: ...
