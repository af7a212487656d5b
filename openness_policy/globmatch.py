"""Path globs matched in linear time: the policy language's only pattern syntax (no regular expressions).

``**/`` spans any number of folders (also none), ``**`` anything, ``*`` anything within one folder
name, ``?`` one character other than ``/``; everything else is literal. Translated to a regular
expression, ``**/**/**/x`` or ``*a*a*a*b`` backtracks exponentially on a long path that does not
match; here the pattern runs as an automaton (every possible position at once, one step per
character), so a match costs at most ``len(path) × len(pattern)`` steps whatever the input.
Automaton steps are cached per pattern, so in practice a match is one dictionary lookup per character.
"""
from __future__ import annotations

from functools import lru_cache

# Token kinds. SEGS (``**/``) matches "" or anything ending in "/"; its state -1-i means "inside".
LIT, ONE, STAR, ANY, SEGS = range(5)
_MAX_CACHED_STEPS = 4096  # per pattern; beyond it steps are computed afresh (still linear)


def _tokens(pattern: str) -> tuple[tuple[int, str], ...]:
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            if not (out and out[-1][0] == SEGS):  # **/**/ is the same as **/
                out.append((SEGS, ""))
            i += 3
        elif pattern.startswith("**", i):
            out.append((ANY, ""))
            i += 2
        elif pattern[i] == "*":
            if not (out and out[-1][0] == STAR):
                out.append((STAR, ""))
            i += 1
        elif pattern[i] == "?":
            out.append((ONE, ""))
            i += 1
        else:
            out.append((LIT, pattern[i]))
            i += 1
    return tuple(out)


class _Glob:
    def __init__(self, pattern: str):
        self.tokens = _tokens(pattern)
        self.literals = {text for kind, text in self.tokens if kind == LIT} | {"/"}
        self.start = self._closure({0})
        self.steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}

    def _closure(self, states: set[int]) -> frozenset[int]:
        todo, seen = list(states), set(states)
        while todo:
            s = todo.pop()
            if 0 <= s < len(self.tokens) and self.tokens[s][0] in (STAR, ANY, SEGS) and s + 1 not in seen:
                seen.add(s + 1)
                todo.append(s + 1)
        return frozenset(seen)

    def _step(self, states: frozenset[int], ch: str) -> frozenset[int]:
        out: set[int] = set()
        for s in states:
            if s < 0:  # inside a ``**/``: anything, until a "/" may end it
                out.add(s)
                if ch == "/":
                    out.add(-s)
                continue
            if s >= len(self.tokens):
                continue
            kind, text = self.tokens[s]
            if kind == LIT and ch == text or kind == ONE and ch != "/":
                out.add(s + 1)
            elif kind == STAR and ch != "/" or kind == ANY:
                out.add(s)
            elif kind == SEGS:
                out.add(-1 - s)
                if ch == "/":
                    out.add(s + 1)
        return self._closure(out)

    def match(self, path: str) -> bool:
        states, steps, end = self.start, self.steps, len(self.tokens)
        for ch in path:
            key = (states, ch if ch in self.literals else "")  # "" stands for any other character
            nxt = steps.get(key)
            if nxt is None:
                nxt = self._step(states, ch)
                if len(steps) < _MAX_CACHED_STEPS:
                    steps[key] = nxt
            if not nxt:
                return False
            states = nxt
        return end in states


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> _Glob:
    return _Glob(pattern)


def glob_match(path: str, pattern: str) -> bool:
    """Does the POSIX ``path`` match ``pattern`` in full?"""
    return _compiled(pattern).match(path)
