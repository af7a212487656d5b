"""Map one CycloneDX ``machine-learning-model`` component into a :class:`ModelRecord`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openness_policy import components as C
from openness_policy.formats.common import text_fact
from openness_policy.formats.cyclonedx_licenses import read_licenses
from openness_policy.record import BaseModel, ComponentFact, Dataset, Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located

PROP = "openness-policy:"
HUB_HOSTS = re.compile(r"^https?://(www\.)?(huggingface\.co|hf\.co)/", re.I)
DISCLOSURES = ("none", "described", "named", "complete")
MODEL_CARD, EVAL_RESULTS = "model-card", "evaluation-results"


@dataclass
class Bom:
    doc: Located
    spec: Any
    refs: dict[str, tuple]  # bom-ref -> component path


# What the CycloneDX schema says each field of a component holds; a value of another type is ignored
# by the reader, so it is reported rather than dropped silently.
SHAPES: dict[str, type | tuple[type, ...]] = {
    "name": str, "group": str, "version": str, "purl": str, "bom-ref": str, "description": str,
    "licenses": list, "externalReferences": list, "properties": list, "hashes": list, "components": list,
    "modelCard": dict, "pedigree": dict, "supplier": dict, "manufacturer": dict, "data": list,
}


def shape_problems(doc: Located, path: tuple) -> list[Problem]:
    comp = doc.get(*path)
    out = []
    for key, want in SHAPES.items():
        if key in comp and not isinstance(comp[key], want) or key in comp and isinstance(comp[key], bool):
            name = want.__name__ if isinstance(want, type) else "/".join(t.__name__ for t in want)
            kind = {"str": "text", "list": "a list", "dict": "an object"}.get(name, name)
            out.append(Problem("manifest-invalid", f"`{key}` of a machine-learning-model component must be {kind}, "
                               f"not {type(comp[key]).__name__}; it was not read", doc.pos(*path, key), "warning",
                               "fix the value as the CycloneDX schema describes it"))
    return out


def fill(rec: ModelRecord, bom: Bom, path: tuple) -> None:
    doc = bom.doc
    comp = doc.get(*path)
    rec.problems.extend(shape_problems(doc, path))
    _identity(rec, doc, path, comp)
    lic = read_licenses(doc, path, bom.spec)
    rec.problems.extend(lic.problems)
    if lic.declared is not None:
        rec.licenses["distribution"] = lic.declared
    if lic.concluded is not None:
        rec.evidence["license_concluded"] = lic.concluded
    if lic.terms:
        rec.evidence["license_terms"] = lic.terms
    _references(rec, doc, path)
    _model_card(rec, bom, path)
    for i, anc in doc.items(*path, "pedigree", "ancestors"):
        ref = _component_ref(doc, (*path, "pedigree", "ancestors", i))
        if ref is not None:
            rec.lineage.append(BaseModel(ref, Fact("ancestor", ref.pos, "derived", "CycloneDX pedigree.ancestors")))
    _properties(rec, doc, path)
    _weights(rec, doc, path)


def _identity(rec: ModelRecord, doc: Located, path: tuple, comp: dict) -> None:
    rec.name = _component_ref(doc, path, with_version=False)
    rec.version = text_fact(doc, *path, "version")
    purl = text_fact(doc, *path, "purl")
    if purl is not None:
        rec.evidence["purl"] = purl
        if rec.version is None and "@" in str(purl.value):
            rec.version = Fact(str(purl.value).rsplit("@", 1)[1].split("?")[0], purl.pos, "derived", "from the purl")
    for key in ("bom-ref", "publisher"):
        if (f := text_fact(doc, *path, key)) is not None:
            rec.evidence[key] = f
    if (f := text_fact(doc, *path, "supplier", "name")) is not None:
        rec.evidence["supplier"] = f


def _component_ref(doc: Located, path: tuple, with_version: bool = True) -> Fact | None:
    """``group/name`` (plus ``@version``) of a component-like mapping; its purl when it has one."""
    if with_version and (purl := text_fact(doc, *path, "purl")) is not None:
        return purl
    name = text_fact(doc, *path, "name")
    if name is None:
        return None
    value = str(name.value)
    group = doc.get(*path, "group")
    if isinstance(group, str) and group.strip():
        value = f"{group.strip()}/{value}"
    version = doc.get(*path, "version")
    if with_version and isinstance(version, (str, int, float)) and str(version):
        value = f"{value}@{version}"
    return Fact(value, name.pos)


def _references(rec: ModelRecord, doc: Located, path: tuple) -> None:
    for i, ref in doc.items(*path, "externalReferences"):
        if not isinstance(ref, dict) or not isinstance(ref.get("url"), str):
            continue
        kind, url = ref.get("type"), Fact(ref["url"], doc.pos(*path, "externalReferences", i, "url"))
        if kind in ("distribution", "distribution-intake") or (kind == "vcs" and HUB_HOSTS.match(ref["url"])):
            rec.evidence.setdefault("weights_locations", []).append(url)
        elif kind in ("vcs", "source-distribution", "build-system"):
            rec.evidence.setdefault("code", []).append(url)
        if kind in ("model-card", "documentation") and MODEL_CARD not in rec.components:
            rec.components[MODEL_CARD] = ComponentFact(MODEL_CARD, url.pos, location=url)


def _model_card(rec: ModelRecord, bom: Bom, path: tuple) -> None:
    doc, mc = bom.doc, (*path, "modelCard")
    card = doc.get(*mc)
    if not isinstance(card, dict):
        return
    considerations = card.get("considerations")
    substantive = ("modelParameters" in card or "quantitativeAnalysis" in card
                   or (isinstance(considerations, dict) and set(considerations) - {"environmentalConsiderations"}))
    if substantive and MODEL_CARD not in rec.components:
        rec.components[MODEL_CARD] = ComponentFact(MODEL_CARD, doc.pos(*mc))
        rec.evidence["model_card"] = Fact(True, doc.pos(*mc), "derived", "the BOM embeds a model card")
    for key in ("architectureFamily", "modelArchitecture", "task"):
        if (f := text_fact(doc, *mc, "modelParameters", key)) is not None:
            rec.evidence[key] = f
    described: Fact | None = None
    for i, _ in doc.items(*mc, "modelParameters", "datasets"):
        ds, about = _dataset(rec, bom, (*mc, "modelParameters", "datasets", i))
        if ds is not None:
            rec.datasets.append(ds)
            described = described or about
    if described is not None:
        rec.components[C.DATA_CARD] = ComponentFact(C.DATA_CARD, described.pos, location=None)
        rec.evidence["data_card"] = Fact(True, described.pos, "derived", "the BOM describes its training data")
    for i, m in doc.items(*mc, "quantitativeAnalysis", "performanceMetrics"):
        if isinstance(m, dict):
            item = {"name": str(m.get("type") or "metric"), "value": m.get("value"), "slice": m.get("slice")}
            rec.evaluation.append(Fact({k: v for k, v in item.items() if v is not None},
                                       doc.pos(*mc, "quantitativeAnalysis", "performanceMetrics", i)))
    if rec.evaluation:
        pos = doc.pos(*mc, "quantitativeAnalysis", "performanceMetrics")
        rec.components[EVAL_RESULTS] = ComponentFact(EVAL_RESULTS, pos)


def _dataset(rec: ModelRecord, bom: Bom, path: tuple) -> tuple[Dataset | None, Fact | None]:
    """A ``datasets[]`` item: inline componentData, or ``{ref}`` to a ``data`` component."""
    doc = bom.doc
    item = doc.get(*path)
    if not isinstance(item, dict):
        return None, None
    if "ref" in item:
        ref = text_fact(doc, *path, "ref")
        target = bom.refs.get(str(ref.value)) if ref is not None else None
        if target is None:
            if ref is not None and not str(ref.value).startswith("urn:cdx:"):
                rec.problems.append(Problem(
                    "manifest-invalid", f"dataset ref '{ref.value}' names no component in this BOM", ref.pos,
                    "warning", "add a `data` component with this `bom-ref`, or fix the reference"))
            return (Dataset(ref, None, None) if ref is not None else None), None
        name = _component_ref(doc, target, with_version=False) or ref
        source = None
        for j, d in doc.items(*target, "data"):
            source = source or text_fact(doc, *target, "data", j, "contents", "url")
        for j, r in doc.items(*target, "externalReferences"):
            if isinstance(r, dict) and r.get("type") in ("distribution", "website", "vcs"):
                source = source or text_fact(doc, *target, "externalReferences", j, "url")
        lic = read_licenses(doc, target, bom.spec)
        rec.problems.extend(lic.problems)
        about = text_fact(doc, *target, "description") or _described(doc, (*target, "data", 0))
        return Dataset(name, source, lic.declared), about
    if item.get("type") == "source-code":
        if (url := text_fact(doc, *path, "contents", "url")) is not None:
            rec.evidence.setdefault("code", []).append(url)
        return None, None
    name = text_fact(doc, *path, "name") or text_fact(doc, *path, "contents", "url")
    if name is None:
        return None, None
    return Dataset(name, text_fact(doc, *path, "contents", "url"), None), _described(doc, path)


def _described(doc: Located, path: tuple) -> Fact | None:
    """A data description a data card would hold: prose, governance or sensitive-data notes."""
    for key in ("description", "governance", "sensitiveData"):
        value = doc.get(*path, key)
        if value:
            return Fact(True, doc.pos(*path, key), "derived")
    return None


def _properties(rec: ModelRecord, doc: Located, path: tuple) -> None:
    """Our extension properties (``openness-policy:*``) on the component or its model card."""
    for base in (path, (*path, "modelCard")):
        for i, p in doc.items(*base, "properties"):
            if not isinstance(p, dict) or not str(p.get("name", "")).startswith(PROP):
                continue
            key, value = p["name"][len(PROP):], p.get("value")
            pos = doc.pos(*base, "properties", i, "value")
            text = str(value).strip() if value is not None else ""
            if key == "weights-released" and text.lower() in ("true", "false", "gated"):
                rec.weights_available = Fact({"true": "yes", "false": "no"}.get(text.lower(), "gated"), pos)
            elif key == "gated" and text.lower() in ("true", "false"):
                rec.gated = Fact(text.lower() == "true", pos)
            elif key == "component" and C.lookup(text) is not None:
                slug = C.lookup(text).slug
                rec.components.setdefault(slug, ComponentFact(slug, pos))
            elif key.startswith("component-license:") and C.lookup(key.split(":", 1)[1]) is not None:
                slug = C.lookup(key.split(":", 1)[1]).slug
                comp = rec.components.setdefault(slug, ComponentFact(slug, pos))
                comp.license = Fact(text, pos)
            elif key == "data-disclosure" and text in DISCLOSURES:
                rec.data_disclosure = Fact(text, pos)
            elif key == "training-summary" and text:
                rec.training_summary = Fact(text, pos)
            elif key.startswith("label:") and text:
                rec.labels[key.split(":", 1)[1]] = Fact(text, pos)
            elif key.startswith("regulatory:") and text:  # e.g. regulatory:training_compute_flops = 3e24
                lowered = text.lower()
                value: object = {"true": True, "false": False}.get(lowered, text)
                rec.regulatory[key.split(":", 1)[1]] = Fact(value, pos)
            else:
                rec.problems.append(Problem(
                    "manifest-invalid", f"unknown or malformed property '{p['name']}' = {value!r}", pos, "warning",
                    "see the CycloneDX format notes for the `openness-policy:` properties and their values"))


def _weights(rec: ModelRecord, doc: Located, path: tuple) -> None:
    """Decide ``model-parameters-final`` and ``weights.available`` conservatively."""
    declared = rec.weights_available
    locations = rec.evidence.get("weights_locations", [])
    hashes = doc.get(*path, "hashes")
    if declared is not None and declared.value == "no":
        rec.components.pop(C.WEIGHTS, None)
        return
    if locations:
        loc = locations[0]
        rec.components.setdefault(C.WEIGHTS, ComponentFact(C.WEIGHTS, loc.pos, location=loc))
        if declared is None:
            rec.weights_available = Fact("yes", loc.pos, "derived", "a distribution reference gives where the parameters are published")
    elif isinstance(hashes, list) and hashes:
        pos = doc.pos(*path, "hashes")
        rec.components.setdefault(C.WEIGHTS, ComponentFact(C.WEIGHTS, pos))
        if declared is None:
            rec.weights_available = Fact("unknown", pos, "derived", "hashes of the parameters are given, but no "
                                         "distribution reference says where they are published")
    elif declared is None:
        rec.weights_available = Fact("unknown", rec.pos, "default", "no distribution reference or hashes for the parameters")
    if declared is not None and declared.value in ("yes", "gated"):
        rec.components.setdefault(C.WEIGHTS, ComponentFact(C.WEIGHTS, declared.pos))
        if declared.value == "gated" and rec.gated is None:
            rec.gated = Fact(True, declared.pos, "derived")
    if rec.gated is not None and rec.gated.value is True and rec.weights_available.value == "yes":
        rec.weights_available = Fact("gated", rec.gated.pos, "derived", "the parameters are published behind a gate")
