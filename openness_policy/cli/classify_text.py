"""Text rendering for ``classify``: enough for a reviewer to agree or disagree without opening the file."""
from __future__ import annotations

from typing import Any

from openness_policy import components as C


def render(report: Any) -> str:
    lines: list[str] = []
    for m in report.models:
        lines.extend(render_model(m.record, m.classification))
        lines.append("")
    if not report.models:
        lines.append("no model manifests found")
    return "\n".join(lines) + "\n"


def render_model(rec: Any, cls: Any) -> list[str]:
    out = [f"{rec.display_name}  ({rec.path}, format {rec.format})"]
    lvl = cls.openness
    out.append(f"  openness:  {lvl.level}{' (gated)' if lvl.gated else ''}")
    for ev in lvl.evidence:
        out.append(f"    + {ev.text}  [{ev.pos.file}:{ev.pos.line}]")
    for ev in lvl.reasons:
        out.append(f"    - {ev.text}  [{ev.pos.file}:{ev.pos.line}]")
    for item in lvl.missing:
        out.append(f"    next: {item}")
    mof = cls.mof
    out.append(f"  MOF:       {mof.label}  (Class III {mof.progress[3]:.1f}%, Class II {mof.progress[2]:.1f}%, "
               f"Class I {mof.progress[1]:.1f}%)")
    for status in mof.components:
        if status.status not in ("pass", "missing"):
            comp = rec.components.get(status.slug)
            where = f"  [{comp.pos.file}:{comp.pos.line}]" if comp else ""
            out.append(f"    {C.BY_SLUG[status.slug].name}: {status.status}"
                       f"{' (' + str(status.license) + ')' if status.license else ''}{where}")
    out.append(f"  OSAID 1.0: {cls.osaid.status}")
    for item in cls.osaid.missing[:8]:
        out.append(f"    - {item}")
    if len(cls.osaid.missing) > 8:
        out.append(f"    … and {len(cls.osaid.missing) - 8} more")
    wf, wv = cls.weights_license_fact, cls.weights_license
    if wf is None or wv is None:
        out.append("  weights licence: none")
    else:
        state = "" if wv.known else " (not identified)"
        osi = " OSI-approved" if wv.osi_approved else ""
        out.append(f"  weights licence: {wf.value}{state}{osi}  [{wf.pos.file}:{wf.pos.line}, {wf.how}]")
        for lic in wv.records:
            for clause in lic.clauses:
                mark = "" if clause.verified else " (unverified)"
                out.append(f"    {clause.id}: {lic.id} {clause.section} {clause.summary}{mark}")
    for p in rec.problems:
        out.append(f"  problem: {p.pos.file}:{p.pos.line}:{p.pos.col} {p.rule}: {p.message}")
    return out
