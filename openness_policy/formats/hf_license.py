"""The distribution licence of a Hugging Face model card (research/formats.md §8.2).

Order: (1) ``license`` as written (a Hub id; the licence catalogue resolves Hub ids and aliases);
(2) ``license: other`` / empty / ``unknown`` → ``license_name``, else a repo-relative
``license_link`` file identified by its text, else a ``license_link`` URL; (3) a ``LICENSE*`` file
beside the card, identified by its text; (4) a full licence text in ``extra_gated_prompt`` (Llama
3.2 gates carry one); (5) the card's own "License:" line (``- **License:** Apache 2.0``). Steps 3-5
give how="detected". Nothing found → no licence fact.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Callable

from openness_policy.formats.common import text_fact
from openness_policy.plugin_types import Source
from openness_policy.record import Fact, ModelRecord, Problem
from openness_policy.sourcemap import Located, Pos

_LICENSE_FILE = re.compile(r"^(licen[cs]e|copying)([._\-].*)?$", re.I)
_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://", re.I)
_COMMON = ("LICENSE", "LICENSE.md", "LICENSE.txt")
PLACEHOLDERS = ("other", "unknown")
FIX = "add `license: <hub id>` to the front matter (or `license: other` with `license_name: <licence id>`)"


def sibling_display(src: Source, name: str) -> str:
    parent = PurePosixPath(src.display).parent
    return name if str(parent) in ("", ".") else str(parent / name)


def license_files(siblings: list[str]) -> list[str]:
    """``LICENSE*`` / ``LICENCE*`` / ``COPYING*`` files, the model's own licence first.

    ``LICENSE-MODEL`` before ``LICENSE``; ``LICENSE-CODE`` last (DeepSeek ships both).
    """
    names = [n for n in siblings if _LICENSE_FILE.match(n)]
    common = {n.upper(): i for i, n in enumerate(_COMMON)}

    def order(n: str) -> tuple[int, int, str]:
        low = n.lower()
        tier = 0 if "model" in low or "weight" in low else 2 if "code" in low or "software" in low else 1
        return tier, common.get(n.upper(), len(common)), n
    return sorted(names, key=order)


def identify_file(src: Source, name: str, kinds: tuple[str, ...] = ("license",)) -> tuple[str | None, Fact | None]:
    """(text or None, detected Fact or None) for a sibling file."""
    text = src.read_sibling(name)
    if text is None:
        return None, None
    from openness_policy.formats.license_detect import identify

    match = identify(text, kinds)
    if match is None:
        return text, None
    note = f"identified from the text of {name} ({match.title}; similarity {match.score:.2f})"
    return text, Fact(match.id, Pos(sibling_display(src, name), 1, 1, "license"), "detected", note)


def from_files(rec: ModelRecord, src: Source, siblings: list[str], why: str) -> bool:
    """Set the licence from a ``LICENSE*`` file; a file we cannot identify is a warning."""
    names = license_files(siblings) or [n for n in _COMMON if src.read_sibling(n) is not None]
    unread: list[str] = []
    for name in names:
        text, found = identify_file(src, name)
        if found is not None:
            found.note = f"{why}; {found.note}"
            rec.licenses["distribution"] = found
            return True
        if text is not None:
            unread.append(name)
    if unread:
        rec.problems.append(Problem(
            "manifest-invalid", f"LICENSE file not recognised: {unread[0]} is not a licence text openness-policy knows, "
            f"and the card names no licence, so no licence is recorded", rec.pos, "warning", FIX))
    return False


def resolve(rec: ModelRecord, doc: Located, src: Source, siblings: Callable[[], list[str]]) -> None:
    data = doc.data if isinstance(doc.data, dict) else {}
    value = data.get("license")
    name = text_fact(doc, "license_name")
    link = text_fact(doc, "license_link")
    if link is not None:
        rec.evidence["license_link"] = link
    if isinstance(value, list):
        ids = [str(v).strip() for v in value if v is not None and str(v).strip()]
        if ids:
            rec.licenses["distribution"] = Fact(" AND ".join(ids), doc.pos("license"), "declared",
                                                "license is a list; all of its licences are taken to apply")
            rec.problems.append(Problem("manifest-invalid", "license is a list; the Hub expects one licence id",
                                        doc.pos("license"), "warning",
                                        "give one id, or `license: other` with `license_name` for combined terms"))
            return
        value = None
    text = "" if value is None or isinstance(value, dict) else str(value).strip()
    if text and text.lower() not in PLACEHOLDERS:
        rec.licenses["distribution"] = Fact(text, doc.pos("license"), "declared")
        return
    said = f"license: {text.lower()}" if text else ("license is empty" if "license" in data else "no license key")
    if name is not None and name.value.strip():
        rec.licenses["distribution"] = Fact(name.value.strip(), name.pos, "declared", f"{said}; license_name used")
        return
    if link is not None and link.value.strip():
        target = link.value.strip()
        if not _URL.match(target):
            _, found = identify_file(src, PurePosixPath(target).name)
            if found is not None:
                found.note = f"{said}; license_link {target}: {found.note}"
                rec.licenses["distribution"] = found
                return
        rec.licenses["distribution"] = Fact(target, link.pos, "declared", f"{said}; only license_link given")
        return
    if from_files(rec, src, siblings(), said) or from_gate_prompt(rec, doc, said) or from_prose(rec, src, said):
        return
    if "license" in data:
        if text:
            rec.licenses["distribution"] = Fact(text, doc.pos("license"), "declared", said)
        rec.problems.append(Problem("manifest-invalid", f"{said} without license_name or license_link: the licence "
                                    "cannot be identified", doc.pos("license"), "warning", FIX))


def use_policy(rec: ModelRecord, src: Source, siblings: list[str]) -> None:
    """A ``USE_POLICY.md`` beside the card (Meta ships one), identified as evidence of use terms."""
    for name in siblings:
        if re.match(r"^(acceptable[_\-])?use[_\-]policy(\.\w+)?$", name, re.I):
            _, found = identify_file(src, name, ("use-policy",))
            rec.evidence["use_policy"] = found or Fact(name, Pos(sibling_display(src, name), 1, 1), "detected",
                                                       "a use policy file that openness-policy does not recognise")
            return


def from_gate_prompt(rec: ModelRecord, doc: Located, why: str) -> bool:
    prompt = doc.get("extra_gated_prompt")
    if not isinstance(prompt, str) or len(prompt) < 1000:  # a short prompt only points to the terms
        return False
    from openness_policy.formats.license_detect import identify

    match = identify(prompt)
    if match is None:
        return False
    rec.licenses["distribution"] = Fact(match.id, doc.pos("extra_gated_prompt"), "detected",
                                        f"{why}; identified from the licence text in extra_gated_prompt ({match.title})")
    return True


_PROSE = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?Licen[cs]e(?:\*\*|__)?[ \t]*:"  # - **License:**
                    r"[ \t]*(?:\*\*|__)?[ \t]*(?P<v>\S.*?)[ \t]*$", re.I | re.M)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_PLACEHOLDER = re.compile(r"more information needed|\{\{|\[optional\]|^\W*$", re.I)


def prose_name(raw: str) -> str | None:
    """A licence *name* from a License line: a link text naming a licence, else the short text.

    A sentence ("A custom commercial license, the ... is available at ...") is not a name: None.
    """
    named = [t for t in _LINK.findall(raw) if re.search(r"licen[cs]e", t, re.I)]
    value = named[0] if named else re.sub(r"\s*\([^()]*\)\W*$", "", _LINK.sub(r"\1", raw))
    value = value.strip(" *_`.;,")
    if not value or _PLACEHOLDER.search(value) or len(value) > 60 or len(value.split()) > 8:
        return None
    return value


def from_prose(rec: ModelRecord, src: Source, why: str) -> bool:
    """The template's ``- **License:** ...`` line in the Markdown body (never inside the front matter)."""
    from openness_policy.formats.hf_frontmatter import split_front_matter

    fm = split_front_matter(src.text)
    start = 0 if fm is None else len("\n".join(src.text.split("\n")[:fm.end_line])) + 1
    for m in _PROSE.finditer(src.text, start):
        value = prose_name(m.group("v"))
        if value is not None:
            line = src.text.count("\n", 0, m.start()) + 1
            rec.licenses["distribution"] = Fact(value, Pos(src.display, line, 1, "license"), "detected",
                                                f"{why}; from the card's License line (prose)")
            return True
    return False
