"""GitHub code-scanning profile lint for SARIF (research/policy-as-code.md §3.2).

The JSON Schema checks structure only; GitHub rejects files (or opens bogus alerts) for things the
schema allows. ``lint(sarif) -> list[str]`` returns one readable problem per violation, empty when the
file is fine. Reuse it on every SARIF the CLI produces::

    from sarif_lint import lint
    assert lint(json.loads(out)) == []
"""
from __future__ import annotations

import re
from typing import Any

MAX_RESULTS = 25_000
MAX_RULES = 25_000
MAX_TAGS = 20
MAX_DESCRIPTION = 1024
LEVELS = {"none", "note", "warning", "error"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# RFC 3986 path characters: unreserved, sub-delims, ":" and "@", "/" and percent-escapes.
_URI_PATH = re.compile(r"^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$")


def _text(obj: Any, key: str) -> str:
    value = obj.get(key) if isinstance(obj, dict) else None
    text = value.get("text") if isinstance(value, dict) else None
    return text if isinstance(text, str) else ""


def uri_problems(uri: Any) -> list[str]:
    """Problems with a result URI for GitHub: must be repo-relative and percent-encoded."""
    if not isinstance(uri, str) or not uri:
        return ["missing or empty uri"]
    out = []
    if _SCHEME.match(uri):
        out.append(f"uri {uri!r} has a scheme (GitHub wants a repo-relative path)")
    elif ":" in uri.split("/", 1)[0]:
        out.append(f"uri {uri!r} has a colon in its first segment")
    if uri.startswith("/"):
        out.append(f"uri {uri!r} is absolute")
    if "\\" in uri:
        out.append(f"uri {uri!r} contains a backslash")
    if not _URI_PATH.match(uri):
        out.append(f"uri {uri!r} is not properly percent-encoded")
    return out


def _lint_rule(rule: Any, where: str) -> list[str]:
    if not isinstance(rule, dict):
        return [f"{where}: not an object"]
    out = []
    if not isinstance(rule.get("id"), str) or not rule["id"]:
        out.append(f"{where}: empty id")
    for key in ("shortDescription", "fullDescription"):
        text = _text(rule, key)
        if not text.strip():
            out.append(f"{where}: empty {key}.text")
        elif len(text) > MAX_DESCRIPTION:
            out.append(f"{where}: {key}.text longer than {MAX_DESCRIPTION}")
    if not _text(rule, "help").strip():
        out.append(f"{where}: empty help.text")
    if isinstance(rule.get("name"), str) and len(rule["name"]) > 255:
        out.append(f"{where}: name longer than 255")
    level = rule.get("defaultConfiguration", {}).get("level", "warning")
    if level not in LEVELS:
        out.append(f"{where}: bad defaultConfiguration.level {level!r}")
    props = rule.get("properties", {})
    tags = props.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
        out.append(f"{where}: properties.tags must be non-empty strings")
    elif len(tags) > MAX_TAGS:
        out.append(f"{where}: {len(tags)} tags (GitHub rejects more than {MAX_TAGS})")
    sev = props.get("security-severity")
    if sev is not None and not (isinstance(sev, str) and re.fullmatch(r"\d+(\.\d+)?", sev) and 0 < float(sev) <= 10):
        out.append(f"{where}: security-severity must be a string 0.1..10.0")
    return out


def _lint_result(result: Any, where: str, rule_ids: list[str], allow_suppressed: bool) -> list[str]:
    if not isinstance(result, dict):
        return [f"{where}: not an object"]
    out = []
    rid = result.get("ruleId")
    if rid not in rule_ids:
        out.append(f"{where}: ruleId {rid!r} not in tool.driver.rules")
    idx = result.get("ruleIndex")
    if idx is not None and (not isinstance(idx, int) or not 0 <= idx < len(rule_ids) or rule_ids[idx] != rid):
        out.append(f"{where}: ruleIndex {idx!r} does not point at rule {rid!r}")
    if result.get("level", "warning") not in LEVELS:
        out.append(f"{where}: bad level {result.get('level')!r}")
    if not _text(result, "message").strip() and not (result.get("message") or {}).get("id"):
        out.append(f"{where}: empty message.text")
    locations = result.get("locations")
    if not isinstance(locations, list) or len(locations) != 1:
        out.append(f"{where}: needs exactly one location, has {len(locations) if isinstance(locations, list) else 0}")
    for i, loc in enumerate(locations if isinstance(locations, list) else []):
        phys = (loc or {}).get("physicalLocation") or {}
        out += [f"{where}.locations[{i}]: {p}" for p in uri_problems((phys.get("artifactLocation") or {}).get("uri"))]
        region = phys.get("region")
        if not isinstance(region, dict) or not isinstance(region.get("startLine"), int):
            out.append(f"{where}.locations[{i}]: no region.startLine")
            continue
        for key in ("startLine", "startColumn", "endLine", "endColumn"):
            if key in region and not (isinstance(region[key], int) and region[key] >= 1):
                out.append(f"{where}.locations[{i}]: region.{key} must be >= 1")
        if isinstance(region.get("endLine"), int) and region["endLine"] < region["startLine"]:
            out.append(f"{where}.locations[{i}]: region ends before it starts")
    for key in ("partialFingerprints", "fingerprints"):
        if "primaryLocationLineHash" in (result.get(key) or {}):
            out.append(f"{where}: writes {key}.primaryLocationLineHash (leave it to upload-sarif)")
    if result.get("suppressions") and not allow_suppressed:
        out.append(f"{where}: suppressed result (GitHub ignores suppressions and opens an alert)")
    return out


def lint(sarif: Any, *, allow_suppressed: bool = False) -> list[str]:
    """Problems GitHub code scanning would have with ``sarif`` (a parsed SARIF document)."""
    if not isinstance(sarif, dict):
        return ["document is not an object"]
    out = []
    if sarif.get("version") != "2.1.0":
        out.append(f"version is {sarif.get('version')!r}, not '2.1.0'")
    if not sarif.get("$schema"):
        out.append("$schema missing")
    runs = sarif.get("runs")
    if not isinstance(runs, list) or len(runs) != 1:
        return out + [f"needs exactly one run, has {len(runs) if isinstance(runs, list) else 0}"]
    run = runs[0]
    driver = ((run or {}).get("tool") or {}).get("driver") or {}
    if not isinstance(driver.get("name"), str) or not driver["name"].strip():
        out.append("tool.driver.name missing")
    rules = driver.get("rules", [])
    if len(rules) > MAX_RULES:
        out.append(f"{len(rules)} rules (limit {MAX_RULES})")
    rule_ids = [r.get("id") if isinstance(r, dict) else None for r in rules]
    dupes = sorted({r for r in rule_ids if isinstance(r, str) and rule_ids.count(r) > 1})
    if dupes:
        out.append(f"duplicate rule ids: {', '.join(dupes)}")
    for i, rule in enumerate(rules):
        out += _lint_rule(rule, f"rules[{i}]")
    results = run.get("results")
    if not isinstance(results, list):
        return out + ["run.results missing"]
    if len(results) > MAX_RESULTS:
        out.append(f"{len(results)} results (limit {MAX_RESULTS})")
    for i, result in enumerate(results):
        out += _lint_result(result, f"results[{i}]", rule_ids, allow_suppressed)
    auto = run.get("automationDetails")
    if auto is not None and not (isinstance(auto.get("id"), str) and auto["id"]):
        out.append("automationDetails.id empty")
    return out
