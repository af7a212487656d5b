"""Identify a licence from its full text (a ``LICENSE`` file), offline and in about a millisecond.

Method: the text is normalised to lower-case word tokens (punctuation, Markdown and HTML markup,
line breaks and quote styles do not matter), cut into overlapping 5-token shingles, and each
shingle is hashed (CRC-32). A known licence is stored as a *sample* of its shingle hashes: those
divisible by the licence's modulus (about 256 per licence). The same sample is taken from the
candidate text and the two samples are compared:

- ``jaccard``: shared / union. Near 1.0 for the same text re-wrapped or re-formatted.
- ``containment``: shared / the licence's sample. Near 1.0 when the whole licence text is
  inside a longer file (a licence followed by its use policy or a notice).

The score is the Jaccard index, or the containment when that is at least ``CONTAINED``. If no
known text reaches ``THRESHOLD`` (or ``WEAK`` with at least ``DISTINCT`` of its distinctive
shingles present: a heavily edited or truncated copy) the text is not identified. Close relatives (Llama 3.1 / 3.2 /
3.3, CC BY / BY-NC, Open RAIL-M / RAIL++-M) score within a few points of each other, so among
the texts scoring within ``RELATIVES`` of the best, the winner is the one whose *distinctive*
shingles (those no other licence of the same kind has, also stored as a sample) are most present
in the candidate; then the higher score, then the higher Jaccard index.

The known texts are ``policies/licenses/fingerprints.json``, generated from the research corpus
by ``scripts/gen_license_fingerprints.py`` (the corpus is not needed at run time).
"""
from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Iterable

SHINGLE = 5
THRESHOLD = 0.6
CONTAINED = 0.9
RELATIVES = 0.2
WEAK, DISTINCT = 0.3, 0.5  # a weaker score still counts when half the distinctive shingles are there
_TAG = re.compile(r"<[^<>\n]{0,200}>")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Fingerprint:
    id: str  # catalogue id: SPDX id where one exists, else the Hub id or a stable slug
    kind: str  # "license" or "use-policy"
    title: str
    modulus: int
    hashes: frozenset[int]
    distinct_modulus: int = 1
    distinct: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Match:
    id: str
    kind: str
    title: str
    score: float
    jaccard: float
    containment: float
    distinct: float = 0.0  # share of the licence's distinctive shingles found in the candidate


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with markup removed; curly quotes and dashes fold away as punctuation."""
    return _TOKEN.findall(_TAG.sub(" ", text.lower()))


def shingle_hashes(text: str, size: int = SHINGLE) -> set[int]:
    """CRC-32 of every run of ``size`` consecutive tokens (the whole text when it is shorter)."""
    toks = tokens(text)
    if not toks:
        return set()
    if len(toks) < size:
        return {zlib.crc32(" ".join(toks).encode())}
    return {zlib.crc32(" ".join(toks[i:i + size]).encode()) for i in range(len(toks) - size + 1)}


def sample(hashes: Iterable[int], modulus: int) -> frozenset[int]:
    return frozenset(h for h in hashes if h % modulus == 0)


def modulus_for(count: int, target: int = 256) -> int:
    """The sampling modulus that keeps about ``target`` hashes of ``count`` (all of a short text)."""
    return max(1, count // target)


def fingerprints_path() -> Path:
    from openness_policy.resources import data_dir

    return data_dir("policies") / "licenses" / "fingerprints.json"


def parse_fingerprints(doc: dict[str, Any]) -> tuple[Fingerprint, ...]:
    return tuple(Fingerprint(e["id"], e.get("kind", "license"), e.get("title", e["id"]), int(e["modulus"]),
                             frozenset(e["hashes"]), int(e.get("distinct_modulus", 1)),
                             frozenset(e.get("distinct", ()))) for e in doc["texts"])


@cache
def builtin_fingerprints() -> tuple[Fingerprint, ...]:
    with open(fingerprints_path(), encoding="utf-8") as fh:
        return parse_fingerprints(json.load(fh))


def score(candidate: set[int], fp: Fingerprint) -> Match:
    mine = sample(candidate, fp.modulus)
    shared = len(mine & fp.hashes)
    union = len(mine | fp.hashes)
    jac = shared / union if union else 0.0
    con = shared / len(fp.hashes) if fp.hashes else 0.0
    dis = len(candidate & fp.distinct) / len(fp.distinct) if fp.distinct else 0.0
    return Match(fp.id, fp.kind, fp.title, con if con >= CONTAINED and con > jac else jac, jac, con, dis)


def ranked(text: str, kinds: tuple[str, ...] = ("license",),
           known: tuple[Fingerprint, ...] | None = None) -> list[Match]:
    """Every known text of the given kinds, best match first (see the module docstring)."""
    candidate = shingle_hashes(text)
    pool = builtin_fingerprints() if known is None else known
    matches = [score(candidate, fp) for fp in pool if fp.kind in kinds]
    if not matches:
        return []
    best = max(m.score for m in matches)
    return sorted(matches, key=lambda m: (m.score < best - RELATIVES, -m.distinct, -m.score, -m.jaccard, m.id))


def identify(text: str, kinds: tuple[str, ...] = ("license",),
             known: tuple[Fingerprint, ...] | None = None) -> Match | None:
    """The known licence (or use policy) this text is, or None when nothing scores ``THRESHOLD``."""
    matches = ranked(text, kinds, known)
    if not matches:
        return None
    top = matches[0]
    if top.score >= THRESHOLD or (top.score >= WEAK and top.distinct >= DISTINCT):
        return top
    return None
