"""Our own YAML manifest (``*.openness.yaml``): the canonical record, written by hand.

Detection: the file name is ``openness.y(a)ml`` or ends in ``.openness.y(a)ml`` **and** the
document has the top-level marker ``openness: 1``.
"""
from __future__ import annotations

import fnmatch
import re

from openness_policy import components as C
from openness_policy.formats.common import fact, new_record, regulatory_facts, text_fact
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.record import BaseModel, ComponentFact, Dataset, Fact, ModelRecord, Problem, Suppression
from openness_policy.sourcemap import Located

PATTERNS = ("openness.yaml", "openness.yml", "*.openness.yaml", "*.openness.yml")
_MARKER = re.compile(r"^openness\s*:", re.M)
SCHEMA = "model-manifest.schema.json"


def detect(name: str, head: str) -> bool:
    return any(fnmatch.fnmatch(name, p) for p in PATTERNS) and bool(_MARKER.search(head))


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.loading import parse_yaml
    from openness_policy.validation import schema_errors

    doc = parse_yaml(src)
    if isinstance(doc, ModelRecord):
        return [doc]
    rec = new_record(doc, "native")
    if not isinstance(doc.data, dict):
        rec.problems.append(Problem("manifest-invalid", "the manifest must be a YAML mapping", rec.pos,
                                    fix="start the file with `openness: 1` and `name: ...`"))
        return [rec]
    for path, message, hint in schema_errors(doc, SCHEMA):
        rec.problems.append(Problem("manifest-invalid", message, doc.pos(*path), fix=hint))
    fill(rec, doc)
    return [rec]


def fill(rec: ModelRecord, doc: Located) -> None:
    """Map a native manifest into the record; tolerant of wrong shapes (the schema reports them)."""
    for section in ("labels", "components", "data", "access", "regulatory", "weights", "licenses", "base_models"):
        if section in doc.data:
            rec.anchors[section] = doc.pos(section)
    rec.name = text_fact(doc, "name")
    rec.version = text_fact(doc, "version")
    if (owner := text_fact(doc, "owner")) is not None:
        rec.labels["owner"] = owner
    labels = doc.get("labels")
    if isinstance(labels, dict):
        for key in labels:
            if (f := text_fact(doc, "labels", key)) is not None:
                rec.labels[key] = f
    if (f := text_fact(doc, "license")) is not None:
        rec.licenses["distribution"] = f
    for slot in ("code", "data", "document"):
        if (f := text_fact(doc, "licenses", slot)) is not None:
            rec.licenses[slot] = f
    comps = doc.get("components")
    if isinstance(comps, dict):
        for key, value in comps.items():
            comp = C.lookup(key)
            if comp is None:
                continue  # the schema already reports unknown component names
            lic = doc.get("components", key, "license") if isinstance(value, dict) else None
            has_key = isinstance(value, dict) and "license" in value
            rec.components[comp.slug] = ComponentFact(
                comp.slug, doc.pos("components", key),
                license=Fact("" if lic is None else str(lic), doc.pos("components", key, "license")) if has_key else None,
                location=text_fact(doc, "components", key, "location"))
    released = doc.get("weights", "released")
    if isinstance(released, bool):
        rec.weights_available = Fact("yes" if released else "no", doc.pos("weights", "released"))
    elif C.WEIGHTS in rec.components:
        rec.weights_available = Fact("yes", rec.components[C.WEIGHTS].pos, "derived",
                                     "the final parameters are listed as an included component")
    if (f := fact(doc, "access", "gated")) is not None and isinstance(f.value, bool):
        rec.gated = f
        if f.value and rec.weights_available and rec.weights_available.value == "yes":
            rec.weights_available = Fact("gated", f.pos)
    for i, _ in doc.items("access", "excluded_regions"):
        if (f := text_fact(doc, "access", "excluded_regions", i)) is not None:
            rec.excluded_regions.append(f)
    rec.data_disclosure = text_fact(doc, "data", "disclosure")
    for i, item in doc.items("data", "datasets"):
        if isinstance(item, dict) and (name := text_fact(doc, "data", "datasets", i, "name")) is not None:
            rec.datasets.append(Dataset(name, text_fact(doc, "data", "datasets", i, "source"),
                                        text_fact(doc, "data", "datasets", i, "license")))
    rec.training_summary = text_fact(doc, "data", "training_summary")
    for i, item in doc.items("base_models"):
        if isinstance(item, dict) and (ref := text_fact(doc, "base_models", i, "id")) is not None:
            p = text_fact(doc, "base_models", i, "path")
            rec.lineage.append(BaseModel(ref, text_fact(doc, "base_models", i, "relation"), p))
            if p is not None:
                rec.evidence.setdefault("base_paths", []).append(p)
    if isinstance(doc.get("regulatory"), dict):
        regulatory_facts(rec, doc, ("regulatory",))
    for i, item in doc.items("evaluation"):
        if isinstance(item, dict):
            rec.evaluation.append(Fact(item, doc.pos("evaluation", i)))
    for i, item in doc.items("suppressions"):
        if isinstance(item, dict) and isinstance(item.get("rule"), str):
            rec.suppressions.append(Suppression(item["rule"], str(item.get("reason") or ""),
                                                doc.pos("suppressions", i), item.get("expires")))



DOCS = """**Detection.** File name `openness.yaml`, `openness.yml`, `*.openness.yaml` or `*.openness.yml`
**and** a top-level `openness:` key (the format version, `1`). Validated against
`schemas/model-manifest.schema.json`; every schema error is a `manifest-invalid` finding at its line
with a did-you-mean hint.

| native key | canonical record |
|---|---|
| `name`, `version` | `name`, `version` |
| `owner`, `labels.<key>` | `labels.owner`, `labels.<key>` |
| `license` | `licenses.distribution` |
| `licenses.code` / `data` / `document` | `licenses.<type>` |
| `components.<slug or MOT name>` (`license`, `location`) | the component, included; no `license` key inherits |
| `weights.released` | `weights.available` (`yes`/`no`; `gated` with `access.gated`); without it, listing `model-parameters-final` means released |
| `access.gated`, `access.excluded_regions` | `access.gated`, excluded regions |
| `data.disclosure`, `data.datasets[]` (`name`, `source`, `license`), `data.training_summary` | data information |
| `base_models[]` (`id`, `relation`, `path`) | `lineage` (a `path` links the base's manifest in this repository) |
| `regulatory.<key>` | `regulatory.<key>` |
| `evaluation[]` | `evaluation` |
| `suppressions[]` (`rule`, `reason`, `expires`) | inline suppressions |
"""


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name="native", description="openness-policy's own YAML manifest (*.openness.yaml)",
        filenames=PATTERNS, detect=detect, load=load, priority=100,
        docs=DOCS, name_keys=("name",)))
