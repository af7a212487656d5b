"""Lineage across files when files are judged one at a time (:mod:`openness_policy.parallel`).

``engine.judge`` links every derivative to its bases among *all* records (:mod:`openness_policy.lineage`).
A per-file judgement sees only the file's own records, so a derivative whose base is described in
another file would miss the base's licence. Each record leaves a small :class:`Key` (path, name, Hub
id, the bases it names); :func:`files_to_rejudge` runs the same lookup as ``lineage`` over the keys of
the whole run and names the files whose lineage reaches another file; :func:`rejudge` judges those
again together with every file they reach. Files whose lineage stays inside them are already right:
``lineage`` resolves a name to the first record that has it, and within a file that is the same one.
"""
from __future__ import annotations

from typing import Any

from openness_policy.discover import Candidate


class _Value:
    """A fact's value, as ``lineage`` reads it from a record (``.value``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _Base:
    """A lineage entry, as ``lineage`` reads it from a record (``.ref.value``, ``.path.value``)."""

    __slots__ = ("ref", "path")

    def __init__(self, ref: _Value, path: _Value | None) -> None:
        self.ref, self.path = ref, path


class Key:
    """The parts of a record that ``lineage`` looks at, small enough to keep for every record.

    Every file's keys travel from a worker to the parent, so a key pickles as one flat tuple of
    strings (:meth:`__reduce__`), not as objects with their attribute dictionaries."""

    __slots__ = ("file", "path", "name", "lineage", "evidence", "release")

    def __init__(self, file: int, path: str, name: _Value | None, lineage: tuple[_Base, ...],
                 evidence: dict | None = None, release: str | None = None) -> None:
        self.file = file  # the file's position in discovery order
        self.path = path
        self.name = name
        self.lineage = lineage
        self.evidence = {} if evidence is None else evidence  # only ``hub_id``
        self.release = release  # an MOT release name (repo_checks: duplicates across files)

    def __reduce__(self) -> tuple:
        bases = tuple((b.ref.value, None if b.path is None else b.path.value) for b in self.lineage)
        return _key, (self.file, self.path, None if self.name is None else self.name.value, bases,
                      self.evidence.get("hub_id"), self.release)

    def __repr__(self) -> str:
        return f"Key({self.__reduce__()[1]!r})"


def _key(file: int, path: str, name: Any, bases: tuple, hub: str | None, release: str | None) -> Key:
    return Key(file, path, None if name is None else _Value(name),
               tuple(_Base(_Value(ref), None if where is None else _Value(where)) for ref, where in bases),
               {} if hub is None else {"hub_id": hub}, release)


def keys_of(index: int, records: list) -> list[Key]:
    from openness_policy.repo_checks import release_name

    out = []
    for rec in records:
        name = None if rec.name is None else _Value(rec.name.value)
        bases = tuple(_Base(_Value(b.ref.value), None if b.path is None else _Value(b.path.value)) for b in rec.lineage)
        hub = rec.evidence.get("hub_id")
        out.append(Key(index, rec.path, name, bases, {"hub_id": hub} if isinstance(hub, str) else {},
                       release_name(rec)))
    return out


def files_to_rejudge(keys: list[Key]) -> dict[int, set[int]]:
    """File index -> the files its records' lineage reaches, for files that reach beyond themselves."""
    out: dict[int, set[int]] = {}
    shared: dict[str, set[int]] = {}  # files sharing an MOT release name are judged together
    for key in keys:
        if key.release is not None:
            shared.setdefault(key.release, set()).add(key.file)
    for files in shared.values():
        if len(files) > 1:
            for f in files:
                out.setdefault(f, {f}).update(files)
    if not any(k.lineage for k in keys):
        return out
    from openness_policy.lineage import bases_of, index

    by_path, by_name = index(keys)  # type: ignore[arg-type]  # keys quack like records here
    for key in keys:
        if not key.lineage:
            continue
        reach: set[int] = set()
        stack, seen = [key], {id(key)}
        while stack:
            for base, _where in bases_of(stack.pop(), by_path, by_name):  # type: ignore[arg-type]
                reach.add(base.file)
                if id(base) not in seen:
                    seen.add(id(base))
                    stack.append(base)
        if reach - {key.file}:
            out.setdefault(key.file, {key.file}).update(reach)
    return out


def rejudge(todo: dict[int, set[int]], found: list[Candidate], j: Any) -> list[Any]:
    """New results (``parallel.FileResult``) for the files in ``todo``, judged with everything they reach."""
    from openness_policy.engine import judge, load_candidate
    from openness_policy.findings import Report
    from openness_policy.parallel import from_report

    if not todo:
        return []
    files = sorted(set().union(*todo.values()))  # closed under lineage: see the module docstring
    records = {i: load_candidate(found[i], j.root, j.formats, j.opts.max_bytes) for i in files}
    everything = judge([r for i in files for r in records[i]], j.registry, j.policy, j.catalog, j.opts,
                       files=len(files))
    out = []
    for i in sorted(todo):
        display = found[i].display
        mine = [m for m in everything.models if m.record.path == display]
        rep = Report([f for f in everything.findings if f.manifest == display],
                     [f for f in everything.suppressed if f.manifest == display], mine, {}, files=1,
                     fail_on=everything.fail_on, tool_version=everything.tool_version)
        own = {f.rule.id for f in (*rep.findings, *rep.suppressed)}
        rep.rules = {rid: info for rid, info in everything.rules.items() if rid in own}
        out.append(from_report(j, i, display, rep, keys_of(i, records[i]), None))
    return out
