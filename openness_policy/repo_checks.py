"""Checks that need every record of a run at once: for now, MOT release names used by two files.

The Model Openness Tool keys its records by ``release.name``, so two files with the same name import
as one model (the later overwrites the earlier). ``engine.judge`` runs this after linking lineage; a
run that judges files one at a time (``parallel``, ``streaming``) judges files that share a name
together (``cross_lineage.files_to_rejudge``), so every mode reports the same findings.
"""
from __future__ import annotations

from openness_policy.record import ModelRecord, Problem

DUPLICATE = "mot-duplicate-release-name"


def release_name(rec: ModelRecord) -> str | None:
    fact = rec.evidence.get("mot_release_name")
    value = getattr(fact, "value", None)
    return value.strip() if isinstance(value, str) and value.strip() else None


def mark_duplicate_names(records: list[ModelRecord]) -> None:
    """Add a warning to each MOT record whose release name another file uses too (idempotent)."""
    by_name: dict[str, list[ModelRecord]] = {}
    for rec in records:
        name = release_name(rec)
        if name is not None:
            by_name.setdefault(name, []).append(rec)
    for name, group in by_name.items():
        files = sorted({r.path for r in group})
        if len(files) < 2:
            continue
        for rec in group:
            if any(p.rule == DUPLICATE for p in rec.problems):
                continue
            others = ", ".join(f for f in files if f != rec.path)
            rec.problems.append(Problem(
                DUPLICATE, f"release name '{name}' is also used by {others}; the MOT keys models by release name, "
                "so one file overwrites the other on import", rec.evidence["mot_release_name"].pos, "warning",
                "give each model its own release.name (and name the file after it)"))
