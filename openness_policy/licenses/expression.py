"""Evaluate a licence string (a name, a hub id or an SPDX expression) against the catalogue.

AND: every term applies (clauses add up, grants intersect). OR: the licensee may choose, so the least
restrictive branch decides, ranked deterministically: an identified branch beats an unidentified one,
then more grants beat fewer, then fewer clauses beat more; on a tie the first branch as written wins.
``X WITH exception`` counts as X. A term that is unknown, ambiguous or a placeholder makes the verdict
``known = False``; so does a malformed expression. Nothing here raises on bad input.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openness_policy.licenses.catalog import GRANTS, Clause, LicenseCatalog, LicenseRecord

_OPERATOR = r"[()]|(^|\s)(AND|OR|WITH)(\s|$)"
_LOOKS_LIKE_EXPRESSION = re.compile(_OPERATOR, re.IGNORECASE)
_STRICT_OPERATORS = re.compile(_OPERATOR)  # SPDX spells operators in capitals


@dataclass(frozen=True)
class LicenseVerdict:
    expression: str  # as written
    known: bool  # every chosen term identified (not placeholder/ambiguous)
    unknown_terms: tuple[str, ...]
    records: tuple[LicenseRecord, ...]  # the terms that apply (for OR: the chosen branch)
    clauses: tuple[Clause, ...]  # union over records
    osi_approved: bool  # every applying term OSI-approved
    open: bool  # every applying term open (MOT sense)
    grants_use_and_modification: bool
    note: str


@dataclass(frozen=True)
class _Part:
    """The meaning of one sub-expression."""

    text: str
    unknown: tuple[str, ...]
    records: tuple[LicenseRecord, ...]
    grants: frozenset[str]
    notes: tuple[str, ...] = ()

    @property
    def clauses(self) -> tuple[Clause, ...]:
        return tuple(dict.fromkeys(c for r in self.records for c in r.clauses))

    def rank(self) -> tuple[int, int, int]:
        """Smaller is less restrictive."""
        return (1 if self.unknown else 0, -len(self.grants), len(self.clauses))


MEMO_SIZE = 4096  # distinct licence strings remembered per catalogue


def evaluate(expression: str, catalog: LicenseCatalog) -> LicenseVerdict:
    """The verdict for ``expression`` as written in a manifest.

    Verdicts are immutable and depend only on the text and the catalogue, so each catalogue keeps the
    verdicts of the licence strings it has seen: a repository repeats the same few thousand times.
    """
    memo = catalog.__dict__.setdefault("_verdicts", {})
    hit = memo.get(expression)
    if hit is None:
        hit = _evaluate(expression, catalog)
        if len(memo) < MEMO_SIZE:
            memo[expression] = hit
    return hit


def _evaluate(expression: str, catalog: LicenseCatalog) -> LicenseVerdict:
    text = expression.strip()
    if not text:
        return _verdict(expression, _Part(expression, (expression,), (), frozenset()), "empty licence string")
    if catalog.lookup(text) is not None or not _LOOKS_LIKE_EXPRESSION.search(text):
        part = _term(text, catalog)
        return _verdict(expression, part, _single_note(text, part))
    try:
        tree = _parse(text)
    except Exception as exc:  # license-expression raises several error types; none may escape
        part = _Part(text, (text,), (), frozenset())
        return _verdict(expression, part, f"malformed licence expression: {exc}")
    part = _walk(tree, catalog)
    if part.unknown and not _STRICT_OPERATORS.search(text):
        # "Terms and Conditions of X": lower-case words read as operators; report the name whole
        part = _Part(text, (text,), (), frozenset())
        return _verdict(expression, part, _single_note(text, part))
    head = {"AND": "AND: every term applies", "OR": "OR: licensee may choose"}.get(type(tree).__name__, "")
    return _verdict(expression, part, "; ".join(n for n in (head, *part.notes) if n))


def _single_note(text: str, part: _Part) -> str:
    if not part.records:
        return f"licence {text!r} not identified"
    rec = part.records[0]
    if rec.placeholder:
        return f"{text!r} is a placeholder: the licence is not identified"
    if rec.ambiguous:
        return f"{text!r} names a licence family, not one licence"
    return f"single licence {rec.id!r}"


def _parse(text: str) -> Any:
    from license_expression import Licensing  # imported lazily: ~30 ms

    tree = Licensing().parse(text, validate=False)
    if tree is None:
        raise ValueError("no licence in expression")
    return tree


def _term(text: str, catalog: LicenseCatalog) -> _Part:
    rec = catalog.lookup(text)
    if rec is None:
        return _Part(text, (text,), (), frozenset())
    unidentified = rec.ambiguous or rec.placeholder
    grants = frozenset() if unidentified else frozenset(g for g in GRANTS if rec.grants.get(g))
    return _Part(text, (text,) if unidentified else (), (rec,), grants)


def _walk(node: Any, catalog: LicenseCatalog) -> _Part:
    kind = type(node).__name__
    if kind == "LicenseWithExceptionSymbol":
        inner = _term(str(node.license_symbol.key), catalog)
        note = f"exception {node.exception_symbol.key!r} ignored: {node.license_symbol.key!r} decides"
        return _Part(str(node), inner.unknown, inner.records, inner.grants, (note,))
    if kind in ("AND", "OR"):
        parts = [_walk(arg, catalog) for arg in node.args]
        return _all(str(node), parts) if kind == "AND" else _choose(str(node), parts)
    return _term(str(node.key), catalog)


def _all(text: str, parts: list[_Part]) -> _Part:
    grants = frozenset(GRANTS)
    for p in parts:
        grants &= p.grants
    return _Part(
        text,
        tuple(dict.fromkeys(u for p in parts for u in p.unknown)),
        tuple(dict.fromkeys(r for p in parts for r in p.records)),
        grants,
        tuple(n for p in parts for n in p.notes),
    )


def _choose(text: str, parts: list[_Part]) -> _Part:
    best = min(parts, key=lambda p: p.rank())  # min() keeps the first of equals: first as written wins
    skipped = tuple(u for p in parts if p is not best for u in p.unknown)
    if best.unknown:  # no branch is identified: every unknown term matters
        unknown = tuple(dict.fromkeys((*best.unknown, *skipped)))
        note = f"no branch of {text!r} is fully identified"
        return _Part(text, unknown, best.records, best.grants, (*best.notes, note))
    note = f"least restrictive branch {best.text!r} decides"
    if skipped:
        note += f" (unidentified alternative {', '.join(map(repr, skipped))} not needed)"
    return _Part(text, best.unknown, best.records, best.grants, (*best.notes, note))


def _verdict(expression: str, part: _Part, note: str) -> LicenseVerdict:
    known = not part.unknown and bool(part.records)
    return LicenseVerdict(
        expression=expression,
        known=known,
        unknown_terms=part.unknown,
        records=part.records,
        clauses=part.clauses,
        osi_approved=known and all(r.osi_approved for r in part.records),
        open=known and all(r.open for r in part.records),
        grants_use_and_modification={"use", "modification"} <= part.grants,
        note=note,
    )
