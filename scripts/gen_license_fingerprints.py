#!/usr/bin/env python3
"""Build policies/licenses/fingerprints.json from the saved licence texts in the research corpus.

Maintainer script, run by hand when a licence text is added:

    python scripts/gen_license_fingerprints.py [--corpus ../shared/corpus/licenses] [--out policies/licenses/fingerprints.json]

Each text becomes a sample of its shingle hashes (see ``openness_policy/formats/license_detect.py``);
the texts themselves are not copied. ``TEXTS`` maps each corpus file to the catalogue id it is
identified as: the SPDX id where one exists, else the Hugging Face hub id, else a stable slug.
Use policies are kept as their own kind, so a ``USE_POLICY.md`` can be recognised too but a
``LICENSE`` file never resolves to one.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "licenses"
DEFAULT_OUT = REPO / "policies" / "licenses" / "fingerprints.json"

# corpus file -> (id, kind, title)
TEXTS: dict[str, tuple[str, str, str]] = {
    "Apache-2.0.txt": ("Apache-2.0", "license", "Apache License 2.0"),
    "gpt-oss-apache-2.0.txt": ("Apache-2.0", "license", "Apache License 2.0 (as shipped in a repository)"),
    "grok-1-apache-2.0.txt": ("Apache-2.0", "license", "Apache License 2.0 (as shipped in a repository)"),
    "MIT.txt": ("MIT", "license", "MIT License"),
    "deepseek-r1-mit.txt": ("MIT", "license", "MIT License (as shipped in a repository)"),
    "CC-BY-4.0.txt": ("CC-BY-4.0", "license", "Creative Commons Attribution 4.0"),
    "CC-BY-SA-4.0.txt": ("CC-BY-SA-4.0", "license", "Creative Commons Attribution-ShareAlike 4.0"),
    "CC-BY-NC-4.0.txt": ("CC-BY-NC-4.0", "license", "Creative Commons Attribution-NonCommercial 4.0"),
    "CDLA-Permissive-2.0.txt": ("CDLA-Permissive-2.0", "license", "Community Data License Agreement Permissive 2.0"),
    "OpenMDW-1.0.txt": ("OpenMDW-1.0", "license", "OpenMDW License Agreement 1.0"),
    "bigscience-open-rail-m.txt": ("bigscience-openrail-m", "license", "BigScience Open RAIL-M"),
    "bigscience-rail-1.0.txt": ("bigscience-bloom-rail-1.0", "license", "BigScience RAIL License 1.0 (BLOOM)"),
    "creativeml-openrail-m.txt": ("creativeml-openrail-m", "license", "CreativeML Open RAIL-M"),
    "creativeml-openrail++-m.txt": ("openrail++", "license", "CreativeML Open RAIL++-M"),
    "deepseek-license-v1.0.txt": ("deepseek-license-1.0", "license", "DeepSeek License Agreement 1.0"),
    "gemma-terms-of-use-2025-03-24.txt": ("gemma", "license", "Gemma Terms of Use"),
    "llama2-license.txt": ("llama2", "license", "Llama 2 Community License"),
    "llama3-license.txt": ("llama3", "license", "Meta Llama 3 Community License"),
    "llama3_1-license.txt": ("llama3.1", "license", "Llama 3.1 Community License"),
    "llama3_2-license.txt": ("llama3.2", "license", "Llama 3.2 Community License"),
    "llama3_3-license.txt": ("llama3.3", "license", "Llama 3.3 Community License"),
    "llama4-license.txt": ("llama4", "license", "Llama 4 Community License"),
    "mistral-research-license-MRL-0.1.txt": ("mistral-mrl-0.1", "license", "Mistral AI Research License 0.1"),
    "nvidia-open-model-license-2025-10-24.txt": ("nvidia-open-model-license", "license", "NVIDIA Open Model License"),
    "tongyi-qianwen.txt": ("tongyi-qianwen", "license", "Tongyi Qianwen License Agreement"),
    "tongyi-qianwen-research.txt": ("tongyi-qianwen-research", "license", "Tongyi Qianwen Research License Agreement"),
    "llama2-use-policy.txt": ("llama2-use-policy", "use-policy", "Llama 2 Acceptable Use Policy"),
    "llama3-use-policy.txt": ("llama3-use-policy", "use-policy", "Meta Llama 3 Acceptable Use Policy"),
    "llama3_1-use-policy.txt": ("llama3.1-use-policy", "use-policy", "Llama 3.1 Acceptable Use Policy"),
    "llama3_2-use-policy.txt": ("llama3.2-use-policy", "use-policy", "Llama 3.2 Acceptable Use Policy"),
    "llama3_3-use-policy.txt": ("llama3.3-use-policy", "use-policy", "Llama 3.3 Acceptable Use Policy"),
    "llama4-use-policy.txt": ("llama4-use-policy", "use-policy", "Llama 4 Acceptable Use Policy"),
    "gpt-oss-usage-policy.txt": ("gpt-oss-usage-policy", "use-policy", "gpt-oss Usage Policy"),
}
_HEADER = re.compile(r"\A---\n.*?\n---\n", re.S)  # ScanCode's YAML header is not part of the licence


def clean(text: str) -> str:
    return _HEADER.sub("", text.replace("\r\n", "\n"), count=1)


def build(corpus: Path) -> dict[str, Any]:
    from openness_policy.formats.license_detect import modulus_for, sample, shingle_hashes

    full = {name: shingle_hashes(clean((corpus / name).read_text(encoding="utf-8"))) for name in TEXTS}
    entries: list[dict[str, Any]] = []
    seen: set[frozenset[int]] = set()
    for name, (lid, kind, title) in TEXTS.items():
        hashes = full[name]
        modulus = modulus_for(len(hashes))
        picked = sample(hashes, modulus)
        if picked in seen:  # an identical copy (grok-1 and gpt-oss ship the same Apache file)
            continue
        seen.add(picked)
        # shingles no text of another id (same kind) has: what tells close versions apart
        others = set().union(*(full[n] for n, (i, k, _) in TEXTS.items() if k == kind and i != lid))
        distinct = hashes - others
        dmod = modulus_for(len(distinct), 128)
        entries.append({"id": lid, "kind": kind, "title": title, "source": name,
                        "modulus": modulus, "hashes": sorted(picked),
                        "distinct_modulus": dmod, "distinct": sorted(sample(distinct, dmod))})
    return {
        "about": "Samples of 5-token shingle hashes of known licence texts; see openness_policy/formats/"
                 "license_detect.py. Generated by scripts/gen_license_fingerprints.py; do not edit.",
        "shingle": 5, "hash": "crc32",
        "texts": entries,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    doc = build(args.corpus)
    text = json.dumps(doc, indent=None, separators=(",", ":"))
    # one text per line keeps diffs readable
    text = text.replace('},{"id"', '},\n{"id"').replace('"texts":[', '"texts":[\n')
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {len(doc['texts'])} fingerprints to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
