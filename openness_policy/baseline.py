"""Baseline files: findings a team has accepted, so only new ones fail the build.

The file is JSON, versioned and sorted, one entry per finding, matched by the finding's fingerprint:
rule, manifest path, model and manifest key path — never a line number, so an edit that moves lines
does not bring accepted findings back. ``--baseline FILE --write-baseline FILE`` refreshes a file:
entries that still match are kept, new findings are added, fixed ones drop out.
"""
from __future__ import annotations

import json
from pathlib import Path

from openness_policy.errors import UserError
from openness_policy.findings import Finding, Report

VERSION = 1
LABEL = "baseline"


def entry(f: Finding) -> dict[str, str]:
    return {"path": f.manifest, "rule": f.rule.id, "key": f.pos.key, "model": f.model or "", "extra": f.key,
            "fingerprint": f.fingerprint, "message": f.message}


def render(findings: list[Finding]) -> str:
    rows = {f.fingerprint: entry(f) for f in findings}
    ordered = sorted(rows.values(), key=lambda e: (e["path"], e["rule"], e["key"], e["model"], e["extra"],
                                                   e["fingerprint"]))
    doc = {"version": VERSION, "tool": "openness-policy",
           "note": "Accepted findings; matched by fingerprint (rule, path, model, manifest key path), not by line.",
           "findings": ordered}
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def load(path: str) -> set[str]:
    """Fingerprints in a baseline file, or a UserError that says how to fix the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: baseline file not found; create it with --write-baseline {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the baseline file: {exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{path}:{exc.lineno}:{exc.colno}: the baseline file is not valid JSON ({exc.msg}); "
                        f"regenerate it with --write-baseline {path}") from None
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("findings"), list):
        raise UserError(f"{path}: not an openness-policy baseline (version {VERSION}); regenerate it with "
                        f"--write-baseline {path}")
    out = set()
    for i, item in enumerate(doc["findings"]):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        if not isinstance(fp, str) or not fp:
            raise UserError(f"{path}: entry {i} has no fingerprint; regenerate the file with --write-baseline {path}")
        out.add(fp)
    return out


def suppress(report: Report, fingerprints: set[str], label: str) -> int:
    """Move live findings whose fingerprint is in ``fingerprints`` to ``report.suppressed``; count them."""
    keep, moved = [], []
    for f in report.findings:
        if f.fingerprint in fingerprints:
            f.suppressed_by = label
            moved.append(f)
        else:
            keep.append(f)
    report.findings = keep
    report.suppressed = sorted(report.suppressed + moved, key=Finding.sort_key)
    return len(moved)


def accepted(report: Report) -> list[Finding]:
    """What a refreshed baseline holds: live findings plus those the baseline already hid."""
    return report.findings + [f for f in report.suppressed if f.suppressed_by == LABEL]


def write(path: str, report: Report) -> int:
    found = accepted(report)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(render(found), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{path}: cannot write the baseline file: {exc.strerror}") from None
    return len({f.fingerprint for f in found})


def apply(report: Report, opts: object, accepted: set[str] | None, partial: bool) -> None:
    """Hide baselined findings, then write a refreshed baseline when asked (``--write-baseline``).

    ``partial`` (pull-request mode) judges only changed manifests: an entry for another manifest is
    not stale, and a file written from such a run would drop them, so writing one is refused.
    """
    if accepted is not None:
        suppress(report, accepted, LABEL)
        if not partial:
            seen = {f.fingerprint for f in (*report.findings, *report.suppressed)}
            stale = len(accepted - seen)
            if stale:
                report.notices.append(f"{stale} baseline entr{'y' if stale == 1 else 'ies'} in {opts.baseline} "
                                      f"no longer match{'es' if stale == 1 else ''} any finding; refresh the file with "
                                      f"--baseline {opts.baseline} --write-baseline {opts.baseline}")
    path = getattr(opts, "write_baseline", None)
    if path:
        if partial:
            raise UserError("--write-baseline needs a full run: drop --diff-base so every manifest is judged")
        count = write(path, report)
        suppress(report, {f.fingerprint for f in report.findings}, LABEL)
        report.notices.append(f"wrote {count} accepted finding{'' if count == 1 else 's'} to the baseline {path}")
