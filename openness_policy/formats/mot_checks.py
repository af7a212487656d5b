"""What the Model Openness Tool accepts silently but a reviewer must hear about.

The MOT maps an unknown component name onto another component, keeps one of two duplicate entries,
and counts any licence string that is not an exact SPDX id as "invalid" (``Apache 2.0``, ``BSD-3``,
leftovers such as ``Component not included``). These helpers find those cases in a located MOT file
and return :class:`Problem` objects with a fix; they never change what the MOT would conclude.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import cache, lru_cache
from typing import Any

from openness_policy import components as C
from openness_policy.plugin_types import RuleInfo
from openness_policy.record import Problem
from openness_policy.sourcemap import Located

MOT_URI = "https://github.com/lfai/model_openness_tool"
NOT_SPDX = "mot-license-not-spdx"
LEGACY = "mot-legacy-license-value"
FILE_NAME = "mot-file-name"

RULES = (
    RuleInfo(NOT_SPDX, "Licence is not written as the MOT's exact SPDX id",
             "The Model Openness Tool matches licences by exact, case-sensitive SPDX id, so a recognisable licence "
             "written another way (`Apache 2.0`, `apache-2.0`, `BSD-3`, an SPDX expression) counts as an invalid "
             "licence and the component fails its class. openness-policy computes the MOF class as the MOT does, "
             "so the component fails here too.",
             "Write the SPDX id the message suggests, exactly as spelt there.", "warning", MOT_URI,
             ("mot", "mof", "license")),
    RuleInfo(LEGACY, "Placeholder licence value in an MOT file",
             "Values such as `Component not included`, `Pending evaluation`, `License not specified` or `Undisclosed` "
             "come from the MOT's spreadsheet import. The MOT treats them as licence names: the component counts as "
             "included, with an invalid licence.",
             "Remove the component if it is not released; otherwise give its licence as an SPDX id, or write "
             "`unlicensed` when it is released without one.", "warning", MOT_URI, ("mot", "mof", "license")),
    RuleInfo(FILE_NAME, "MOT model file named differently from its release",
             "In the Model Openness Tool's repository each file in `models/` is named after its `release.name`, "
             "the key the MOT imports it under; a file named otherwise usually describes another model than its "
             "name says (a copy edited for another model, a renamed release).",
             "Rename the file to `<release.name>.yml`, or correct `release.name`.", "warning", MOT_URI, ("mot",)),
    RuleInfo("mot-duplicate-release-name", "Two MOT files use the same release name",
             "The Model Openness Tool keys its records by `release.name`, so two files with the same name import as "
             "one model: the later file overwrites the earlier one's record.",
             "Give each model its own `release.name`, and name its file after it.", "warning", MOT_URI, ("mot",)),
)

# Placeholders, compared after lower-casing and turning punctuation into spaces.
_PLACEHOLDERS = frozenset({
    "pending evaluation", "license not specified", "licence not specified", "not specified", "unspecified",
    "undisclosed", "unknown", "n a", "na", "none", "tbd", "to be determined",
})
_OPERATORS = re.compile(r"\s+(?:AND|OR|WITH)\s+|[()]")


def legacy_value(text: str) -> bool:
    """True for the MOT's spreadsheet leftovers and other placeholders that are not licences."""
    words = " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())
    return "not includ" in words or words in _PLACEHOLDERS


@cache
def _catalog() -> Any:
    from openness_policy.licenses.catalog import LicenseCatalog

    return LicenseCatalog.builtin()


def spdx_for(text: str) -> str | None:
    """The SPDX id the catalogue gives for ``text`` (an alias, a hub id or another spelling), else None."""
    rec = _catalog().lookup(text)
    return getattr(rec, "spdx", None) if rec is not None else None


def _mot_open(spdx_id: str) -> bool:
    from openness_policy.classify.mof_licenses import default_mof_licenses, is_open

    data = default_mof_licenses()
    return is_open(spdx_id, data=data, is_osi_or_fsf=data.is_osi_or_fsf)


def spdx_advice(text: str) -> tuple[str, str, str] | None:
    """``(why, suggestion, fix)`` when ``text`` is a licence the MOT rejects only for its spelling."""
    if text.strip().casefold() == "unlicensed" and text != "unlicensed":
        return ("is not the MOT's keyword `unlicensed` (it matches it exactly)",
                "write `unlicensed` to say there is none", "write `unlicensed`")
    spdx = spdx_for(text)
    if spdx is not None and spdx != text:
        why = "has stray spaces around the SPDX id" if spdx == text.strip() else "is not an SPDX id"
        still = "" if _mot_open(spdx) else f" (the MOT would still not count {spdx} as an open licence)"
        return why, f"use '{spdx}'{still}", f"write `{spdx}`"
    terms = [t for t in _OPERATORS.split(text) if t.strip()]
    if len(terms) > 1 and all(spdx_for(t) == t.strip() for t in terms):
        return ("is an SPDX expression, which the MOT does not evaluate", "give the one SPDX id that applies",
                "give the one SPDX id that applies to this component")
    return None


def license_problems(doc: Located, path: tuple, text: str, slot: str | None = None) -> list[Problem]:
    """Problems for one licence string: a component's (``slot`` None) or a global one (``slot`` given)."""
    found = _license_problem(text, slot)
    if found is None:
        return []
    rule, message, level, fix = found
    return [Problem(rule, message, doc.pos(*path), level, fix)]


@lru_cache(maxsize=4096)
def _license_problem(text: str, slot: str | None) -> tuple[str, str, str, str] | None:
    """``(rule, message, level, fix)`` for a licence string, remembered: the same few recur in every file."""
    whose = ("this component's licence" if slot is None
             else f"the licence of every component inheriting the {slot} licence")
    if legacy_value(text):
        what = ("the MOT counts the component as included with an invalid licence; remove the component if it is "
                "not released, or give its licence") if slot is None else \
            f"the MOT counts {whose} as invalid; leave `name:` empty, or give the licence"
        return (LEGACY, f"'{text}' is a placeholder, not a licence: {what}", "warning",
                "remove the component, give its SPDX licence id, or write `unlicensed`" if slot is None
                else "give the SPDX licence id, or leave the name empty")
    advice = spdx_advice(text)
    if advice is not None:
        why, suggestion, fix = advice
        return NOT_SPDX, f"'{text}' {why}, so the MOT counts {whose} as invalid; {suggestion}", "warning", fix
    return None


def unknown_component(doc: Located, index: int, name: Any) -> Problem:
    """An entry whose name is not one of the 17 exact MOT names (the MOT would misfile it silently)."""
    pos = doc.pos("release", "components", index, "name")
    if not isinstance(name, str) or not name.strip():
        return Problem("manifest-invalid", f"release.components[{index}] has no component name", pos,
                       fix=f"give `name:` one of the MOF component names: {', '.join(C.BY_NAME)}")
    return Problem("manifest-invalid", f"unknown MOF component '{name}': the MOT would silently count it as another "
                   "component; it is left out here", pos, fix=_name_hint(name))


def _name_hint(name: str) -> str:
    exact = [n for n in C.BY_NAME if n.casefold() == name.strip().casefold()]
    comp = C.BY_SLUG.get(name.strip())
    close = difflib.get_close_matches(name, list(C.BY_NAME), n=3, cutoff=0.5)
    picks = list(dict.fromkeys(exact + ([comp.name] if comp else []) + close))
    if picks:
        return "use the exact name (case matters): " + " or ".join(f"'{n}'" for n in picks)
    return "use one of the exact MOF component names: " + ", ".join(f"'{n}'" for n in C.BY_NAME)


def duplicate_component(doc: Located, index: int, first: int, name: str) -> Problem:
    line = doc.pos("release", "components", first).line
    return Problem("manifest-invalid", f"'{name}' is listed again (first at line {line}): the MOT keeps one entry, "
                   "and the licence of the last entry that gives one wins", doc.pos("release", "components", index),
                   "warning", "merge the two entries into one")


def framework_problems(doc: Located) -> list[Problem]:
    """Dates the MOT's validator rejects (its schema says ``format: date``) and a framework version it lacks."""
    out: list[Problem] = []
    for path in (("framework", "date"), ("release", "date")):
        value = doc.get(*path)
        if isinstance(value, str) and not _is_date(value):
            out.append(Problem("manifest-invalid", f"{'.'.join(path)} is '{value}', not a date; the MOT's validator "
                               "rejects the file", doc.pos(*path), fix="write the date as YYYY-MM-DD"))
    version = doc.get("framework", "version")
    if isinstance(version, str) and version != "1.0":
        out.append(Problem("manifest-invalid", f"framework.version is '{version}', but the MOT knows only MOF 1.0; "
                           "the model is judged by the MOF 1.0 rules", doc.pos("framework", "version"), "warning",
                           "write `version: '1.0'`"))
    return out


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def file_name_problem(doc: Located, name: object) -> Problem | None:
    """In a ``models/`` folder (the MOT's layout), a file must be named ``<release.name>.yml``."""
    import posixpath

    if not isinstance(name, str) or not name.strip():
        return None
    folder, base = posixpath.split(doc.file)
    stem, ext = posixpath.splitext(base)
    if posixpath.basename(folder) != "models" or ext.lower() not in (".yml", ".yaml") or stem == name.strip():
        return None
    return Problem(FILE_NAME, f"the file is named '{base}' but describes release '{name.strip()}'",
                   doc.pos("release", "name"), "warning", f"rename the file to '{name.strip()}{ext}' or fix release.name")
