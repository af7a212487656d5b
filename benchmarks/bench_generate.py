"""Generate a benchmark repository of model manifests from the seeds in ``benchmarks/seed``.

MOT files: ``models/mot/<folder>/<name>.yml``, ``per_folder`` to a folder (so the first folder holds
N/10 files and serves the memory-growth figure). Each copy of a seed gets its own release name,
version and distribution licence (a rotation of common, restrictive, misspelt and unknown ones); in a
fixed share of files (``lineage_share``) ``origin`` names a base model generated earlier, so that
cross-file lineage happens as in a repository of fine-tunes. Native, Hugging Face and CycloneDX
files go under ``models/native``, ``models/hf`` and ``models/cyclonedx``. Deterministic: the same
arguments give the same files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

SEED = Path(__file__).resolve().parent / "seed"
LICENSES = ("Apache-2.0", "MIT", "llama2", "CC-BY-4.0", "Apache 2.0", "bigscience-bloom-rail-1.0", "unlicensed",
            "BSD-3-Clause", "Acme Internal Model Licence", "openrail")
HF_LICENSES = ("apache-2.0", "mit", "llama3.1", "cc-by-nc-4.0", "other", "openrail")
STAGES = ("production", "staging", "research")
BASE_SEEDS = ("Llama-2-7B", "OLMo-7B", "Pythia-1.4B")  # seeds whose first copy serves as a base model


@dataclass
class Counts:
    mot: int = 10_000
    native: int = 0
    hf: int = 0
    cyclonedx: int = 0
    lineage_share: float = 0.02  # share of fine-tunes whose origin is a base generated in the same repository


def _rewrite_mot(text: str, name: str, version: str, origin: str | None, license_: str) -> str:
    """Set release name/version/origin and the distribution licence, keeping the rest as written."""
    out, section, sub, in_dist = [], "", "", False
    for line in text.splitlines():
        top = re.match(r"^(\w+):", line)
        if top:
            section = top.group(1)
        key = re.match(r"^  (\w+):", line)
        if key:
            sub, in_dist = key.group(1), False
        if section == "release" and key and sub == "name":
            line = f"  name: '{name}'"
        elif section == "release" and key and sub == "version":
            line = f"  version: '{version}'"
        elif section == "release" and key and sub == "origin" and origin is not None:
            line = f"  origin: '{origin}'"
        elif section == "release" and sub == "license":
            if re.match(r"^    distribution:", line):
                in_dist = True
            elif re.match(r"^    \w+:", line):
                in_dist = False
            elif in_dist and re.match(r"^      name:", line):
                line = f"      name: '{license_}'"
        out.append(line)
    return "\n".join(out) + "\n"


def _seed_texts(kind: str) -> list[tuple[str, str]]:
    files = sorted((SEED / kind).glob("*.seed"))
    if not files:
        raise SystemExit(f"no seed files in {SEED / kind}")
    return [(p.name[: -len(".seed")], p.read_text(encoding="utf-8")) for p in files]


def generate(root: Path, counts: Counts, per_folder: int) -> dict[str, list[Path]]:
    """Write the files under ``root``; returns the paths by kind, in generation order."""
    made: dict[str, list[Path]] = {"mot": [], "native": [], "hf": [], "cyclonedx": []}
    seeds = _seed_texts("mot")
    bases: dict[str, str] = {}  # seed model name -> the first generated copy's name
    every = max(1, round(1 / counts.lineage_share)) if counts.lineage_share > 0 else 0
    for i in range(counts.mot):
        file_name, text = seeds[i % len(seeds)]
        stem = file_name[: -len(".yml")]
        name = f"{stem}-{i:05d}"
        bases.setdefault(stem, name)
        new_origin = None  # keep the seed's origin: in the seeds, models not described in this repository
        if every and i % every == 0 and i > 0:  # a fine-tune of a base model described in this repository
            new_origin = bases.get(BASE_SEEDS[(i // every) % len(BASE_SEEDS)])
        folder = root / "models" / "mot" / f"{i // per_folder:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.yml"
        path.write_text(_rewrite_mot(text, name, f"{1 + i % 7}.{i % 10}", new_origin,
                                     LICENSES[(i // len(seeds)) % len(LICENSES)]), encoding="utf-8")
        made["mot"].append(path)
    native = _seed_texts("native")
    for i in range(counts.native):
        seed_name, text = native[i % len(native)]
        name = f"{seed_name.split('.')[0]}-{i:05d}"
        path = root / "models" / "native" / f"{i // per_folder:03d}" / f"{name}.openness.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(name=name, version=f"{1 + i % 5}.0", stage=STAGES[i % 3],
                                    license=LICENSES[i % 5]), encoding="utf-8")
        made["native"].append(path)
    (_, card), = _seed_texts("hf")
    for i in range(counts.hf):
        path = root / "models" / "hf" / f"{i // per_folder:03d}" / f"card-{i:05d}" / "README.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(card.format(name=f"card-{i:05d}", hf_license=HF_LICENSES[i % len(HF_LICENSES)]),
                        encoding="utf-8")
        made["hf"].append(path)
    (_, bom), = _seed_texts("cyclonedx")
    for i in range(counts.cyclonedx):
        path = root / "models" / "cyclonedx" / f"{i // per_folder:03d}" / f"model-{i:05d}.cdx.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = bom.format(name=f"model-{i:05d}", version=f"{1 + i % 3}.0", license=LICENSES[i % 2], serial=i)
        json.loads(text)  # a broken seed should fail here, not as a finding
        path.write_text(text, encoding="utf-8")
        made["cyclonedx"].append(path)
    return made
