"""The Model Openness Tool's model file (``models/*.yml`` in lfai/model_openness_tool).

Detection: any file name; the text has top-level ``framework:`` and ``release:`` keys. Each file is
one model. The record keeps exactly what the MOT evaluates (listed components, their licence keys,
the four global licences), so the MOF class computed from it is the MOT's own; see ``DOCS``.
"""
from __future__ import annotations

import re

from openness_policy import components as C
from openness_policy.formats import mot_checks as K
from openness_policy.formats.common import new_record, text_fact
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import Check, FormatSpec, Source
from openness_policy.record import BaseModel, ComponentFact, Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located

SCHEMA = "mot-model.schema.json"
_FRAMEWORK = re.compile(r"^framework[ \t]*:", re.M)
_RELEASE = re.compile(r"^release[ \t]*:", re.M)
LABELS = ("producer", "type", "architecture", "treatment")  # release keys kept as labels
EVIDENCE = ("contact", "date", "repository", "huggingface", "origin")  # release keys kept as evidence

DOCS = """\
**Detection**: any file name (discovery looks at `*.yml` and `*.yaml`; the MOT itself imports `.yml`)
whose text has the top-level keys `framework:` and `release:`. Validated against
`schemas/mot-model.schema.json`, the MOT's own schema.

| MOT file | record |
|---|---|
| `release.name`, `release.version` | name, version |
| `release.producer`, `type`, `architecture`, `treatment` | labels of the same names (empty values skipped) |
| `release.contact`, `date`, `repository`, `huggingface`, `origin` | evidence |
| `release.origin` (when it is not the model's own name) | lineage, relation unknown |
| `release.license.{distribution,code,data,document}.name` | global licences; empty or null = not set |
| `release.components[]` with an exact MOF name | an included component |
| component without `license` (or `license: null`) | inherits the global licences, as in the MOT |
| component `license: unlicensed` or `''` | included with no licence |
| component `license: <text>` | that licence, as written (only an exact SPDX id passes the MOF class) |
| component `component_path` | the component's location |
| `Model parameters (Final)` listed | final parameters released (derived) |
| `Data card` / `Datasets` listed | training-data information published |

**Findings the MOT does not give**: unknown component names (the MOT misfiles them), duplicate
components, licences written in a way the MOT rejects (`mot-license-not-spdx`, e.g. `Apache 2.0`),
placeholder licence values (`mot-legacy-license-value`, e.g. `Component not included`), bad dates,
a file in a `models/` folder not named after its release (`mot-file-name`), and, across files, a
release name used by two files (`mot-duplicate-release-name`: the MOT keys models
by name, so one would overwrite the other).
"""


def detect(name: str, head: str) -> bool:
    return bool(_FRAMEWORK.search(head)) and bool(_RELEASE.search(head))


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.loading import parse_yaml
    from openness_policy.validation import schema_errors

    doc = parse_yaml(src, "mot")
    if isinstance(doc, ModelRecord):
        return [doc]
    rec = new_record(doc, "mot")
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("release"), dict):
        rec.problems.append(Problem("manifest-invalid", "an MOT model file must be a YAML mapping with a `release:` "
                                    "mapping", rec.pos, fix="start from the MOT's schema/sample_model.yml"))
        return [rec]
    for path, message, hint in schema_errors(doc, SCHEMA):
        if path[:2] == ("release", "components") and path[-1:] == ("license",) and doc.get(*path) is None:
            message = (f"{message.split(' must ')[0]} is empty (null): the MOT's schema wants a string, so the MOT "
                       "skips the whole file; it is read here as inheriting the release licence")
            hint = "remove `license:` to inherit the release licence, or write `unlicensed`"
        rec.problems.append(Problem("manifest-invalid", message, doc.pos(*path), fix=hint))
    rec.problems.extend(K.framework_problems(doc))
    fill(rec, doc)
    rec.problems.sort(key=lambda p: (p.pos.line, p.pos.col))
    return [rec]


def fill(rec: ModelRecord, doc: Located) -> None:
    """Map the MOT file into the record; tolerant of wrong shapes (the schema reports them)."""
    r = ("release",)
    rec.anchors.update({key: doc.pos(*r, *sub) for key, sub in (
        ("name", ("name",)), ("version", ("version",)), ("labels", ()), ("lineage", ()),
        ("licenses", ("license",)), ("components", ("components",)), ("weights", ("components",)),
        ("data", ("components",)))})
    release = doc.data["release"]  # a mapping: load() checked
    rec.name = _text(doc, release, "release", "name")
    rec.version = _text(doc, release, "release", "version")
    if rec.name is not None:
        rec.evidence["mot_release_name"] = rec.name  # for repo_checks (the same name in two files)
        if (problem := K.file_name_problem(doc, rec.name.value)) is not None:
            rec.problems.append(problem)
    for key in LABELS:
        if _given(release.get(key)):
            rec.labels[key] = _text(doc, release, "release", key)
    for key in EVIDENCE:
        if _given(release.get(key)):
            rec.evidence[key] = _text(doc, release, "release", key)
    if (f := text_fact(doc, "framework", "version")) is not None:
        rec.evidence["mof_version"] = f
    origin = rec.evidence.get("origin")
    if origin is not None and origin.value.strip() != (rec.name.value.strip() if rec.name else ""):
        rec.lineage.append(BaseModel(Fact(origin.value.strip(), origin.pos)))
    _global_licenses(rec, doc)
    _components(rec, doc)
    if C.WEIGHTS in rec.components:
        rec.weights_available = Fact("yes", rec.components[C.WEIGHTS].pos, "derived",
                                     "'Model parameters (Final)' is listed as a component")
    if C.DATASETS in rec.components:
        rec.data_disclosure = Fact("named", rec.components[C.DATASETS].pos, "derived", "'Datasets' is listed")
    elif C.DATA_CARD in rec.components:
        rec.data_disclosure = Fact("described", rec.components[C.DATA_CARD].pos, "derived", "'Data card' is listed")


def _given(value: object) -> bool:
    """True when :func:`_text` makes a fact of ``value`` whose text is not blank."""
    if value is None or isinstance(value, (dict, list)):
        return False
    return bool((value if isinstance(value, str) else str(value)).strip())


def _text(doc: Located, parent: dict, *path: object) -> Fact | None:
    """``text_fact(doc, *path)`` for a key of ``parent``, the mapping at ``path[:-1]`` (no walk from the root)."""
    value = parent.get(path[-1])
    if value is None or isinstance(value, (dict, list)):
        return None
    return Fact(value if isinstance(value, str) else str(value), doc.pos(*path), "declared")


def _global_licenses(rec: ModelRecord, doc: Located) -> None:
    for slot in ("distribution", "code", "data", "document"):
        path = ("release", "license", slot, "name")
        f = text_fact(doc, *path)
        if f is None or not f.value.strip():
            continue  # null or empty: not set, as in the MOT
        rec.licenses[slot] = f
        if f.value != "unlicensed":
            rec.problems.extend(K.license_problems(doc, path, f.value, slot))


def _components(rec: ModelRecord, doc: Located) -> None:
    first: dict[str, int] = {}
    for i, item in doc.items("release", "components"):
        if not isinstance(item, dict):
            continue  # the schema reports it
        name = item.get("name")
        comp = C.BY_NAME.get(name) if isinstance(name, str) else None
        if comp is None:
            rec.problems.append(K.unknown_component(doc, i, name))
            continue
        if comp.slug in first:
            rec.problems.append(K.duplicate_component(doc, i, first[comp.slug], comp.name))
        first.setdefault(comp.slug, i)
        path = ("release", "components", i, "license")
        lic = None
        value = item.get("license")
        if value is not None:  # absent or null: inherit
            text = value if isinstance(value, str) else str(value)
            if text in ("", "unlicensed"):
                lic = Fact("", doc.pos(*path), note=text or "empty")
            else:
                lic = Fact(text, doc.pos(*path))
                rec.problems.extend(K.license_problems(doc, path, text))
        prev = rec.components.get(comp.slug)
        if prev is None or lic is not None:  # the MOT's merge: a later licence wins
            location = None if item.get("component_path") is None else \
                _text(doc, item, "release", "components", i, "component_path")
            rec.components[comp.slug] = ComponentFact(comp.slug, doc.pos("release", "components", i), lic,
                                                      location or (prev.location if prev else None))


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name="mot", description="Model Openness Tool model file (framework + release YAML)",
        filenames=("*.yml", "*.yaml"), detect=detect, load=load, priority=50, docs=DOCS, name_keys=("name",)))


@hookimpl
def register_checks(register):
    from openness_policy.checks.builtin import problems

    for rule in K.RULES:
        register(Check(rule, problems(rule.id)))
