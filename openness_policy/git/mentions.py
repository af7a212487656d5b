"""Which files can matter to a pull-request run, decided from the lines ``git grep`` found in them.

:class:`Mentions` answers two questions for :mod:`openness_policy.git.changed`: which candidates
mention some names (:meth:`Mentions.among`), and which may *define* a model so named
(:meth:`Mentions.defining`, with :func:`may_name` judging one line). Files git did not search are
read, each at most once.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Container, Iterable, Protocol

from openness_policy.discover import Candidate


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


def last_segment(ref: str) -> str:
    """Text a manifest naming a model ``ref`` must contain: its last path segment."""
    return ref.rsplit("/", 1)[-1]


def _per_line(test: Callable[[str], bool]) -> Callable[[str], bool]:
    """``test`` answered once per distinct line: thousands of files repeat a line ("origin: OLMo-7B")."""
    seen: dict[str, bool] = {}

    def cached(line: str) -> bool:
        hit = seen.get(line)
        if hit is None:
            hit = seen[line] = test(line)
        return hit
    return cached


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

    def among(self, pool: Pool, needles: set[str], skip: Container[str] = ()) -> list[Candidate]:
        """The candidates of ``pool`` (but those in ``skip``) whose text contains one of ``needles``
        (lower case), in discovery order."""
        needles = {n for n in needles if n}
        if not needles or not pool.found:
            return []
        found = self._lines(needles)
        if found is None:
            return [c for c in pool.found if c.display not in skip and self._contains(c, needles)]
        lines, searched = found
        holds = _per_line(lambda ln: any(n in ln.lower() for n in needles))
        hits = [d for d, ls in lines.items() if d not in skip and any(map(holds, ls))]  # files git read
        return pool.ordered(hits + self._read_instead(pool, searched, needles, skip))

    def defining(self, pool: Pool, refs: set[str], skip: Container[str] = ()) -> list[Candidate]:
        """The candidates of ``pool`` (but those in ``skip``) whose records may be named one of ``refs``
        (lower case, as lineage names bases), in discovery order. Without name keys for every format,
        the files mentioning a name's last part."""
        refs = {r for r in refs if r}
        needles = {last_segment(r) for r in refs} - {""}
        if not needles or not pool.found:
            return []
        keys = self.name_keys
        found = self._lines(needles)
        if keys is None or found is None or any(ch in r for r in refs for ch in ":#'\"\n\\"):
            return self.among(pool, needles, skip)
        lines, searched = found
        names = _per_line(lambda ln: ((any(n in ln.lower() for n in needles) or not ln.isascii() or "\\" in ln)
                                      and may_name(ln, refs, keys)))
        named = {d for d, ls in lines.items() if any(map(names, ls))}
        # a file in a folder named like the model may be named after its folder (a card that names no model)
        for folder in pool.folders():
            if not needles.isdisjoint(folder.lower().split("/")):
                named.update(pool.in_folder(folder))
        kept = [d for d in named if d in searched and d not in skip]
        return pool.ordered(kept + self._read_instead(pool, searched, needles, skip))

    def _read_instead(self, pool: Pool, searched: set[str], needles: set[str], skip: Container[str]) -> list[str]:
        """The candidates git did not read (untracked, changed since the searched commit, named on the
        command line) whose text contains a needle: each file read once."""
        return [c.display for c in pool.outside(searched) if c.display not in skip and self._contains(c, needles)]

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


class Pool:
    """The candidates of a run in discovery order (sorted by display path), looked up by display path,
    so that a search answers in time that grows with its hits, not with the repository."""

    def __init__(self, found: list[Candidate]):
        self.found = found
        self.index = {c.display: c for c in found}
        self._outside: tuple[set[str], list[Candidate]] | None = None
        self._folders: set[str] | None = None

    def ordered(self, displays: Iterable[str]) -> list[Candidate]:
        """The candidates among ``displays``, each once, in discovery order."""
        index = self.index
        return [index[d] for d in sorted({d for d in displays if d in index})]

    def outside(self, searched: set[str]) -> list[Candidate]:
        """The candidates not in ``searched`` (kept for the last set asked about)."""
        if self._outside is None or self._outside[0] is not searched:
            self._outside = (searched, [c for c in self.found if c.display not in searched])
        return self._outside[1]

    def folders(self) -> set[str]:
        """The folders holding candidates ("" for the top)."""
        if self._folders is None:
            self._folders = {d.rpartition("/")[0] for d in self.index}
        return self._folders

    def in_folder(self, folder: str) -> list[str]:
        """The candidates directly in ``folder`` (rarely asked: a walk over all of them)."""
        return [d for d in self.index if d.rpartition("/")[0] == folder]


class Search(Protocol):
    def start(self, patterns: list[bytes]) -> Callable[[], tuple[dict[str, list[str]], set[str]] | None]: ...

    def files(self) -> set[str] | None: ...
