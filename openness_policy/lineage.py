"""Lineage across the repository: derivatives are bound by their bases' licences.

A derivative (fine-tune, adapter, quantization, merge) whose base model is described in the same
repository gets the base's weights licence as an *inherited* licence: when it declares none, the
inherited one applies (and the evidence says so); when it declares its own, both apply (``AND``), so a
derivative is never more open than its base's licence allows. Bases are found by manifest path
(native ``base_models[].path``, relative to the manifest) or by model name / Hub id.
"""
from __future__ import annotations

import posixpath
from typing import Iterable

from openness_policy.record import Fact, ModelRecord


def index(records: Iterable[ModelRecord]) -> tuple[dict[str, ModelRecord], dict[str, ModelRecord]]:
    by_path: dict[str, ModelRecord] = {}
    by_name: dict[str, ModelRecord] = {}
    for rec in records:
        by_path.setdefault(rec.path, rec)
        if rec.name is not None and rec.name.value not in (None, ""):
            by_name.setdefault(str(rec.name.value).lower(), rec)
        repo_id = rec.evidence.get("hub_id")
        if isinstance(repo_id, str):
            by_name.setdefault(repo_id.lower(), rec)
    return by_path, by_name


def bases_of(rec: ModelRecord, by_path: dict[str, ModelRecord], by_name: dict[str, ModelRecord]) -> list[tuple[ModelRecord, Fact]]:
    """(base record, the lineage fact in ``rec`` that names it) for each base described here."""
    out = []
    for base in rec.lineage:
        found = None
        if base.path is not None:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rec.path), str(base.path.value)))
            found = by_path.get(target)
        if found is None:
            found = by_name.get(str(base.ref.value).lower())
        if found is not None and found is not rec:
            out.append((found, base.path or base.ref))
    return out


def link(records: list[ModelRecord]) -> None:
    """Fill ``inherited_licenses`` on every derivative whose bases are among ``records``."""
    if not any(rec.lineage for rec in records):  # no derivatives (most single files): nothing to inherit
        for rec in records:
            if rec.inherited_licenses:
                rec.inherited_licenses = []
        return
    by_path, by_name = index(records)
    done: dict[int, list[Fact]] = {}
    for rec in records:
        _effective(rec, (), done, by_path, by_name)


def _effective(rec: ModelRecord, stack: tuple[int, ...], done: dict[int, list[Fact]],
               by_path: dict[str, ModelRecord], by_name: dict[str, ModelRecord]) -> list[Fact]:
    """The licences that bind ``rec``'s weights: its own plus everything its bases pass on.

    A module-level function, not a closure in :func:`link`: a closure that calls itself is a reference
    cycle, and every record it can reach would then wait for the garbage collector instead of being
    freed when the file is done."""
    if id(rec) in done:
        return done[id(rec)]
    if id(rec) in stack:  # a lineage loop: stop, never recurse forever
        return []
    inherited: list[Fact] = []
    for base, where in bases_of(rec, by_path, by_name):
        for fact in _effective(base, stack + (id(rec),), done, by_path, by_name):
            note = f"inherited from base model {base.display_name} ({base.path}:{fact.pos.line})"
            inherited.append(Fact(fact.value, where.pos, "inherited", note))
    rec.inherited_licenses = _dedupe(inherited)
    own = rec.weights_license()
    done[id(rec)] = ([own] if own is not None else []) + rec.inherited_licenses
    return done[id(rec)]


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen: set[str] = set()
    out = []
    for f in facts:
        if str(f.value) not in seen:
            seen.add(str(f.value))
            out.append(f)
    return out

