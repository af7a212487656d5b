"""Identifying a licence from its text: every saved text is itself, reformatting does not matter,
close versions are told apart, and unrelated text is never a licence."""
from __future__ import annotations

import json
import random
import re
import textwrap

import pytest

from openness_policy.formats import license_detect as L
from tests.conftest import FIXTURES, REPO, corpus_path

FINGERPRINTS = json.loads((REPO / "policies" / "licenses" / "fingerprints.json").read_text(encoding="utf-8"))


def corpus_text(name: str) -> str:
    from scripts.gen_license_fingerprints import clean

    return clean(corpus_path("licenses", name).read_text(encoding="utf-8"))


def expected(name: str) -> tuple[str, str]:
    from scripts.gen_license_fingerprints import TEXTS

    lid, kind, _ = TEXTS[name]
    return lid, kind


def all_corpus_names() -> list[str]:
    from scripts.gen_license_fingerprints import TEXTS

    return sorted(TEXTS)


def test_every_corpus_text_has_a_fingerprint_entry():
    folder = corpus_path("licenses")
    assert {p.name for p in folder.glob("*.txt")} - {"SOURCES.txt"} == set(all_corpus_names())


@pytest.mark.parametrize("name", all_corpus_names())
def test_corpus_text_is_identified_as_itself(name):
    lid, kind = expected(name)
    match = L.identify(corpus_text(name), (kind,))
    assert match is not None and match.id == lid, L.ranked(corpus_text(name), (kind,))[:3]


def _rewrap(text: str) -> str:
    return textwrap.fill(re.sub(r"\s+", " ", text), 57)


def _markdown(text: str) -> str:
    return "# LICENSE\n\n" + text.replace('"', "\u201c").replace("\n", "  \r\n").replace("  ", "\t ")


def _drop_lines(text: str) -> str:
    rnd = random.Random(7)
    return "\n".join(line for line in text.splitlines() if rnd.random() > 0.05)


def _with_notice(text: str) -> str:
    return text + "\n\nNOTICE\nThis model was fine-tuned by Acme Test Models. " * 3


@pytest.mark.parametrize("mutate", [_rewrap, _markdown, _drop_lines, _with_notice])
@pytest.mark.parametrize("name", ["llama3_1-license.txt", "llama3_2-license.txt", "llama3_3-license.txt",
                                  "llama4-license.txt", "CC-BY-4.0.txt", "CC-BY-NC-4.0.txt", "Apache-2.0.txt",
                                  "creativeml-openrail-m.txt", "creativeml-openrail++-m.txt", "tongyi-qianwen.txt",
                                  "tongyi-qianwen-research.txt", "MIT.txt"])
def test_reformatted_text_still_matches(name, mutate):
    lid, kind = expected(name)
    match = L.identify(mutate(corpus_text(name)), (kind,))
    assert match is not None and match.id == lid


def test_licence_followed_by_its_use_policy_is_the_licence():
    text = corpus_text("llama3_1-license.txt") + "\n\n" + corpus_text("llama3_1-use-policy.txt")
    assert L.identify(text).id == "llama3.1"
    assert L.identify(corpus_text("llama3_1-use-policy.txt")) is None  # a use policy is not a licence
    assert L.identify(corpus_text("llama3_1-use-policy.txt"), ("use-policy",)).id == "llama3.1-use-policy"


def test_fixture_mit_file_is_identified_without_the_corpus():
    match = L.identify((FIXTURES / "hf" / "license-file" / "LICENSE").read_text(encoding="utf-8"))
    assert match is not None and match.id == "MIT" and match.score > 0.9


@pytest.mark.parametrize("seed", range(5))
def test_random_text_is_not_a_licence(seed):
    words = re.findall(r"[a-z]+", json.dumps(FINGERPRINTS["about"]) + " " + (FIXTURES / "hf" / "SOURCE.md").read_text())
    words += "licence license model weights use distribute copy modify grant rights terms party agreement".split()
    rnd = random.Random(seed)
    text = " ".join(rnd.choice(words) for _ in range(1500))
    assert L.identify(text, ("license", "use-policy")) is None


@pytest.mark.parametrize("text", ["", "   \n", "MIT", "Licensed under the Apache License, Version 2.0",
                                  "See LICENSE for the Llama 3.1 Community License terms."])
def test_short_mentions_are_not_licence_texts(text):
    assert L.identify(text) is None


def test_fingerprint_ids_are_catalogue_ids():
    from openness_policy.licenses.catalog import LicenseCatalog

    catalog = LicenseCatalog.builtin()
    for entry in FINGERPRINTS["texts"]:
        if entry["kind"] == "license":
            rec = catalog.lookup(entry["id"])
            assert rec is not None and rec.id == entry["id"], entry["id"]


def test_generator_reproduces_the_committed_file():
    from scripts.gen_license_fingerprints import build

    assert build(corpus_path("licenses")) == FINGERPRINTS


def test_identify_is_fast():
    import time

    text = (FIXTURES / "hf" / "license-file" / "LICENSE").read_text(encoding="utf-8") * 20
    L.identify(text)
    start = time.perf_counter()
    for _ in range(20):
        L.identify(text)
    assert (time.perf_counter() - start) / 20 < 0.05
