"""The licence catalogue: records per licence version, looked up by id, SPDX id, hub id or alias.

The built-in records live in ``policies/licenses/catalog.yaml`` (data, not code); the OSI/FSF flags
of every other SPDX id in ``policies/licenses/spdx-flags.json``. Both are parsed at most once per
process, on first use; the catalogue's parsed data is kept in the user's cache folder between runs
(:mod:`openness_policy.data_cache`). Organisations add records from their policy files with ``with_records``.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from openness_policy.resources import data_dir

CLAUSE_IDS = frozenset({
    "competitor-training", "user-cap", "acceptable-use-policy", "non-commercial", "research-only",
    "naming", "attribution", "flow-down", "share-alike", "geo-restriction", "distillation-derivative",
    "remote-restriction", "licensor-may-amend", "guardrail-termination", "hosting-restriction",
})  # fmt: skip
GRANTS = ("use", "modification", "distribution", "commercial")
MOF_TYPES = ("code", "data", "document")
SPDX_SOURCE = "SPDX License List"


class LicenseClashError(ValueError):
    """An added record claims an id, SPDX id, hub id or alias that another record already has."""

    def __init__(self, license_id: str, key: str = "", existing: str = "") -> None:
        self.license_id, self.key, self.existing = license_id, key, existing
        detail = f" {existing!r} (both answer to {key!r})" if key else " an existing licence"
        super().__init__(f"licence {license_id!r} clashes with{detail}; "
                         "set `override: true` to replace a built-in licence deliberately")


@dataclass(frozen=True)
class Clause:
    """A restrictive clause of a licence, with the section that says it."""

    id: str
    section: str
    summary: str
    threshold: int | None = None
    scope: str | None = None
    region: str | None = None
    verified: bool = True


@dataclass(frozen=True)
class LicenseRecord:
    """One licence version: its ids, openness, grants and clauses."""

    id: str
    name: str
    spdx: str | None
    hf: tuple[str, ...]
    aliases: tuple[str, ...]
    osi_approved: bool
    open: bool
    mof_types: tuple[str, ...]
    grants: Mapping[str, bool] = field(hash=False)
    clauses: tuple[Clause, ...]
    source: str
    verified: bool
    ambiguous: bool = False
    placeholder: bool = False
    date: str | None = None
    notes: str | None = None
    origin: str = "builtin"  # "builtin" or the policy file the record came from

    def lookup_keys(self) -> tuple[str, ...]:
        """Every normalised lookup key this record answers to."""
        raw = (self.id, self.spdx or "", *self.hf, *self.aliases)
        return tuple(dict.fromkeys(k for k in map(normalize, raw) if k))


_SEPARATORS = re.compile(r"[\s_-]+")


def normalize(text: str) -> str:
    """Case-folded, trimmed, with runs of whitespace, underscores and hyphens made one hyphen."""
    return _SEPARATORS.sub("-", text.strip().casefold()).strip("-")


def _clause(data: Mapping[str, Any]) -> Clause:
    cid = str(data["id"])
    if cid not in CLAUSE_IDS:
        raise ValueError(f"unknown clause id {cid!r} (expected one of {', '.join(sorted(CLAUSE_IDS))})")
    threshold = data.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int)):
        raise ValueError(f"clause {cid!r}: threshold must be an integer")
    return Clause(id=cid, section=str(data["section"]), summary=str(data["summary"]), threshold=threshold,
                  scope=data.get("scope"), region=data.get("region"), verified=bool(data.get("verified", True)))


def record_from_mapping(data: Mapping[str, Any], origin: str) -> LicenseRecord:
    """A record from a parsed mapping (the catalogue file or a policy file's ``licenses:`` entry)."""
    grants = data["grants"]
    if not isinstance(grants, Mapping) or set(grants) != set(GRANTS):
        raise ValueError(f"grants must give exactly {', '.join(GRANTS)}")
    types = tuple(data.get("mof_types") or ())
    if set(types) - set(MOF_TYPES):
        raise ValueError(f"mof_types must be among {', '.join(MOF_TYPES)}")
    rid = str(data["id"]).strip()
    if not rid:
        raise ValueError("id must not be empty")
    return LicenseRecord(
        id=rid, name=str(data["name"]), spdx=data.get("spdx"),
        hf=tuple(str(h) for h in data.get("hf") or ()), aliases=tuple(str(a) for a in data.get("aliases") or ()),
        osi_approved=bool(data.get("osi_approved", False)), open=bool(data.get("open", False)),
        mof_types=types, grants=MappingProxyType({g: bool(grants[g]) for g in GRANTS}),
        clauses=tuple(_clause(c) for c in data.get("clauses") or ()),
        source=str(data.get("source") or origin), verified=bool(data.get("verified", True)),
        ambiguous=bool(data.get("ambiguous", False)), placeholder=bool(data.get("placeholder", False)),
        date=None if data.get("date") is None else str(data["date"]), notes=data.get("notes"), origin=origin,
    )


def _index(records: Iterable[LicenseRecord]) -> dict[str, LicenseRecord]:
    index: dict[str, LicenseRecord] = {}
    for rec in records:
        for key in rec.lookup_keys():
            other = index.setdefault(key, rec)
            if other is not rec:
                raise LicenseClashError(rec.id, key, other.id)
    return index


class LicenseCatalog:
    """Immutable set of licence records with case-insensitive lookup."""

    def __init__(self, records: Iterable[LicenseRecord], flags_path: Path | None = None) -> None:
        self._records = tuple(records)
        self._index = _index(self._records)
        self._flags_path = flags_path
        names: dict[str, LicenseRecord | None] = {}
        for rec in self._records:  # full names answer too, unless two records share one
            key = normalize(rec.name)
            names[key] = rec if key not in names else None
        self._names = {k: r for k, r in names.items() if r is not None and k not in self._index}

    @classmethod
    def builtin(cls) -> LicenseCatalog:
        """The shipped catalogue, parsed once per process."""
        return _builtin()

    def with_records(self, records: Iterable[LicenseRecord], *, allow_override: bool) -> LicenseCatalog:
        """A new catalogue with ``records`` added. A clash raises unless ``allow_override``: then an added
        record replaces any record whose id it claims and takes over every other clashing key."""
        added = tuple(records)
        _index(added)  # additions must not clash among themselves
        kept = list(self._records)
        for rec in added:
            for key in rec.lookup_keys():
                hit = self._index.get(key)
                if hit is not None and not allow_override:
                    raise LicenseClashError(rec.id, key, hit.id)
        if allow_override:
            taken = {k for rec in added for k in rec.lookup_keys()}
            kept = [_without_keys(r, taken) for r in kept if normalize(r.id) not in taken]
        return LicenseCatalog((*kept, *added), self._flags_path)

    def lookup(self, text: str) -> LicenseRecord | None:
        """The record for an id, SPDX id, hub id or alias; a synthetic one for other flagged SPDX ids."""
        key = normalize(text)
        if not key:
            return None
        hit = self._index.get(key) or self._names.get(key)
        if hit is not None:
            return hit
        return _synthetic(self._flags_path, text.strip()) if self._flags_path else None

    def records(self) -> list[LicenseRecord]:
        return list(self._records)

    def spdx_flags(self, spdx_id: str) -> tuple[bool, bool] | None:
        """``(osi, fsf)`` for an exact, case-sensitive SPDX id; None when neither flag is set."""
        return _flags(self._flags_path).get(spdx_id) if self._flags_path else None


def _without_keys(rec: LicenseRecord, keys: set[str]) -> LicenseRecord:
    """``rec`` minus the hub ids and aliases an overriding record has taken."""
    hf = tuple(h for h in rec.hf if normalize(h) not in keys)
    aliases = tuple(a for a in rec.aliases if normalize(a) not in keys)
    spdx = None if rec.spdx and normalize(rec.spdx) in keys else rec.spdx
    if (hf, aliases, spdx) == (rec.hf, rec.aliases, rec.spdx):
        return rec
    return replace(rec, hf=hf, aliases=aliases, spdx=spdx)


@cache
def _flags(path: Path) -> dict[str, tuple[bool, bool]]:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    return {k: (bool(v.get("osi")), bool(v.get("fsf"))) for k, v in doc["licenses"].items()}


@cache
def _flags_folded(path: Path) -> dict[str, str]:
    return {k.casefold(): k for k in _flags(path)}


@lru_cache(maxsize=4096)
def _synthetic(path: Path, text: str) -> LicenseRecord | None:
    spdx_id = _flags_folded(path).get(text.casefold())
    if spdx_id is None:
        return None
    osi, fsf = _flags(path)[spdx_id]
    grant = osi or fsf
    return LicenseRecord(
        id=spdx_id, name=spdx_id, spdx=spdx_id, hf=(), aliases=(), osi_approved=osi, open=osi or fsf,
        mof_types=(), grants=MappingProxyType(dict.fromkeys(GRANTS, grant)), clauses=(), source=SPDX_SOURCE,
        verified=True, notes="Known only from the SPDX licence list's OSI/FSF flags.",
    )


def _parse_yaml(text: str) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(text)  # libyaml via ruamel.yaml.clib


@cache
def _builtin() -> LicenseCatalog:
    from openness_policy.data_cache import load_yaml_data

    folder = data_dir("policies") / "licenses"
    doc = load_yaml_data(folder / "catalog.yaml", _parse_yaml)  # parsed once per installation
    records = [record_from_mapping(item, origin="builtin") for item in doc["licenses"]]
    return LicenseCatalog(records, folder / "spdx-flags.json")
