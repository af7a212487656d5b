"""The fast reader for plain block YAML (``yamlfast``) must give exactly what libyaml's reading gives
(``yamlload`` with the fast reader switched off): the same data, of the same types, in the same key
order, and the same positions; or decline (None) and leave the text to libyaml. Checked on every
YAML file of the checkout, on front matter, on hand-written edge cases and on random mutations."""
from __future__ import annotations

import random
import re
import time
from pathlib import Path
from typing import Any

import pytest

from openness_policy import yamlfast, yamlload, yamlscalar
from openness_policy.yamlload import YamlError
from tests.conftest import REPO

MOT = """\
framework:
  name: 'Model Openness Framework'
  version: '1.0'
  date: '2024-12-15'
release:
  name: 'Falcon-40B'
  version: 2.1
  date: 2024-11-15
  license: {  }
  type: language
  origin: 'GPT-3, some differences'
  producer: "Technology Innovation Institute's lab"
  contact: ''
  huggingface: https://huggingface.co/tiiuae/falcon-40b
  components:
    -
      name: 'Model architecture'
      description: "Well commented code for the model's architecture"
      license: 'Apache 2.0'
    - name: Datasets
      license: unlicensed
      tags:
        - one
        - 'it''s'
        - [ ]
        - 12
    -   name: Model card
        license:
  empty:
# a comment
  last: ~
"""

EDGE_CASES = [
    "a: 1\n", "a: 1", "a:\n", "a:", "a: b\nb:\n  c: d\n", "a:\n- x\n", "a:\n  - x\n  - y\n", "a: b\n  c: d\n",
    "a: b #c\n", "a: 'b' # c\n", "# only\n", "", "\n\n", "- a\n- b\n", "a: [x]\n", "a: {x: 1}\n", "a: &x 1\nb: *x\n",
    "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n", "a: 'multi\n  line'\n", "a: plain\n  continued\n",
    "a: 1\na: 2\n", "true: 1\n", "null: 1\n", "1: x\n", "a: 1\n---\nb: 2\n", "---\na: 1\n", "a: 1\n...\n",
    "a:\n  -\n  - x\n", "a:\n  -\n    b: 1\n  -\n    c: 2\n", "a:\n  - b: 1\n    c: 2\n  - d: 3\n", "a:\n  -   b: 1\n      c: 2\n",
    "a:\n  - b: 1\n   c: 2\n", "a:\n  - - x\n", "a: b:\n", "a: b: c\n", "a: b:c\n", "a:b\n", "a: :b\n", "a: -1\n",
    "a: -x\n", "a: - x\n", "a: -\n", "a: .inf\n", "a: .nan\n", "a: 1e400\n", "a: 0x1F\n", "a: 0o17\n", "a: 1_000\n", "a: yes\n", "a: No\n", "a: True\n",
    "a: ~\n", "a: null\n", "a: ''\n", "a: \"\"\n", "a: 'x''y'\n", "a: 'x'''\n", "a: '''\n", "a: \"x\\ny\"\n", "a: \"x'y\"\n",
    "a: 'x\" y'\n", "a: x'y\n", "a: x \"y\"\n", "a: 2024-01-01\n", "a: 12:30\n", "a: 1:2:3\n", "a: http://x/y?z=1&w=2\n",
    "a: x % y\n", "a: @x\n", "a: `x`\n", "a: x, y\n", "a: x]\n", "a: (x)\n", "a: ./x\n", "a: _x\n", "a: x y  \n",
    "a:   x\n", "a:\tx\n", "a: x\r\n", "a: caf\u00e9\n", "a: \x7f\n", "\ufeffa: 1\n", "  a: 1\n", " - a\n", "a:\n  b: 1\n c: 2\n",
    "a:\n    b: 1\n  c: 2\n", "a:\n  b:\n    c:\n      d: 1\n  e: 2\nf: 3\n", "<<: x\n", "a b: 1\n", "a-b_c: 1\n", "_a: 1\n",
    "a:\n  - x\n  b: 1\n", "a:\n  - x\nb: 1\n", "a:\n  -\nb: 1\n", "a:\n  - x\n  -\n", "a: {}\nb: []\nc:\n  - {  }\n  - []\n",
    "a: { }\n", "a: [ ]  \n", "a: {  } # c\n", "a:\n  - 'x' \n  - \"y\"\n", "a:\n\n  b: 1\n\n  c: 2\n", "a:\n# c\n  b: 1\n",
    "a:\n  b: 1\n  # c\n c: 2\n", "a: 1\n#\n", "a: 1\n #x\n", "a: x#y\n", "a: x #y\n", "a: 'x'#y\n", "a: - x\n", "a: ? x\n",
    "? a\n: 1\n", "a: 1 \n b: 2\n", "%YAML 1.2\n---\na: 1\n", "a: 1\n  \n", "a:\n  b: 1\n    \n  c: 2\n", "a: *x\n",
    "a:\n  - x\n    y\n", "a:\n  - 'x'\n    y: 1\n", "a:\n  - b: 1\n  - b: 1\n", "a:\n  - b: 1\n    b: 2\n",
    "a" * 300 + ": 1\n", "a: " + "x" * 3000 + "\n", "a: '" + "x''" * 500 + "'\n",
]


def _slow(text: str) -> Any:
    yamlload._FAST = False
    try:
        return yamlload.load_yaml(text, "f.yml")
    except YamlError:
        return None
    finally:
        yamlload._FAST = True


def _fast(text: str) -> Any:
    yamlload.load_yaml("a: 1\n", "f.yml")  # sets up the resolver the plain scalars are read with
    return yamlfast.parse(text, yamlscalar.fast_plain, yamlscalar.PLAIN)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down and the same key order (``True`` is not ``1``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b or (a != a and b != b)


def check(text: str) -> bool:
    """True when the fast reader read ``text``; fails when it read it differently from libyaml."""
    fast = _fast(text)
    if fast is None:
        return False
    slow = _slow(text)
    assert slow is not None, f"libyaml refuses what the fast reader read: {text!r}"
    assert not slow.problems, text
    assert _same(fast[0], slow.data), f"{text!r}: {fast[0]!r} != {slow.data!r}"
    assert fast[1] == slow.marks, f"{text!r}: positions differ: {set(fast[1].items()) ^ set(slow.marks.items())}"
    return True


def _own_files() -> list[Path]:
    """The checkout's own files (not a virtual environment or other untracked files in it)."""
    import subprocess

    from openness_policy.discover import SKIP_DIRS

    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
        return sorted(REPO / n for n in listed.decode("utf-8", "surrogateescape").split("\0") if n)
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked sdist)
        return sorted(p for p in REPO.rglob("*") if not SKIP_DIRS.intersection(p.relative_to(REPO).parts))


def _front_matter_or_yaml(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    if path.suffix == ".md":
        if not text.startswith("---\n") or "\n---" not in text[4:]:
            return None
        return text[4:text.index("\n---", 4) + 1]
    return text


def _corpus() -> list[str]:
    return [t for path in _own_files() if path.is_file() and path.suffix in (".yml", ".yaml", ".md")
            for t in [_front_matter_or_yaml(path)] if t is not None]


def test_the_subset_is_read_as_libyaml_reads_it():
    assert check(MOT)
    fast = _fast(MOT)[0]
    assert fast["release"]["license"] == {} and fast["release"]["version"] == 2.1
    assert fast["release"]["components"][1]["tags"] == ["one", "it's", [], 12]
    assert fast["release"]["empty"] is None and fast["release"]["components"][2]["license"] is None


FLOW_CASES = [
    "a: [x]\n", "a: {x: 1}\n", "a: {license: MIT}\nb: [one, 'two', \"three\"]\n", "a: {x: [1, 2.5, true, ~, null]}\n",
    "a:\n  - {x: 1, y: [a, {b: c}]}\n  - [ ]\n  - [[x], {}]\n", "a: { x: 1 ,y: 2 }\n", "a: [x,y]\n", "a: [x , y]\n",
    "a: [x,]\n", "a: [,x]\n", "a: [x,,y]\n", "a: {x}\n", "a: {x: }\n", "a: {x:1}\n", "a: {x: 1, x: 2}\n", "a: {true: 1}\n",
    "a: {1: x}\n", "a: {\"x\": 1}\n", "a: ['x, y', \"[z]\"]\n", "a: ['it''s']\n", "a: [x y z]\n", "a: [x #y]\n",
    "a: [x] # c\n", "a: [x] y\n", "a: [x]]\n", "a: [[x]\n", "a: {x: [y}]\n", "a: [builtin:osaid-1.0]\n",
    "a: [http://x.y/z]\n", "a: [-1, -x, -.5, - x]\n", "a: [&x 1, *x]\n", "a: [!!str 1]\n", "a: [? x]\n", "a: [x: 1]\n",
    "a: [x]\n  b: 1\n", "a: {b: {c: {d: [e]}}}\n", "- [x]\n", "[x]\n", "{a: 1}\n", "a: [ x ]  \n", "a: {x: 'y' }\n",
    "a: [2024-01-01, 12:30, 0x1F, .inf, yes, No]\n", "a: [x\u00e9, '\u00e9']\n", "a: [(x), ./p, _u, ~x, +1]\n",
]


@pytest.mark.parametrize("text", FLOW_CASES)
def test_one_line_flow_collections_are_read_as_libyaml_reads_them_or_left_to_it(text):
    check(text)


def test_the_flow_mappings_people_write_take_the_fast_way():
    for text in ("components:\n  model-card: {license: CC-BY-4.0}\n  weights: {}\n",
                 "rules:\n  - id: x\n    when: {labels: {stage: production}}\n    require: {forbid: [a, b-c]}\n"):
        assert check(text), text


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_are_read_as_libyaml_reads_them_or_left_to_it(text):
    check(text)


def test_text_beyond_ascii_is_read_with_positions_counted_in_characters():
    assert check("a: caf\u00e9\nb:\n  - 'na\u00efve \u00fc'\n  - x \U0001f600 x\n  - \"\u00e9\"\n  - x\u00a0x\u00a0\n  - 'x'\n")


def test_outside_the_subset_is_left_to_libyaml():
    for text in ("a: [x:y]\n", "a: {x}\n", "a: [x, ]\n", "a: {x: }\n", "a: {x: 1} # c\n", "a: {x: [1]\n", "a: &x 1\n", "a: |\n  t\n", "a: 1\na: 2\n", "a: x #c\n", "a:\n- x\n",
                 "a:\tx\n", "a: x\u2028y\n", "true: 1\n", "a: plain\n  continued\n", "a:\n  -\n", "- a\n", "a: \"\\n\"\n", "a: x\x85\n", "a: \ufeffx\n"):
        assert _fast(text) is None, text


def test_every_yaml_file_and_front_matter_of_the_checkout():
    texts = _corpus()
    read = sum(check(t) for t in texts)
    assert len(texts) > 50 and read > len(texts) // 4  # most plain manifests take the fast way


def test_every_yaml_file_and_front_matter_of_the_research_corpus(corpus):
    """MOT model files, real model cards and the OSAI index: ~700 texts written by others."""
    texts = [t for p in sorted(corpus().rglob("*")) if p.is_file() and p.suffix in (".yml", ".yaml", ".md")
             for t in [_front_matter_or_yaml(p)] if t is not None]
    read = sum(check(t) for t in texts)
    assert len(texts) > 500 and read > len(texts) // 3


_PIECES = [" ", "  ", "-", "- ", ":", ": ", "#", " #", "'", "''", '"', "\n", "\n  ", "\n- ", "{", "}", "[", "]", "&a ",
           "*a", "!", "|", ">", "?", ",", "~", "%", "@", "`", "\\", "\t", "0", "1.5", "x", "true", "null", "a: b",
           "---", "...", "\r", "\u00e9", "\u00a0", "\x85", "\u2028", "\ufeff", "\U0001f600", "\x7f", "\x00"]


def test_random_mutations_are_read_as_libyaml_reads_them_or_left_to_it():
    rng = random.Random(20261126)
    seeds = [MOT] + [t for t in _corpus() if len(t) < 4000 and _fast(t) is not None]
    read = 0
    for _ in range(8000):
        text = rng.choice(seeds)
        for _ in range(rng.choice((1, 1, 2, 3))):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.3:
                text = text[:at] + text[at + rng.randint(1, 4):]
            elif rng.random() < 0.2:  # re-indent a line
                start = text.rfind("\n", 0, at) + 1
                text = text[:start] + " " * rng.randint(0, 6) + text[start:].lstrip(" ")
            else:
                text = text[:at] + rng.choice(_PIECES) + text[at:]
        read += check(text)
    assert read > 2000  # many mutations stay in the subset and are compared


@pytest.mark.parametrize("line", [
    "a:" + " " * 200_000 + "x: y", "a: x" + " " * 200_000 + "#", "a: '" + "''" * 100_000 + "' x",
    " " * 200_000 + "x", "- " * 100_000, "a: " + "x:" * 100_000 + " ", "a: \"" + "x" * 200_000,
    "a: [" + "'x'" * 100_000, "a: {" + "b: [" * 5_000, "a: [" + " " * 200_000 + "x", "a: [" + "[" * 100_000 + "]" * 100_000,
    "a: [x" + " " * 200_000 + ",]", "a: {" + "k: v, " * 50_000 + "k: v}",
])
def test_a_long_line_that_does_not_fit_is_refused_in_linear_time(line):
    start = time.process_time()
    assert _fast("k: 1\n" + line + "\n") is None
    assert time.process_time() - start < 2


_SCALARS = ["x", "two words", "'quoted'", "'it''s'", '"double"', "''", '""', "1", "+2", "-2", "-.5", "1.5", "1e3", "0x1F", "true",
            "False", "null", "~", "{}", "[ ]", "2024-01-01", "http://a.b/c:d", "a:b", "(x)", "./p", "_u", ".5", "x  ",
            "Wikipedia (English, 2025-01 dump)", "x [y]", "x{y}", "x ,"]


def _emit(rng: random.Random, value: Any, indent: int, out: list[str], prefix: str) -> None:
    """Write ``value`` (a dict or list of scalars, dicts and lists) as block YAML under ``prefix``."""
    step = rng.randint(1, 4)
    if isinstance(value, dict):
        first = True
        for key, item in value.items():
            lead = prefix if first else " " * indent
            first = False
            if isinstance(item, (dict, list)) and item and rng.random() < 0.3:
                out.append(f"{lead}{key}: {_flow_text(rng, item)}")
            elif isinstance(item, (dict, list)) and item:
                out.append(f"{lead}{key}:")
                _emit(rng, item, indent + step, out, " " * (indent + step))
            else:
                out.append(f"{lead}{key}: {item}" if item != "" else f"{lead}{key}:")
            if rng.random() < 0.1:
                out.append(rng.choice(["", "   ", "# note", " " * rng.randint(0, 8) + "# deeper note"]))
        return
    for item in value:
        if isinstance(item, dict) and item:
            if rng.random() < 0.5:
                out.append(" " * indent + "-")
                _emit(rng, item, indent + step, out, " " * (indent + step))
            else:
                gap = rng.randint(1, 3)
                _emit(rng, item, indent + 1 + gap, out, " " * indent + "-" + " " * gap)
        else:
            out.append(" " * indent + "- " + str(item))


def _flow_text(rng: random.Random, value: Any) -> str:
    """``value`` as a one-line flow collection, spaced at random (empty scalars become ``x``)."""
    def gap() -> str:
        return " " * rng.choice((0, 0, 1, 2))

    def scalar(v: Any) -> str:  # text that ends a plain scalar in flow context would be left to libyaml
        v = str(v or "x")
        return "x" if v not in ("{}", "[ ]") and any(ch in v for ch in ",[]{}:?") else v

    if isinstance(value, dict):
        inner = ("," + gap()).join(f"{gap()}{k}: {_flow_text(rng, v) if isinstance(v, (dict, list)) else scalar(v)}"
                                   for k, v in value.items())
        return "{" + inner + gap() + "}"
    if isinstance(value, list):
        return "[" + ("," + gap()).join(gap() + (_flow_text(rng, v) if isinstance(v, (dict, list)) else scalar(v))
                                        for v in value) + gap() + "]"
    return str(value)


def _tree(rng: random.Random, depth: int) -> Any:
    if depth > 3 or rng.random() < 0.35:
        return rng.choice(_SCALARS + [""])
    if rng.random() < 0.6:
        return {f"k{i}_{rng.randint(0, 9)}-x": _tree(rng, depth + 1) for i in range(rng.randint(1, 4))}
    items = [_tree(rng, depth + 1) or "x" for _ in range(rng.randint(1, 4))]
    return [{"inner": item} if isinstance(item, list) else item for item in items]  # `- - x` is outside the subset


def test_generated_documents_are_read_as_libyaml_reads_them():
    rng = random.Random(6)
    read = flow = 0
    for _ in range(1500):
        root = {f"r{i}": _tree(rng, 1) for i in range(rng.randint(1, 4))}
        out: list[str] = []
        _emit(rng, root, 0, out, "")
        text = "\n".join(out) + rng.choice(["\n", "", "\n\n# end\n"])
        fast = check(text)
        read += fast
        flow += fast and re.search(r"[{\[] *[^ }\]]", text) is not None  # a flow collection with entries
    assert read > 1400 and flow > 1000  # nearly all of them are in the subset, flow collections included


def test_the_characters_left_to_libyaml_are_exactly_those_outside_what_it_reads_as_text():
    import re

    from openness_policy.yamlfast import _OUTSIDE

    read_as_text = re.compile("[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
    assert all((_OUTSIDE.match(chr(cp)) is None) == (read_as_text.match(chr(cp)) is not None) for cp in range(0x110000))
    from openness_policy.yamlfast import has_outside

    for cp in range(0x110000):  # the check for ASCII text, and for text mixing both, agrees character by character
        ch = chr(cp)
        assert has_outside(ch) == has_outside("x" + ch + "\u00e9") == (read_as_text.match(ch) is None), hex(cp)
