"""CycloneDX 1.5–1.7 ML-BOM (JSON): one record per ``machine-learning-model`` component.

Detection: a ``*.json`` file whose first 4 KiB hold ``"bomFormat": "CycloneDX"`` and, when visible
there, a ``specVersion`` of 1.5, 1.6 or 1.7. When the whole file fits in the head and names no
``machine-learning-model`` it is not detected; a larger BOM without one loads to no records.
"""
from __future__ import annotations

import fnmatch
import re

from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.record import ModelRecord, Problem
from openness_policy.sourcemap import Located

NAME = "cyclonedx"
# Directory scans look only at the conventional names: model repositories hold large JSON files
# (tokenizer.json, config.json) that must not be read on every commit. A file named on the
# command line is detected by content whatever its name.
PATTERNS = ("bom.json", "*.bom.json", "*.cdx.json", "*aibom*.json", "*ai-bom*.json", "*mlbom*.json")
SUPPORTED = ("1.5", "1.6", "1.7")
ML_TYPE = "machine-learning-model"
HEAD_SIZE = 4000  # a head shorter than this is the whole file
_FORMAT = re.compile(r'"bomFormat"\s*:\s*"CycloneDX"')
_SPEC = re.compile(r'"specVersion"\s*:\s*"([^"]*)"')


def detect(name: str, head: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if not fnmatch.fnmatch(base, "*.json") or not _FORMAT.search(head):
        return False
    spec = _SPEC.search(head)
    if spec is not None and spec.group(1) not in SUPPORTED:
        return False
    return len(head) >= HEAD_SIZE or ML_TYPE in head


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.common import new_record
    from openness_policy.formats.cyclonedx_model import Bom, fill
    from openness_policy.formats.loading import parse_json

    doc = parse_json(src, NAME)
    if isinstance(doc, ModelRecord):
        return [doc]
    if not isinstance(doc.data, dict) or doc.data.get("bomFormat") != "CycloneDX":
        return []
    spec = doc.data.get("specVersion")
    models, refs = _components(doc)
    if not models and "components" in doc.data and not isinstance(doc.data["components"], list):
        rec = new_record(doc, NAME)
        rec.problems.append(Problem("manifest-invalid", "`components` must be a list of components; no model was read",
                                    doc.pos("components"), "error", "write `components` as a JSON array"))
        return [rec]
    records = []
    for index, path in enumerate(models):
        rec = new_record(doc, NAME, *path, index=index)
        if str(spec) not in SUPPORTED:
            rec.problems.append(Problem(
                "manifest-invalid", f"CycloneDX specVersion {spec!r} is not one we read (1.5, 1.6, 1.7); read as 1.7",
                doc.pos("specVersion"), "warning", "set `specVersion` to the CycloneDX version the BOM follows"))
        fill(rec, Bom(doc, spec, refs), path)
        records.append(rec)
    return records


def _components(doc: Located) -> tuple[list[tuple], dict[str, tuple]]:
    """Paths of ML model components (``metadata.component`` and nested ``components``) and a bom-ref index."""
    models: list[tuple] = []
    refs: dict[str, tuple] = {}
    stack: list[tuple] = [("components",)]
    if isinstance(doc.get("metadata", "component"), dict):
        stack.append(("metadata", "component"))
    order: list[tuple] = []
    while stack:  # iterative walk: nested components cannot exhaust the stack
        path = stack.pop()
        value = doc.get(*path)
        if isinstance(value, list):
            stack.extend((*path, i) for i in reversed(range(len(value))))
            continue
        if not isinstance(value, dict):
            continue
        order.append(path)
        if isinstance(value.get("components"), list):
            stack.append((*path, "components"))
    for path in order:  # the richest entry wins when a bom-ref repeats (BOM subject also in `components`)
        ref = doc.get(*path, "bom-ref")
        if isinstance(ref, str) and (ref not in refs or len(doc.get(*path)) > len(doc.get(*refs[ref]))):
            refs[ref] = path
    seen: set[str] = set()
    for path in order:
        if doc.get(*path, "type") != ML_TYPE:
            continue
        ref = doc.get(*path, "bom-ref")
        if isinstance(ref, str):
            if ref in seen:
                continue
            seen.add(ref)
            path = refs[ref] if doc.get(*refs[ref], "type") == ML_TYPE else path
        models.append(path)
    return models, refs


DOCS = """\
**Detection.** A `*.json` file whose first 4 KiB hold `"bomFormat": "CycloneDX"` and, when visible
there, a `specVersion` of 1.5, 1.6 or 1.7. Directory scans look at the conventional names only
(`bom.json`, `*.bom.json`, `*.cdx.json`, `*aibom*.json`, `*ai-bom*.json`, `*mlbom*.json`), so the
large JSON files of a model repository are never read; any other `*.json` is detected by content
when it is named on the command line or passed by the pre-commit hook. A small file (under 4 KiB) without a `machine-learning-model`
component is not detected; a larger BOM without one loads to no records. XML BOMs are not read.
Each `machine-learning-model` component (in `metadata.component` or, at any depth, in `components`;
the same `bom-ref` counts once) becomes one record, numbered by `index`.

| CycloneDX (per ML component) | canonical record |
|---|---|
| `group` + `name` | `name` (`group/name`) |
| `version`, else the `@version` of `purl` | `version` |
| `purl`, `bom-ref`, `publisher`, `supplier.name` | evidence |
| `licenses[]` declared (`acknowledgement: declared`, or none given) | `licenses.distribution` (the weights licence); several entries are read together as `AND` |
| `licenses[]` concluded | evidence `license_concluded`; used (as *derived*) only when nothing is declared |
| `licenses` mixing `license` entries and an `expression` in a 1.5/1.6 BOM | read, plus a `manifest-invalid` warning (valid from 1.7) |
| `externalReferences[]` `distribution` / `distribution-intake`, or `vcs` on huggingface.co | `model-parameters-final` with its location, `weights.available: yes` |
| only `hashes` | `model-parameters-final` included, `weights.available: unknown` |
| neither | `weights.available: unknown` |
| other `vcs`, `source-distribution`, `build-system` references; `source-code` data entries | evidence `code` (no code component is assumed) |
| `externalReferences[]` `model-card` / `documentation`, or an embedded `modelCard` with `modelParameters`, `quantitativeAnalysis` or `considerations` beyond energy | `model-card` |
| `modelCard.modelParameters.datasets[]` inline (`name`, `contents.url`) | `data.datasets` (name, source) |
| `datasets[].ref` to a `data` component | `data.datasets`: its name, `data[].contents.url` or reference URL as source, its `licenses` as the dataset licence; a ref that names nothing in the BOM is a warning (BOM-Links `urn:cdx:` are kept as names) |
| a dataset with a `description`, `governance` or `sensitiveData` | `data-card` |
| `quantitativeAnalysis.performanceMetrics[]` | `evaluation` and `evaluation-results` |
| `modelParameters.architectureFamily` / `modelArchitecture` / `task` | evidence (a description, not architecture code) |
| `pedigree.ancestors[]` | `lineage` (purl, else `group/name@version`) |

**Extension properties** (component or `modelCard` `properties`, name prefix `openness-policy:`):
`weights-released` (`true` / `false` / `gated`), `gated` (`true` / `false`), `component` (a MOF
component slug or exact MOT name: included), `component-license:<slug>` (its licence),
`data-disclosure` (`none` / `described` / `named` / `complete`), `training-summary` (URL),
`label:<key>` (a label such as `label:stage`), `regulatory:<key>` (a fact of the native manifest's
`regulatory` block, e.g. `regulatory:training_compute_flops`; `true`/`false` become booleans). Any other `openness-policy:` property is a warning.

Not mapped: `dependencies` (libraries are not taken as inference code), `formulation`,
`pedigree.descendants` / `variants`, `considerations` details, `evidence.licenses`, `data` datasets
as a released `datasets` component (a BOM names data; it does not show that the data is released)."""


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name=NAME, description="CycloneDX 1.5-1.7 ML-BOM (JSON), one record per machine-learning-model component",
        filenames=PATTERNS, detect=detect, load=load, priority=50, docs=DOCS, name_keys=("name",)))
