"""European Open Source AI Index entries (osai-index.eu main database, one YAML file per model).

Detection: a ``*.yaml`` / ``*.yml`` file whose first 4 KiB hold a top-level ``system:`` mapping and
a top-level openness dimension (``weights_endmodel:``, ``weights_basemodel:``,
``datasources_basemodel:`` or ``datasources_endmodel:``). See ``DOCS`` for the mapping.
"""
from __future__ import annotations

import fnmatch
import re
from typing import Any

from openness_policy import components as C
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.record import BaseModel, ComponentFact, Dataset, Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located

NAME = "osai-index"
PATTERNS = ("*.yaml", "*.yml")
_SYSTEM = re.compile(r"^system[ \t]*:", re.M)
_DIMENSION = re.compile(r"^(weights_endmodel|weights_basemodel|datasources_basemodel|datasources_endmodel)[ \t]*:", re.M)
GRADES = ("open", "partial", "closed")
# index dimension -> (its name in the index, MOF components an open grade includes, ... a partial grade includes)
DIMENSIONS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "datasources_basemodel": ("Base Model Data", (), ()),
    "datasources_endmodel": ("End User Model Data", (), ()),
    "weights_basemodel": ("Base Model Weights", (), ()),
    "weights_endmodel": ("End User Model Weights", (C.WEIGHTS,), (C.WEIGHTS,)),
    "trainingcode": ("Training Code", (C.TRAINING_CODE, C.DATA_PREPROCESSING_CODE), (C.TRAINING_CODE,)),
    "code": ("Code Documentation", (), ()),
    "hardware_architecture": ("Hardware Architecture", (), ()),
    "preprint": ("Preprint", (C.TECHNICAL_REPORT,), (C.TECHNICAL_REPORT,)),
    "paper": ("Paper", (C.RESEARCH_PAPER,), (C.RESEARCH_PAPER,)),
    "modelcard": ("Modelcard", ("model-card",), ("model-card",)),
    "datasheet": ("Datasheet", (C.DATA_CARD,), (C.DATA_CARD,)),
    "licenses": ("Licenses", (), ()),
    "package": ("Package", (), ()),  # only in the 14-dimension files before 2026-03
    "api": ("API", (), ()),
}
_UNKNOWN = re.compile(r"(unknown|unclear|undisclosed|various|mixed|custom licen[cs]e|purposely left ambiguous|"
                      r"n/?a|none|-)(\W|$)", re.I)
_HF_DATASET = re.compile(r"^https?://huggingface\.co/datasets/([^/?#]+/[^/?#]+)")


def detect(name: str, head: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not (fnmatch.fnmatch(base, "*.yaml") or fnmatch.fnmatch(base, "*.yml")):
        return False
    return bool(_SYSTEM.search(head)) and bool(_DIMENSION.search(head))


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.common import new_record
    from openness_policy.formats.loading import parse_yaml

    doc = parse_yaml(src, NAME)
    if isinstance(doc, ModelRecord):
        return [doc]
    rec = new_record(doc, NAME)
    if not isinstance(doc.data, dict) or not isinstance(doc.get("system"), dict):
        rec.problems.append(Problem("manifest-invalid", "an index entry is a mapping with a `system:` mapping",
                                    rec.pos, fix="start from the index's a_submission_template.yaml"))
        return [rec]
    fill(rec, doc)
    return [rec]


def fill(rec: ModelRecord, doc: Located) -> None:
    rec.name = _text(doc, "system", "name")
    if rec.name is None:
        rec.problems.append(Problem("manifest-invalid", "`system.name` is empty", doc.pos("system", "name"),
                                    "warning", "give the model family's name"))
    for key in ("endmodelname", "type", "performanceclass", "releasedate", "link"):
        if (f := _text(doc, "system", key)) is not None:
            rec.evidence[f"osai_{key}"] = f
    if (f := _text(doc, "org", "name")) is not None:
        rec.evidence["organisation"] = f
    grades = {dim: _grade(rec, doc, dim) for dim in DIMENSIONS if dim in doc.data}
    rec.evidence["osai"] = {dim: g for dim, g in grades.items() if g is not None}
    lic_grade = grades.get("licenses")
    _license(rec, doc, lic_grade)
    for dim, grade in grades.items():
        if grade is None or grade.value["grade"] not in ("open", "partial"):
            continue
        label, when_open, when_partial = DIMENSIONS[dim]
        for slug in when_open if grade.value["grade"] == "open" else when_partial:
            rec.components[slug] = ComponentFact(slug, grade.pos, _component_license(slug, lic_grade),
                                                 _first_link(doc, dim, grade))
            if grade.value["grade"] == "partial":
                rec.evidence.setdefault("osai_partial", []).append(
                    f"{C.BY_SLUG[slug].name}: included from a 'partial' {label} grade: {grade.value['notes']}".strip())
    _weights(rec, grades.get("weights_endmodel"))
    _data(rec, doc, grades)
    base = _text(doc, "system", "basemodelname")
    if base is not None and not _unknown(base.value) and base.value not in (
            str(rec.name.value if rec.name else ""), str(doc.get("system", "endmodelname") or "")):
        wb = grades.get("weights_basemodel")
        rec.lineage.append(BaseModel(Fact(base.value, base.pos, "declared",
                                          f"base model weights graded {wb.value['grade']}" if wb else "")))


def _unknown(text: str) -> bool:
    """"Unknown", "Various", "Unclear (…)": the index says it does not know."""
    return bool(_UNKNOWN.match(text.strip()))


def _text(doc: Located, *path: Any) -> Fact | None:
    value = doc.get(*path)
    if value is None or isinstance(value, (dict, list)) or not str(value).strip():
        return None
    return Fact(str(value).strip(), doc.pos(*path))


def _grade(rec: ModelRecord, doc: Located, dim: str) -> Fact | None:
    """A dimension's grade with its links and notes, positioned on ``class``; None when n/a."""
    entry = doc.get(dim)
    if not isinstance(entry, dict):
        return None
    grade = entry.get("class")
    if grade is None or str(grade).strip() == "":
        return None
    grade = str(grade).strip().lower()
    if grade not in GRADES:
        rec.problems.append(Problem("manifest-invalid", f"`{dim}.class` is '{grade}', not open, partial or closed",
                                    doc.pos(dim, "class"), "warning", "grade each dimension open, partial or closed"))
        return None
    links = entry.get("link")
    links = [str(x) for x in links if x] if isinstance(links, list) else ([str(links)] if links else [])
    notes = str(entry.get("notes") or "").strip()
    return Fact({"grade": grade, "links": links, "notes": notes}, doc.pos(dim, "class"), "declared",
                f"{DIMENSIONS[dim][0]}: {grade}" + (f" ({notes})" if notes else ""))


def _first_link(doc: Located, dim: str, grade: Fact) -> Fact | None:
    if not grade.value["links"]:
        return None
    path = (dim, "link", 0) if isinstance(doc.get(dim, "link"), list) else (dim, "link")
    return Fact(grade.value["links"][0], doc.pos(*path), note=grade.note)


def _license(rec: ModelRecord, doc: Located, grade: Fact | None) -> None:
    lic = _text(doc, "system", "endmodellicense")
    graded = f"the index grades licences '{grade.value['grade']}'" if grade else "the index gives no licence grade"
    if lic is None or _unknown(lic.value):
        if lic is not None:
            rec.evidence["osai_license_text"] = lic
        return
    value = re.sub(r"\s+and\s+", " AND ", lic.value)  # "Apache-2.0 and CC-BY-NC-4.0" is an expression
    rec.licenses["distribution"] = Fact(value, lic.pos, "declared", f"system.endmodellicense; {graded}")


def _component_license(slug: str, grade: Fact | None) -> Fact | None:
    """Weights take the end-model licence; other parts inherit it only when the index grades licences open."""
    if slug == C.WEIGHTS or (grade is not None and grade.value["grade"] == "open"):
        return None
    if grade is None:
        return None
    return Fact("NOASSERTION", grade.pos, "default",
                f"the index grades licences '{grade.value['grade']}' and does not say which licence covers this part")


def _weights(rec: ModelRecord, grade: Fact | None) -> None:
    if grade is None:
        rec.weights_available = Fact("unknown", rec.pos, "default", "the index does not grade the end model weights")
        return
    state = {"open": "yes", "partial": "gated", "closed": "no"}[grade.value["grade"]]
    note = grade.note + ("; 'partial' means not fully shared, e.g. gated downloads" if state == "gated" else "")
    rec.weights_available = Fact(state, grade.pos, "declared", note)


def _data(rec: ModelRecord, doc: Located, grades: dict[str, Fact | None]) -> None:
    graded = [(dim, g) for dim in ("datasources_basemodel", "datasources_endmodel") if (g := grades.get(dim)) is not None]
    if not graded:
        return
    values = [g.value["grade"] for _, g in graded]
    for dim, g in graded:
        if g.value["grade"] == "closed":
            continue
        listed = isinstance(doc.get(dim, "link"), list)
        for i, link in enumerate(g.value["links"]):
            m = _HF_DATASET.match(link)
            pos = doc.pos(*((dim, "link", i) if listed else (dim, "link")))
            rec.datasets.append(Dataset(Fact(m.group(1) if m else link, pos, "declared", g.note), Fact(link, pos)))
    if "closed" not in values:
        dim, first = graded[0]
        rec.components[C.DATASETS] = ComponentFact(
            C.DATASETS, first.pos, _component_license(C.DATASETS, grades.get("licenses")), _first_link(doc, dim, first))
        if "partial" in values:
            rec.evidence.setdefault("osai_partial", []).append(
                "Datasets: included although a data-source grade is 'partial': some training data is not shared")
    if all(v == "open" for v in values):
        level = "complete"
    elif all(v == "closed" for v in values):
        level = "none"
    else:
        level = "named" if rec.datasets else "described"
    rec.data_disclosure = Fact(level, graded[0][1].pos, "derived", "; ".join(g.note for _, g in graded))
    sheet = grades.get("datasheet")
    if sheet is not None and sheet.value["grade"] != "closed" and sheet.value["links"]:
        rec.training_summary = _first_link(doc, "datasheet", sheet)


DOCS = """\
**Detection.** A `*.yaml` / `*.yml` file whose first 4 KiB hold a top-level `system:` mapping and a
top-level openness dimension (`weights_endmodel:`, `weights_basemodel:`, `datasources_basemodel:` or
`datasources_endmodel:`): one entry of the European Open Source AI Index main database
(osai-index.eu), one record per file. Every dimension's grade (`open` / `partial` / `closed`; empty
means n/a), links and notes are kept as evidence (`evidence.osai.<dimension>`, positioned on its
`class`), and the grade and notes are repeated in the note of each Fact derived from it.

| index key | canonical record |
|---|---|
| `system.name` | `name` (empty: a warning) |
| `system.endmodellicense` | `licenses.distribution` (" and " read as `AND`; "Unknown", "Various", "Unclear", … give no licence) |
| `system.basemodelname` (when not the model itself, not "unknown") | `lineage`, noting the `weights_basemodel` grade |
| `system.endmodelname`, `type`, `performanceclass`, `releasedate`, `link`; `org.name` | evidence |
| `weights_endmodel` | `model-parameters-final` (open, partial); `weights.available`: open → `yes`, partial → `gated` ("not fully shared, e.g. gated downloads"), closed → `no` |
| `datasources_basemodel` + `datasources_endmodel` | `datasets` when neither is closed; their links (open / partial) → `data.datasets` (Hub dataset ids as names); `data.disclosure`: both open → `complete`, all closed → `none`, else `named` (links) or `described` |
| `trainingcode` | `training-code` (open, partial); `data-preprocessing-code` (open only: the question covers dataset processing) |
| `preprint` | `technical-report` |
| `paper` | `research-paper` |
| `modelcard` | `model-card` |
| `datasheet` | `data-card`; its first link (open / partial) → `data.training_summary` |
| `licenses` | open: included parts inherit the end-model licence; partial / closed: parts other than the weights get licence `NOASSERTION` (the index does not say which licence covers them) |
| `weights_basemodel`, `code` (documentation), `hardware_architecture`, `package`, `api` | evidence only |

`open` includes the mapped components, `partial` includes them with a note (evidence `osai_partial`),
`closed` includes nothing. Each included component's `location` is the dimension's first link.

Not mapped: inference code, model architecture, evaluation code / data / results, supporting
libraries, intermediate parameters and sample outputs (the index has no such dimension)."""


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name=NAME, description="European Open Source AI Index entry (osai-index.eu YAML), one record per file",
        filenames=PATTERNS, detect=detect, load=load, priority=40, docs=DOCS, name_keys=("name",)))
