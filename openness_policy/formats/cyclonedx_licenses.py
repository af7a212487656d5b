"""CycloneDX ``licenses`` arrays: declared vs concluded licences, with their positions.

A ``licenses`` array holds ``{"license": {"id"|"name", "acknowledgement", ...}}`` entries and/or
``{"expression", "acknowledgement"}`` entries. CycloneDX 1.5 and 1.6 allow either a list of
``license`` entries or exactly one ``expression``; 1.7 allows a mixed list. An entry without an
``acknowledgement`` is read as declared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy.record import Fact, Problem
from openness_policy.sourcemap import Located

MIXING_ALLOWED_FROM = (1, 7)


@dataclass
class LicenseRead:
    declared: Fact | None = None  # the licence to use (declared; concluded only when nothing is declared)
    concluded: Fact | None = None  # kept as evidence
    problems: list[Problem] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)  # `licensing` blocks, texts, urls: evidence


@dataclass
class _Entry:
    value: str
    kind: str  # "id" | "name" | "expression"
    ack: str  # "declared" | "concluded"
    fact: Fact


def spec_tuple(spec: Any) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in str(spec).split("."))
    except ValueError:
        return ()


def read_licenses(doc: Located, path: tuple, spec: Any) -> LicenseRead:
    """Read ``<path>.licenses``; ``spec`` is the BOM's ``specVersion`` (decides whether a mix is valid)."""
    out = LicenseRead()
    entries: list[_Entry] = []
    base = (*path, "licenses")
    for i, item in doc.items(*base):
        entry = _entry(doc, (*base, i), item, out)
        if entry is None:
            out.problems.append(Problem(
                "manifest-invalid", f"licence entry {i} has neither a `license` with `id`/`name` nor an `expression`",
                doc.pos(*base, i), "warning", "give each entry `license: {id: ...}`, `license: {name: ...}` or `expression`"))
        else:
            entries.append(entry)
    expressions = sum(e.kind == "expression" for e in entries)
    version = spec_tuple(spec)
    if expressions and len(entries) > 1 and version and version < MIXING_ALLOWED_FROM:
        what = "several expressions" if expressions == len(entries) else "licence entries and an expression"
        out.problems.append(Problem(
            "manifest-invalid",
            f"out of spec for CycloneDX {spec}: `licenses` mixes {what}; before 1.7 it must be either "
            "`license` entries or exactly one `expression` (read anyway, declared entries preferred)",
            doc.pos(*base), "warning",
            "set `specVersion` to 1.7 (which allows the mix), or keep only one form in `licenses`"))
    declared = [e for e in entries if e.ack == "declared"]
    concluded = [e for e in entries if e.ack == "concluded"]
    out.concluded = _combine(concluded, "derived", "concluded licence")
    if declared:
        out.declared = _combine(declared, "declared", "")
    elif concluded:
        out.declared = _combine(concluded, "derived", "no licence is declared; the concluded licence is used")
    return out


def _entry(doc: Located, path: tuple, item: Any, out: LicenseRead) -> _Entry | None:
    if not isinstance(item, dict):
        return None
    ack = item.get("acknowledgement")
    if isinstance(item.get("expression"), str) and item["expression"].strip():
        if isinstance(item.get("licensing"), dict):
            out.terms.append({"licensing": item["licensing"]})
        value = item["expression"].strip()
        return _Entry(value, "expression", _ack(ack), Fact(value, doc.pos(*path, "expression")))
    lic = item.get("license")
    if not isinstance(lic, dict):
        return None
    for key in ("id", "name"):
        value = lic.get(key)
        if isinstance(value, str) and value.strip():
            note = f"url: {lic['url']}" if isinstance(lic.get("url"), str) else ""
            extra = {k: lic[k] for k in ("url", "licensing") if k in lic}
            if isinstance(lic.get("text"), dict):
                extra["text"] = lic["text"].get("content")
            if extra:
                out.terms.append({"license": value.strip(), **extra})
            return _Entry(value.strip(), key, _ack(lic.get("acknowledgement", ack)),
                          Fact(value.strip(), doc.pos(*path, "license", key), note=note))
    return None


def _ack(value: Any) -> str:
    return "concluded" if value == "concluded" else "declared"


def _combine(entries: list[_Entry], how: str, note: str) -> Fact | None:
    """One Fact for several entries: CycloneDX does not say how entries combine, so we read AND."""
    if not entries:
        return None
    first = entries[0].fact
    if len(entries) == 1:
        notes = "; ".join(n for n in (note, first.note) if n)
        return Fact(entries[0].value, first.pos, how, notes)
    parts = [f"({e.value})" if e.kind == "expression" and " " in e.value else e.value for e in entries]
    joined = "; ".join(n for n in (note, f"{len(entries)} licence entries read together as AND "
                                         "(the conservative reading: every licence applies)") if n)
    return Fact(" AND ".join(parts), first.pos, how, joined)
