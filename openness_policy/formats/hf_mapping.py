"""Map a model card's metadata (and the files beside it) into the canonical record.

Every function is tolerant: a key of the wrong shape is skipped (or reported as a warning),
never an exception. The licence is resolved in ``hf_license``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from openness_policy import components as C
from openness_policy.formats.common import text_fact
from openness_policy.formats.hf_license import sibling_display
from openness_policy.plugin_types import Source
from openness_policy.record import BaseModel, ComponentFact, Dataset, Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".onnx", ".nemo", ".index.json")
GATE_FORM_KEYS = ("extra_gated_prompt", "extra_gated_fields", "extra_gated_heading", "extra_gated_button_content")
RELATIONS = ("adapter", "merge", "quantized", "finetune")
EVIDENCE_KEYS = ("library_name", "pipeline_tag", "language", "tags", "metrics", "new_version", "co2_eq_emissions")
RELEASED_KEY = "openness_weights_released"
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.\-]*/[A-Za-z0-9][\w.\-]*")
_LOCAL = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|/|~(?:[\\/]|$)|\.{1,2}(?:[\\/]|$))|\\")
_ARXIV = re.compile(r"^arxiv:(?P<id>\S+)$", re.I)
_TAG_BASE = re.compile(r"^base_model:(?:(?P<rel>adapter|merge|quantized|finetune):)?(?P<id>.+)$")
LFS_HEAD = "version https://git-lfs"


def weight_files(siblings: list[str]) -> list[str]:
    return [n for n in siblings if n.lower().endswith(WEIGHT_SUFFIXES)]


def _is_lfs_pointer(src: Source, name: str) -> bool:
    """Only tiny files are read: an LFS pointer is ~130 bytes, real weights are never opened."""
    try:
        if os.path.getsize(Path(src.path).parent / name) > 1024:
            return False
    except OSError:
        return False
    text = src.read_sibling(name)
    return text is not None and text.startswith(LFS_HEAD)


def name(rec: ModelRecord, doc: Located, src: Source) -> None:
    if (f := text_fact(doc, "model_name")) is not None and f.value.strip():
        rec.name = f
    elif (f := text_fact(doc, "model-index", 0, "name")) is not None and f.value.strip():
        f.note = "model-index[0].name"
        rec.name = f
    else:
        folder = PurePosixPath(src.display).parent.name or Path(os.path.abspath(src.path)).parent.name
        if folder:
            rec.name = Fact(folder, rec.pos, "default", "the card's folder name (the card names no model)")


def weights(rec: ModelRecord, doc: Located, src: Source, siblings: list[str]) -> None:
    flag = doc.get(RELEASED_KEY)
    files = weight_files(siblings)
    if flag is not None and not isinstance(flag, bool):
        rec.problems.append(Problem("manifest-invalid", f"{RELEASED_KEY} must be true or false", doc.pos(RELEASED_KEY),
                                    "warning", f"write `{RELEASED_KEY}: false` if the weights are not released"))
    if isinstance(flag, bool):
        rec.weights_available = Fact("yes" if flag else "no", doc.pos(RELEASED_KEY), "declared", RELEASED_KEY)
    elif files:
        lfs = [n for n in files if _is_lfs_pointer(src, n)]
        more = f" and {len(files) - 1} more" if len(files) > 1 else ""
        how = f" ({len(lfs)} as Git LFS pointers: stored in LFS, not checked out)" if lfs else ""
        rec.weights_available = Fact("yes", rec.pos, "detected", f"weight files beside the card: {files[0]}{more}{how}")
    else:
        rec.weights_available = Fact("yes", rec.pos, "default", "a Hugging Face model card describes a model published "
                                     f"on the Hub; set `{RELEASED_KEY}: false` in the front matter if it is not")
    _gating(rec, doc)
    if rec.weights_available.value in ("yes", "gated"):
        where = Fact(sibling_display(src, files[0]), rec.pos, "detected") if files else None
        rec.components[C.WEIGHTS] = ComponentFact(C.WEIGHTS, rec.weights_available.pos, location=where)
    if "config.json" in siblings:
        rec.components["model-metadata"] = ComponentFact(
            "model-metadata", rec.pos, location=Fact(sibling_display(src, "config.json"), rec.pos, "detected"))


def _gating(rec: ModelRecord, doc: Located) -> None:
    data = doc.data if isinstance(doc.data, dict) else {}
    gated = data.get("gated")
    if isinstance(gated, bool) or (isinstance(gated, str) and gated.lower() in ("auto", "manual")):
        rec.gated = Fact(gated is not False, doc.pos("gated"), "declared", f"gated: {gated}")
    elif gated is None and (key := next((k for k in data if k in GATE_FORM_KEYS), None)) is not None:
        rec.gated = Fact(True, doc.pos(key), "derived", f"the card configures an access-request form ({key})")
    for key in ("extra_gated_prompt", "extra_gated_fields"):
        if key in data and data[key] is not None:
            rec.evidence[key] = Fact(data[key], doc.pos(key))
    is_gated = rec.gated is not None and rec.gated.value is True
    if is_gated and rec.weights_available is not None and rec.weights_available.value == "yes":
        rec.weights_available = Fact("gated", rec.gated.pos, rec.gated.how, "weights behind an access request: "
                                     + rec.gated.note)
    if data.get("extra_gated_eu_disallowed") is True:
        pos = doc.pos("extra_gated_eu_disallowed")
        if is_gated:
            rec.excluded_regions.append(Fact("EU", pos, "declared", "extra_gated_eu_disallowed: true"))
        else:
            rec.problems.append(Problem("manifest-invalid", "extra_gated_eu_disallowed has no effect: the model is not "
                                        "gated", pos, "warning", "add `gated: true` (the Hub applies it to gated models only)"))


def datasets(rec: ModelRecord, doc: Located) -> None:
    raw = doc.get("datasets")
    entries = [(("datasets",), raw)] if isinstance(raw, str) else [(("datasets", i), v) for i, v in doc.items("datasets")]
    for path, value in entries:
        if not isinstance(value, str) or not value.strip():
            continue
        ident = value.strip()
        pos = doc.pos(*path)
        source = None
        if re.match(r"^https?://", ident):
            source = Fact(ident, pos, "declared")
        elif _HUB_ID.fullmatch(ident):
            source = Fact(f"https://huggingface.co/datasets/{ident}", pos, "derived", "Hub dataset id")
        rec.datasets.append(Dataset(Fact(ident, pos), source))
    if rec.datasets:
        rec.data_disclosure = Fact("named", doc.pos("datasets"), "derived", "training datasets listed in `datasets`")
        rec.anchors.setdefault("data", doc.pos("datasets"))


def lineage(rec: ModelRecord, doc: Located) -> None:
    raw = doc.get("base_model")
    refs = [(("base_model",), raw)] if isinstance(raw, str) else \
        [(("base_model", i), v) for i, v in doc.items("base_model")]
    relation = text_fact(doc, "base_model_relation")
    if relation is not None and relation.value not in RELATIONS:
        rec.problems.append(Problem("manifest-invalid", f"base_model_relation '{relation.value}' is not one of "
                                    f"{', '.join(RELATIONS)}", relation.pos, "warning", "use one of " + ", ".join(RELATIONS)))
    tagged: dict[str, Fact] = {}
    for i, tag in doc.items("tags"):
        m = _TAG_BASE.match(tag) if isinstance(tag, str) else None
        if m:
            rel = m.group("rel")
            tagged[m.group("id")] = Fact(rel, doc.pos("tags", i), "derived", "from the tag " + tag) if rel else None
    if not refs:  # only the tags name a base model
        refs = [(None, ident) for ident in tagged]
    for path, value in refs:
        if not isinstance(value, str) or not value.strip():
            continue
        ident = value.strip()
        pos = doc.pos(*path) if path else doc.pos("tags")
        rel = relation or tagged.get(ident)
        if rel is None and len(refs) > 1:
            rel = Fact("merge", pos, "derived", "several base models: the Hub treats this as a merge")
        rec.lineage.append(BaseModel(Fact(ident, pos, "declared" if path else "derived"), rel))
        if _LOCAL.search(ident):
            rec.problems.append(Problem(
                "manifest-invalid", f"base_model is a local path ({ident}): the base model cannot be identified", pos,
                "warning", "set base_model to the Hub id of the model this one derives from (owner/name)"))


def evaluation(rec: ModelRecord, doc: Located, siblings: list[str]) -> None:
    for i, entry in doc.items("model-index"):
        for j, result in doc.items("model-index", i, "results"):
            if isinstance(result, dict):
                rec.evaluation.append(Fact(result, doc.pos("model-index", i, "results", j), "declared", f"model-index[{i}]"))
    if rec.evaluation:
        rec.components["evaluation-results"] = ComponentFact("evaluation-results", doc.pos("model-index"))
    elif ".eval_results" in siblings:
        rec.evaluation.append(Fact({"source": ".eval_results/"}, rec.pos, "detected", "an .eval_results folder"))
        rec.components["evaluation-results"] = ComponentFact("evaluation-results", rec.pos)


def papers_and_evidence(rec: ModelRecord, doc: Located, src: Source) -> None:
    rec.components["model-card"] = ComponentFact("model-card", rec.pos, location=Fact(src.display, rec.pos, "detected"))
    for i, tag in doc.items("tags"):
        m = _ARXIV.match(tag) if isinstance(tag, str) else None
        if m:
            url = Fact(f"https://arxiv.org/abs/{m.group('id')}", doc.pos("tags", i), "derived", "from the tag " + tag)
            rec.evidence.setdefault("papers", []).append(url)
            rec.components.setdefault(C.RESEARCH_PAPER, ComponentFact(C.RESEARCH_PAPER, url.pos, location=url))
    for key in EVIDENCE_KEYS:
        value = doc.get(key)
        if value is not None and value != []:
            rec.evidence[key] = Fact(value, doc.pos(key))
