"""Helpers every reporter shares: ordering, counts, suppression parsing and the model dictionary.

``model_to_dict`` is the ``classify --format json`` shape of DESIGN §6; the ``json`` reporter and the
``classify`` command both use it so the two outputs cannot drift apart.
"""
from __future__ import annotations

from typing import Any, Iterable

from openness_policy.findings import LEVELS, Finding, ModelResult, Report

TOOL_NAME = "openness-policy"
# Placeholder until the project's public home is fixed; used as SARIF ``informationUri``.
INFORMATION_URI = "https://github.com/openness-policy/openness-policy"
SUPPRESSION_KINDS = ("inline", "exception", "baseline")


def tool_version(report: Report) -> str:
    if report.tool_version:
        return report.tool_version
    from openness_policy import __version__

    return __version__


def level_of(finding: Finding) -> str:
    """The finding's level, or ``warning`` when it is not one we know (never crash on bad input)."""
    return finding.level if finding.level in LEVELS else "warning"


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order: file, line, column, rule id, message, then the fingerprint."""
    return sorted(findings, key=lambda f: (*f.sort_key(), f.fingerprint))


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then the deterministic order."""
    from openness_policy.findings import level_rank

    return sorted(ordered(findings), key=lambda f: -level_rank(level_of(f)))


def split_suppression(suppressed_by: str | None) -> tuple[str, str]:
    """``"inline: reason"`` → ``("inline", "reason")``; ``"baseline"`` → ``("baseline", "")``."""
    if not suppressed_by:
        return "", ""
    who, sep, reason = suppressed_by.partition(":")
    who = who.strip()
    if not sep or " " in who:  # not "<kind>: <reason>": keep the whole text as the reason
        return ("baseline", "") if who == "baseline" else ("other", suppressed_by.strip())
    return who, reason.strip()


def counts(report: Report) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "note": 0}
    for f in report.findings:
        out[level_of(f)] += 1
    return out


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary_line(report: Report) -> str:
    """``2 errors, 1 warning, 0 notes in 3 models (1 suppressed)``."""
    c = counts(report)
    return (f"{plural(c['error'], 'error')}, {plural(c['warning'], 'warning')}, {plural(c['note'], 'note')} "
            f"in {plural(len(report.models), 'model')} ({len(report.suppressed)} suppressed)")


def line_col(pos: Any) -> tuple[int, int]:
    """1-based line and column, clamped to at least 1 (a bad position still lands on the file)."""
    return max(1, int(pos.line or 1)), max(1, int(pos.col or 1))


def where(pos: Any) -> str:
    """``file:line:col`` on one line: control characters in the path are shown escaped."""
    line, col = line_col(pos)
    return f"{safe_path(pos.file)}:{line}:{col}"


def safe_path(path: str) -> str:
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in path)


def one_line(text: str) -> str:
    """Collapse any line breaks so a value stays on one output line."""
    return " ".join(str(text).split()) if ("\n" in str(text) or "\r" in str(text)) else str(text)


def model_key(record: Any) -> tuple[str, str]:
    return (record.path, record.display_name)


def sorted_models(models: Iterable[ModelResult]) -> list[ModelResult]:
    return sorted(models, key=lambda m: (m.record.path, getattr(m.record, "index", 0), m.record.display_name))


def verdict_texts(result: ModelResult) -> tuple[str, str, str] | None:
    """(openness level, MOF label, OSAID status) as short strings, or None without a classification."""
    cls = result.classification
    if cls is None:
        return None
    level = cls.openness.level + (" (gated)" if getattr(cls.openness, "gated", False) else "")
    label = getattr(cls.mof, "label", None) or "—"
    return level, label, cls.osaid.status


# -- the classify --format json model shape (DESIGN §6) -------------------------------------------

def _number(value: Any) -> Any:
    """Percentages as the MOT gives them: whole numbers as ints, others unrounded."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _where(pos: Any) -> dict[str, Any]:
    return {"path": pos.file, "line": pos.line, "column": pos.col, "key": pos.key}


def license_to_dict(verdict: Any, fact: Any = None) -> dict[str, Any]:
    """``{"id", "expression", "known", "osi_approved", "clauses": [ids], "terms": [ids]}`` for a licence.

    ``id`` is the catalogue id when the licence is one identified term, else the expression as written;
    ``terms`` are the catalogue ids that apply (for ``OR``, the branch chosen). None → no licence.
    """
    written = None if fact is None or fact.value in (None, "") else str(fact.value)
    if verdict is None:
        return {"id": written, "expression": written, "known": False, "osi_approved": False, "clauses": [],
                "terms": []}
    expression = getattr(verdict, "expression", None) or written
    terms = [getattr(r, "id", str(r)) for r in getattr(verdict, "records", None) or ()]
    known = bool(getattr(verdict, "known", False))
    clauses = sorted({getattr(c, "id", str(c)) for c in (getattr(verdict, "clauses", None) or ())})
    out = {"id": terms[0] if known and len(terms) == 1 else expression, "expression": expression, "known": known,
           "osi_approved": bool(getattr(verdict, "osi_approved", False)), "clauses": clauses, "terms": terms}
    if fact is not None and getattr(fact, "pos", None) is not None:
        out["where"] = _where(fact.pos)
    return out


def _mof_to_dict(mof: Any) -> dict[str, Any]:
    progress = getattr(mof, "progress", {}) or {}
    missing = getattr(mof, "missing", {}) or {}
    return {
        "class": int(getattr(mof, "mof_class", 0)),
        "label": getattr(mof, "label", ""),
        "progress": {str(k): _number(progress.get(k, 0)) for k in (1, 2, 3)},
        "missing": {str(k): list(missing.get(k, ())) for k in (1, 2, 3)},
    }


def model_to_dict(result: ModelResult) -> dict[str, Any]:
    """One model as ``classify --format json`` prints it (DESIGN §6)."""
    rec, cls = result.record, result.classification
    out: dict[str, Any] = {"path": rec.path, "name": rec.display_name, "format": rec.format,
                           "line": rec.pos.line, "index": getattr(rec, "index", 0)}
    if cls is None:
        out.update(openness=None, mof=None, osaid=None, licenses=None)
        return out
    lv = cls.openness
    out["openness"] = {
        "level": lv.level,
        "gated": bool(getattr(lv, "gated", False)),
        "evidence": [{"text": e.text, **_where(e.pos)} for e in lv.evidence],
        "reasons": [{"text": e.text, **_where(e.pos)} for e in getattr(lv, "reasons", [])],
        "missing": list(lv.missing),
    }
    out["mof"] = _mof_to_dict(cls.mof)
    out["osaid"] = {"status": cls.osaid.status, "missing": list(cls.osaid.missing)}
    components = {slug: license_to_dict(v, rec.component_license(slug)[0])
                  for slug, v in sorted((getattr(cls, "component_licenses", None) or {}).items())}
    out["licenses"] = {
        "weights": license_to_dict(cls.weights_license, getattr(cls, "weights_license_fact", None)),
        "components": components,
        "unknown": [{"term": term, **_where(fact.pos)}
                    for term, fact in getattr(cls, "unknown_licenses", None) or []],
    }
    return out
