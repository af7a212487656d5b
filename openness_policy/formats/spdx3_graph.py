"""An SPDX 3 element graph read from JSON-LD (``@graph``) or from the unprefixed ``element`` variant.

Both serialisations are normalised here: types lose their profile prefix (``ai_AIPackage`` →
``AIPackage``), properties are found with or without it (``software_downloadLocation`` or
``downloadLocation``), and a relationship's ``to`` may be a list or a single string.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

from openness_policy.record import Fact
from openness_policy.sourcemap import Located

LISTED = "https://spdx.org/licenses/"
NO_ASSERTION = ("NOASSERTION", "NONE", "")


@dataclass
class Rel:
    kind: str  # relationshipType
    source: str
    targets: list[tuple[str, tuple]]  # (target id, path of the `to` value that names it)


@dataclass
class Graph:
    doc: Located
    base: tuple  # ("@graph",) or ("element",)
    jsonld: bool
    ids: dict[str, int] = field(default_factory=dict)  # element id -> index in base
    rels: list[Rel] = field(default_factory=list)
    out: dict[str, list[Rel]] = field(default_factory=dict)  # source id -> its relationships
    parents: dict[str, list[str]] = field(default_factory=dict)  # id -> ids that `contains` it

    def path(self, eid: str) -> tuple | None:
        i = self.ids.get(eid)
        return None if i is None else (*self.base, i)

    def element(self, eid: str) -> dict | None:
        p = self.path(eid)
        return None if p is None else self.doc.get(*p)

    def kind(self, eid: str) -> str:
        el = self.element(eid)
        return etype(el) if el is not None else ""

    def prop(self, eid: str, name: str) -> Fact | None:
        """A scalar property of an element, prefix-tolerant, with its position."""
        el, p = self.element(eid), self.path(eid)
        key = prop_key(el, name) if el is not None else None
        if key is None or p is None or isinstance(el[key], (dict, list)) or el[key] is None:
            return None
        return Fact(str(el[key]), self.doc.pos(*p, key))

    def related(self, sources: Iterable[str], kind: str) -> list[tuple[Rel, str, tuple]]:
        return [(r, t, tp) for s in dict.fromkeys(sources) for r in self.out.get(s, ())
                if r.kind == kind for t, tp in r.targets]

    def closure(self, start: str, kinds: tuple[str, ...]) -> list[str]:
        """``start`` and everything reachable from it through ``kinds`` relationships (cycle-safe)."""
        seen, queue = {start: None}, deque([start])
        while queue:
            cur = queue.popleft()
            for r in self.out.get(cur, ()):
                if r.kind in kinds:
                    for t, _ in r.targets:
                        if t not in seen:
                            seen[t] = None
                            queue.append(t)
        return list(seen)

    def container(self, eid: str, kind: str) -> str | None:
        """The nearest element of type ``kind`` that contains ``eid`` (through ``contains``)."""
        seen, queue = {eid}, deque([eid])
        while queue:
            cur = queue.popleft()
            if cur != eid and self.kind(cur) == kind:
                return cur
            for parent in self.parents.get(cur, ()):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return None


def etype(el: Any) -> str:
    t = el.get("type") or el.get("@type") if isinstance(el, dict) else None
    return t.split("_", 1)[1] if isinstance(t, str) and "_" in t else (t if isinstance(t, str) else "")


def prop_key(el: dict, name: str) -> str | None:
    if name in el:
        return name
    for key in el:
        if isinstance(key, str) and key.endswith("_" + name):
            return key
    return None


def element_id(el: Any) -> str | None:
    if not isinstance(el, dict):
        return None
    for key in ("spdxId", "@id"):
        if isinstance(el.get(key), str):
            return el[key]
    return None


def local_id(index: int) -> str:
    return f"_:element-{index}"


def own_id(g: Graph, index: int) -> str:
    """The id relationships use for the element at ``index``, or a local one if it has none of its own."""
    eid = element_id(g.doc.get(*g.base, index))
    return eid if eid is not None and g.ids.get(eid) == index else local_id(index)


def build(doc: Located) -> Graph | None:
    data = doc.data
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("@graph"), list):
        g = Graph(doc, ("@graph",), True)
    elif isinstance(data.get("element"), list):
        g = Graph(doc, ("element",), False)
    else:
        return None
    for i, el in doc.items(*g.base):
        if not isinstance(el, dict):
            continue
        eid = element_id(el)
        if eid is not None:
            g.ids.setdefault(eid, i)
        g.ids[local_id(i)] = i  # every element is reachable, even without (or with a repeated) id
        if etype(el) in ("Relationship", "LifecycleScopedRelationship"):
            kind, source, to = el.get("relationshipType"), el.get("from"), el.get("to")
            if not isinstance(kind, str) or not isinstance(source, str):
                continue
            if isinstance(to, str):
                targets = [(to, (*g.base, i, "to"))]
            elif isinstance(to, list):
                targets = [(t, (*g.base, i, "to", j)) for j, t in enumerate(to) if isinstance(t, str)]
            else:
                targets = []
            rel = Rel(kind, source, targets)
            g.rels.append(rel)
            g.out.setdefault(source, []).append(rel)
            if kind == "contains":
                for t, _ in targets:
                    g.parents.setdefault(t, []).append(source)
    return g


def deviations(g: Graph) -> list[str]:
    """How a document departs from SPDX 3 JSON-LD (empty for a conformant one)."""
    out = [] if g.jsonld else ["elements are in a top-level `element` array instead of `@graph`"]
    types = [el.get("type") for _, el in g.doc.items(*g.base) if isinstance(el, dict)]
    if any(t in ("AIPackage", "DatasetPackage", "File", "Package", "LicenseExpression") for t in types):
        out.append("profile types are unprefixed (`AIPackage` instead of `ai_AIPackage`)")
    if any(isinstance(el, dict) and isinstance(el.get("to"), str) for _, el in g.doc.items(*g.base)):
        out.append("relationship `to` is a string instead of a list")
    if any(i.startswith("SPDXRef-") for i in g.ids):
        out.append("ids are SPDX 2 style `SPDXRef-…` names instead of IRIs")
    return out


def license_value(g: Graph, target: str, where: tuple) -> tuple[Fact | None, str | None]:
    """The licence a relationship points at, positioned on the relationship, plus its text if any."""
    pos = g.doc.pos(*where)
    el = g.element(target)
    if el is None:
        if target.startswith(LISTED):
            return Fact(target[len(LISTED):], pos), None
        if target.rsplit("/", 1)[-1] in ("NoAssertionLicense", "NoneLicense"):
            return None, None
        return Fact(target, pos, note="not an element of this document"), None
    kind = etype(el)
    expr = g.prop(target, "licenseExpression")
    text = g.prop(target, "licenseText")
    if kind == "LicenseExpression" and expr is not None and expr.value not in NO_ASSERTION:
        return Fact(expr.value, pos), None
    if kind == "ListedLicense" or target.startswith(LISTED):
        return Fact(target.rstrip("/").rsplit("/", 1)[-1], pos), None
    name = g.prop(target, "name")
    if name is not None:
        return Fact(name.value, pos, note=f"{kind} element"), text.value if text else None
    if text is not None and (known := _identify(text.value)) is not None:
        return Fact(known[0], pos, "detected", f"the licence text is {known[1]}"), text.value
    if text is not None and kind == "CustomLicense":
        ref = "LicenseRef-" + re.sub(r"[^A-Za-z0-9.-]+", "-", target.rstrip("/").rsplit("/", 1)[-1]).strip("-")
        return Fact(ref, pos, note="custom licence without a name (its text is kept as evidence)"), text.value
    if text is not None:
        title = _title(text.value)
        return Fact(title, pos, "detected", "the licence is given only as text; named after its first line"), text.value
    return Fact(target, pos, note=f"{kind or 'unknown'} element without an expression"), None


def _identify(text: str) -> tuple[str, str] | None:
    """(catalogue id, title) of a known licence text, via the fingerprint matcher when it is installed."""
    try:
        from openness_policy.formats.license_detect import identify
        match = identify(text)
    except (ImportError, OSError):  # no matcher or no fingerprint data: fall back to the text's title
        return None
    return None if match is None else (match.id, match.title)


def _title(text: str) -> str:
    for line in text.splitlines():
        cleaned = line.strip().strip("*#_ \t").strip()
        if cleaned:
            return cleaned[:120]
    return "LicenseRef-unnamed-text"
