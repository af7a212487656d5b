"""Hugging Face model cards: ``README.md`` (or ``MODEL_CARD.md`` / ``modelcard.md``) with YAML front matter.

Detection happens in two steps, because ``detect`` sees only the file name and its first 4 KiB:

1. ``detect(name, head)``: the name is ``README.md``, ``MODEL_CARD.md`` or ``modelcard.md`` (any
   case), and the file is not a *dataset* card (front matter with ``task_categories``,
   ``size_categories``, ``configs`` or ``dataset_info``).
2. ``load(src)`` decides with the files beside the card (``Source.list_siblings``):
   - front matter with a model key (``license``, ``license_name``, ``library_name``,
     ``pipeline_tag``, ``base_model``, ``datasets``, ``model-index``, ``model_name``, ``gated``,
     ``extra_gated_*``) → a model card;
   - ``MODEL_CARD.md`` / ``modelcard.md`` → always a model card (without front matter: a warning
     "no machine-readable metadata" at line 1);
   - ``README.md`` with front matter but no model key, or with no front matter at all → a model
     card only in a model directory (weight files ``*.safetensors`` ``*.bin`` ``*.gguf`` ``*.pt``
     ``*.pth`` ``*.onnx`` ``*.nemo`` ``*.index.json``, ``adapter_config.json``, or ``config.json``
     with a Transformers companion such as ``tokenizer_config.json``); otherwise ``load``
     returns no record, so a repository's ordinary README never becomes a finding.

The mapping table is :data:`DOCS` (shown by ``openness-policy plugins`` and in the README).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

from openness_policy.formats.common import new_record
from openness_policy.formats.hf_frontmatter import split_front_matter, top_keys
from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Source
from openness_policy.record import ModelRecord, Problem
from openness_policy.sourcemap import Located, Pos

FORMAT = "hf-card"
CARD_NAMES = ("readme.md", "model_card.md", "modelcard.md")
STRONG_NAMES = ("model_card.md", "modelcard.md")  # named as model cards: no content test needed
MODEL_KEYS = frozenset({"license", "license_name", "license_link", "library_name", "pipeline_tag", "base_model",
                        "datasets", "model-index", "model_name", "gated", "base_model_relation"})
DATASET_KEYS = frozenset({"task_categories", "size_categories", "configs", "dataset_info"})
COMPANIONS = ("tokenizer_config.json", "tokenizer.json", "generation_config.json", "preprocessor_config.json")
NO_METADATA_FIX = ("add YAML front matter: a first line `---`, then `license: <hub id>` (or `license: other` with "
                   "`license_name`), `datasets: [...]`, `base_model: <owner/name>`, and a closing `---` line")


def _ci(name: str) -> str:
    """A case-insensitive fnmatch pattern for ``name`` (discovery matches patterns case-sensitively)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in name)


PATTERNS = tuple(_ci(n) for n in ("README.md", "MODEL_CARD.md", "modelcard.md"))


def has_model_key(keys: set[str]) -> bool:
    return bool(keys & MODEL_KEYS) or any(k.startswith("extra_gated_") for k in keys)


def looks_like_model_dir(siblings: list[str]) -> bool:
    from openness_policy.formats.hf_mapping import weight_files

    names = set(siblings)
    return bool(weight_files(siblings)) or "adapter_config.json" in names or \
        ("config.json" in names and any(c in names for c in COMPANIONS))


def detect(name: str, head: str) -> bool:
    if name.lower() not in CARD_NAMES:
        return False
    fm = split_front_matter(head)
    return fm is None or not top_keys(fm.text) & DATASET_KEYS


def load(src: Source) -> list[ModelRecord]:
    from openness_policy.formats.loading import parse_yaml

    strong = PurePosixPath(src.display).name.lower() in STRONG_NAMES or src.path.name.lower() in STRONG_NAMES
    siblings = lru_cache(maxsize=1)(src.list_siblings)
    fm = split_front_matter(src.text)
    if fm is None:
        if not strong and not looks_like_model_dir(siblings()):
            return []
        doc = Located(src.display, {}, {(): (1, 1)})
        rec = new_record(doc, FORMAT)
        rec.problems.append(Problem("manifest-invalid", f"{PurePosixPath(src.display).name} has no machine-readable "
                                    "metadata (no YAML front matter), so its licence, datasets and base model are "
                                    "not declared", Pos(src.display, 1, 1), "warning", NO_METADATA_FIX))
        return [fill(rec, doc, src, siblings)]
    keys = top_keys(fm.text)
    if keys & DATASET_KEYS or not (strong or has_model_key(keys) or looks_like_model_dir(siblings())):
        return []
    if not fm.closed:
        rec = ModelRecord(src.display, FORMAT, Pos(src.display, 1, 1))
        rec.problems.append(Problem("manifest-unreadable", "the YAML front matter that starts at line 1 has no closing "
                                    "`---` line", rec.pos, fix="end the front matter with a line `---`"))
        return [rec]
    doc = parse_yaml(src, FORMAT, text=fm.text, line_offset=fm.offset)
    if isinstance(doc, ModelRecord):
        return [doc]
    if doc.data is None:
        doc.data = {}
        doc.marks[()] = (1, 1)
    rec = new_record(doc, FORMAT)
    if not isinstance(doc.data, dict):
        rec.problems.append(Problem("manifest-invalid", "the front matter must be a YAML mapping of keys to values",
                                    rec.pos, fix="write the metadata as `key: value` lines, e.g. `license: apache-2.0`"))
        return [rec]
    if not doc.data:
        rec.problems.append(Problem("manifest-invalid", "the front matter is empty: no machine-readable metadata",
                                    Pos(src.display, 1, 1), "warning", NO_METADATA_FIX))
    return [fill(rec, doc, src, siblings)]


def fill(rec: ModelRecord, doc: Located, src: Source, siblings) -> ModelRecord:
    from openness_policy.formats import hf_license, hf_mapping

    hf_mapping.name(rec, doc, src)
    hf_license.resolve(rec, doc, src, siblings)
    hf_license.use_policy(rec, src, siblings())
    hf_mapping.weights(rec, doc, src, siblings())
    hf_mapping.datasets(rec, doc)
    hf_mapping.lineage(rec, doc)
    hf_mapping.evaluation(rec, doc, siblings())
    hf_mapping.papers_and_evidence(rec, doc, src)
    if isinstance(doc.get(REGULATORY_KEY), dict):  # our extension: the native `regulatory:` block
        from openness_policy.formats.common import regulatory_facts

        rec.anchors["regulatory"] = doc.pos(REGULATORY_KEY)
        regulatory_facts(rec, doc, (REGULATORY_KEY,))
    return rec


REGULATORY_KEY = "openness_regulatory"


DOCS = """\
**Files:** `README.md`, `MODEL_CARD.md` or `modelcard.md` (any case). **Front matter:** the first line is exactly
`---` and the YAML runs to the next `---` line; positions are the Markdown file's own lines.

**Detection.** A dataset card (front matter with `task_categories`, `size_categories`, `configs` or `dataset_info`)
is never read. Otherwise the file is a model card when its front matter has a model key (`license`, `license_name`,
`license_link`, `library_name`, `pipeline_tag`, `base_model`, `base_model_relation`, `datasets`, `model-index`,
`model_name`, `gated`, `extra_gated_*`), when it is named `MODEL_CARD.md` / `modelcard.md`, or when the folder is a
model directory (weight files `*.safetensors` `*.bin` `*.gguf` `*.pt` `*.pth` `*.onnx` `*.nemo` `*.index.json`,
`adapter_config.json`, or `config.json` with `tokenizer_config.json` / `tokenizer.json` / `generation_config.json` /
`preprocessor_config.json`). A `README.md` without front matter outside a model directory is not a model card.
A model card without front matter gets the warning "no machine-readable metadata" at line 1.

| card | canonical record |
|---|---|
| `model_name`, else `model-index[0].name`, else the folder name (how=default) | `name` |
| `license` (Hub id as written; the licence catalogue resolves Hub ids and aliases) | `licenses.distribution` |
| `license: other` / empty / `unknown` + `license_name` | `licenses.distribution` = `license_name` |
| … + only `license_link` (a repo file: identified by its text; a URL: kept as written) | `licenses.distribution` |
| no licence named: a `LICENSE*` / `LICENCE*` / `COPYING*` file beside the card (`LICENSE-MODEL` first), identified against known licence texts (how=detected); unrecognised text → warning, no licence | `licenses.distribution` |
| still none: a full licence text in `extra_gated_prompt` (Llama 3.2 gates carry one), identified (how=detected) | `licenses.distribution` |
| still none: the card's `- **License:** …` line when it gives a licence name, not a sentence (how=detected) | `licenses.distribution` |
| `USE_POLICY.md` beside the card, identified | evidence `use_policy` |
| `openness_weights_released: true/false` (openness-policy extension key) | `weights.available` yes/no |
| `openness_regulatory:` (extension key: the native manifest's `regulatory` block, same keys) | `regulatory.<key>` |
| weight files or Git LFS pointers beside the card (how=detected); otherwise `yes` by default: a card describes a model published on the Hub | `weights.available`, component *Model parameters (Final)* |
| `gated` (true/auto/manual/false); else `extra_gated_prompt` / `_fields` / `_heading` / `_button_content` (how=derived) | `access.gated`; `weights.available` = gated |
| `extra_gated_eu_disallowed: true` on a gated model | `access.excluded_regions` = EU |
| `datasets[]` (a Hub id `owner/name` gets the source `https://huggingface.co/datasets/<id>`) | `data.datasets`, `data.disclosure` = named |
| `base_model` (string or list) + `base_model_relation`, tags `base_model:<relation>:<id>`; a local path is kept with a warning | `lineage` |
| `model-index[].results[]`, or an `.eval_results/` folder | `evaluation`, component *Evaluation results* |
| tags `arxiv:<id>` | component *Research paper* (`https://arxiv.org/abs/<id>`) |
| the card itself; `config.json` beside it | components *Model card*; *Model metadata* |
| `library_name`, `pipeline_tag`, `language`, `tags`, `metrics`, `new_version`, `co2_eq_emissions`, `license_link`, `extra_gated_prompt`, `extra_gated_fields` | evidence |

**Suppressions.** A YAML comment in the front matter, on its own line or after a value:
`# openness-policy: ignore RULE-ID reason="why" expires=YYYY-MM-DD`. The reason is required (a suppression without
one is reported and does not apply); the expiry date is optional.
"""


@hookimpl
def register_formats(register):
    register(FormatSpec(
        name=FORMAT, description="Hugging Face model card (README.md with YAML front matter)",
        filenames=PATTERNS, detect=detect, load=load, priority=50, docs=DOCS, name_keys=("model_name", "name")))
