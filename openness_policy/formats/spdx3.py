"""SPDX 3.0.x AI profile (JSON-LD): one record per ``ai_AIPackage``.

Detection: a ``*.json`` / ``*.jsonld`` file whose first 4 KiB hold an ``@context`` naming
``spdx.org/rdf/3``. The tool-output variant with a top-level ``element`` array is read tolerantly
and flagged. See ``DOCS`` for the mapping.
"""
from __future__ import annotations

import fnmatch
import re

from openness_policy import components as C
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.record import BaseModel, ComponentFact, Dataset, Fact, ModelRecord, Problem

NAME = "spdx3"
PATTERNS = ("*.spdx3.json", "*.spdx.json", "*.jsonld")  # directory scans only; see DOCS
HEAD_SIZE = 4000
_PROFILES = re.compile(r'"profileConformance"\s*:\s*\[([^\]]*)\]')
MEMBER_LINKS = ("contains", "hasDataFile")
GONE = ("NOASSERTION", "NONE", "")


def detect(name: str, head: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not (fnmatch.fnmatch(base, "*.json") or fnmatch.fnmatch(base, "*.jsonld")):
        return False
    if "@context" not in head or not re.search(r"spdx\.org/rdf/3", head):
        return False
    profiles = _PROFILES.findall(head)
    if profiles and not any('"ai"' in p for p in profiles):
        return False  # declares its profiles, and AI is not one of them
    return len(head) >= HEAD_SIZE or "AIPackage" in head


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.common import new_record
    from openness_policy.formats.loading import parse_json
    from openness_policy.formats.spdx3_graph import build, deviations, etype

    doc = parse_json(src, NAME)
    if isinstance(doc, ModelRecord):
        return [doc]
    g = build(doc)
    if g is None:
        return []
    bad = deviations(g)
    records = []
    for i, el in doc.items(*g.base):
        if etype(el) != "AIPackage":
            continue
        rec = new_record(doc, NAME, *g.base, i, index=len(records))
        if bad:
            rec.problems.append(Problem(
                "manifest-invalid", "not valid SPDX 3 JSON-LD (read tolerantly): " + "; ".join(bad),
                doc.pos(*g.base), "warning",
                "serialise with the SPDX 3 JSON-LD context: elements in `@graph`, prefixed types such as "
                "`ai_AIPackage`, IRI `spdxId`s and `to` as a list (e.g. with spdx-python-model)"))
        fill(rec, g, i, el)
        records.append(rec)
    return records


def fill(rec: ModelRecord, g, index: int, el: dict) -> None:
    from openness_policy.formats.spdx3_graph import own_id

    me = own_id(g, index)
    rec.name, rec.version = g.prop(me, "name"), g.prop(me, "packageVersion")
    members = g.closure(me, MEMBER_LINKS)
    _licenses(rec, g, [me] + [m for m in members[1:] if g.prop(m, "primaryPurpose") and
                              g.prop(m, "primaryPurpose").value == "model"])
    _weights(rec, g, me, members)
    trained = _datasets(rec, g, members, "trainedOn")
    rec.datasets.extend(ds for ds, _ in trained)
    if trained:
        first = trained[0][0]
        rec.data_disclosure = Fact("named", first.name.pos, "derived", "trainedOn names the training data")
        rec.evidence["dataset_availability"] = {str(ds.name.value): a for ds, a in trained if a is not None}
        if all(a is not None and a.value == "directDownload" and ds.source for ds, a in trained):
            rec.components[C.DATASETS] = ComponentFact(
                C.DATASETS, first.name.pos, _joined([ds.license for ds, _ in trained]), first.source)
    tested = [ds for ds, _ in _datasets(rec, g, members, "testedOn")]
    if tested:
        rec.components["evaluation-data"] = ComponentFact(
            "evaluation-data", tested[0].name.pos, _joined([d.license for d in tested]), tested[0].source)
        rec.evidence["evaluation_data"] = [d.name for d in tested]
    for rel, target, where in g.related(members[:1], "descendantOf"):
        rec.lineage.append(BaseModel(_named(g, target, where), Fact("descendantOf", g.doc.pos(*where), "derived")))
    for rel in g.rels:
        if rel.kind == "ancestorOf" and any(t == me for t, _ in rel.targets):
            where = rel.targets[0][1]
            rec.lineage.append(BaseModel(_named(g, rel.source, where), Fact("ancestorOf", g.doc.pos(*where), "derived")))
    path = (*g.base, index)
    key = "ai_metric" if "ai_metric" in el else "metric"
    for j, item in g.doc.items(*path, key):
        if isinstance(item, dict) and item.get("key") is not None:
            rec.evaluation.append(Fact({"name": str(item["key"]), "value": item.get("value")}, g.doc.pos(*path, key, j)))
    if rec.evaluation:
        rec.components["evaluation-results"] = ComponentFact("evaluation-results", g.doc.pos(*path, key))
    for name in ("informationAboutTraining", "informationAboutApplication", "primaryPurpose", "releaseTime"):
        if (f := g.prop(me, name)) is not None:
            rec.evidence[name] = f
    docs = [_named(g, t, w) for _, t, w in g.related([me], "hasDocumentation")]
    if docs:
        rec.evidence["documentation"] = docs


def _licenses(rec: ModelRecord, g, holders: list[str]) -> None:
    """Declared licence of the package, else of a model file it contains; concluded as evidence."""
    declared, text = _license(g, holders, "hasDeclaredLicense")
    concluded, ctext = _license(g, holders, "hasConcludedLicense")
    if text or ctext:
        rec.evidence["license_text"] = text or ctext
    if concluded is not None:
        rec.evidence["license_concluded"] = concluded
    if declared is not None:
        rec.licenses["distribution"] = declared
    elif concluded is not None:
        rec.licenses["distribution"] = Fact(concluded.value, concluded.pos, "derived",
                                            "no licence is declared; the concluded licence is used")


def _license(g, holders: list[str], kind: str) -> tuple[Fact | None, str | None]:
    """The licence(s) the first holder with ``kind`` relationships points at, and any licence text."""
    from openness_policy.formats.spdx3_graph import license_value

    for holder in holders:
        facts, texts = [], []
        for _, target, where in g.related([holder], kind):
            fact, text = license_value(g, target, where)
            facts.append(fact)
            texts.append(text)
        if any(f is not None for f in facts):
            return _joined(facts), next((t for t in texts if t), None)
    return None, None


def _joined(facts: list) -> Fact | None:
    """One licence Fact for several (``AND``: every licence applies), or None when there is none."""
    facts = [f for f in facts if f is not None]
    values = list(dict.fromkeys(str(f.value) for f in facts))
    if len(values) <= 1:
        return facts[0] if facts else None
    parts = [f"({v})" if re.search(r" (AND|OR|WITH) ", v) else v for v in values]
    return Fact(" AND ".join(parts), facts[0].pos, "derived", f"{len(values)} licences read together as AND")


def _weights(rec: ModelRecord, g, me: str, members: list[str]) -> None:
    loc = g.prop(me, "downloadLocation")
    if loc is None or loc.value in GONE:
        for m in members[1:]:
            purpose = g.prop(m, "primaryPurpose")
            if purpose is not None and purpose.value == "model":
                f = g.prop(m, "downloadLocation")
                if f is not None and f.value not in GONE:
                    loc = f
                    break
    if loc is not None and loc.value not in GONE:
        rec.components[C.WEIGHTS] = ComponentFact(C.WEIGHTS, loc.pos, location=loc)
        rec.weights_available = Fact("yes", loc.pos, "derived", "a download location is given for the model")
    else:
        rec.weights_available = Fact("unknown", rec.pos, "default", "no download location for the model")


def _datasets(rec: ModelRecord, g, members: list[str], kind: str) -> list[tuple[Dataset, Fact | None]]:
    """``trainedOn``/``testedOn`` targets of the model or its files, lifted to their DatasetPackage."""
    out: list[tuple[Dataset, Fact | None]] = []
    seen: set[str] = set()
    for _, target, where in g.related(members, kind):
        ds = target if g.kind(target) == "DatasetPackage" else (g.container(target, "DatasetPackage") or target)
        if ds in seen:
            continue
        seen.add(ds)
        name = _named(g, ds, where)
        source = g.prop(ds, "downloadLocation")
        lic_holder = [ds] if g.element(ds) is not None else []
        lic, text = _license(g, lic_holder, "hasDeclaredLicense")
        if lic is None:
            lic, text = _license(g, lic_holder, "hasConcludedLicense")
        if text:
            rec.evidence.setdefault("dataset_license_text", {})[str(name.value)] = text
        out.append((Dataset(name, None if source is None or source.value in GONE else source, lic),
                    g.prop(ds, "datasetAvailability")))
    return out


def _named(g, eid: str, where: tuple) -> Fact:
    name = g.prop(eid, "name")
    return name if name is not None else Fact(eid, g.doc.pos(*where), note="no element with this id in the document")


DOCS = """\\
**Detection.** A `*.json` or `*.jsonld` file whose first 4 KiB hold an `@context` naming
`spdx.org/rdf/3`. Directory scans look at `*.spdx3.json`, `*.spdx.json` and `*.jsonld` only (model
repositories hold large JSON files that must not be read on every commit); any other `*.json` is
detected by content when named on the command line or passed by the pre-commit hook. A document whose
`profileConformance` (in the head) leaves out `ai` is not detected, nor a small file (under 4 KiB)
without an `AIPackage`; a larger document without one loads to no records. Each `ai_AIPackage`
becomes one record, numbered by `index`. The non-JSON-LD tool output (top-level `element` array,
unprefixed types, `SPDXRef-` ids, string `to`) is read the same way, with a `manifest-invalid`
warning "not valid SPDX 3 JSON-LD" naming each deviation.

Relationships are followed from the package **and from the files it holds**: the package's members
are everything reachable from it through `contains` and `hasDataFile` (as in the spdx-examples AI
BOM, where `model.bin` is `trainedOn` files of a dataset directory).

| SPDX 3 | canonical record |
|---|---|
| `name`, `software_packageVersion` | `name`, `version` |
| `software_downloadLocation` (else that of a contained file whose `software_primaryPurpose` is `model`) | `model-parameters-final` with its location, `weights.available: yes`; none (or `NOASSERTION`) → `unknown` |
| `hasDeclaredLicense` from the package (else from a contained model file) | `licenses.distribution`; several targets are read as `AND` |
| `hasConcludedLicense` | evidence `license_concluded`; used (as *derived*) only when nothing is declared |
| licence target `simplelicensing_LicenseExpression` | its `simplelicensing_licenseExpression` |
| licence target IRI `https://spdx.org/licenses/<id>` (an element or not) | `<id>` |
| licence target element with a `name` (e.g. `CustomLicense`) | that name |
| licence target given only as text (`CustomLicense` without a name; `SimpleLicensingText`, as hf2spdx writes) | the catalogue id when the text matches a known licence text (*detected*); else `LicenseRef-<last part of its id>` for a `CustomLicense`, or the text's first line (*detected*). The text is evidence (`license_text`, or `dataset_license_text` for a dataset) |
| `trainedOn` → `dataset_DatasetPackage` (or a file inside one, via `contains`) | `data.datasets`: name, `software_downloadLocation` as source, the dataset's own declared (else concluded) licence; `data.disclosure: named` |
| every trained-on dataset `dataset_datasetAvailability: directDownload` with a location | `datasets` component (licence: the datasets' licences) |
| `dataset_datasetAvailability` | evidence `dataset_availability` |
| `testedOn` → dataset | `evaluation-data` (location, licence); names as evidence |
| `ai_metric[]` | `evaluation` and `evaluation-results` |
| `descendantOf` (from the package) / `ancestorOf` (to the package) | `lineage` (relation recorded) |
| `hasDocumentation`, `ai_informationAboutTraining`, `ai_informationAboutApplication`, `releaseTime` | evidence |

Not mapped: training / inference code (SPDX has no relationship for it; `software_File` purposes
such as `source` are not taken as components), `dependsOn` libraries, `hasVariant`,
`ai_hyperparameter`, `ai_energyConsumption`, `ai_safetyRiskAssessment`, document-level `externalRef`
(e.g. arXiv), gated access (SPDX does not record it)."""


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name=NAME, description="SPDX 3.0.x AI profile (JSON-LD), one record per ai_AIPackage",
        filenames=PATTERNS, detect=detect, load=load, priority=50, docs=DOCS, name_keys=("name",)))
