"""Composite-action step: run ``openness-policy eval`` and report through GitHub's channels.

Reads the inputs from ``OP_*`` variables (set in ``action.yml``'s ``env:``), works out the diff base
and whether SARIF can be uploaded from the event, then writes: the text report to the log (inside
``::stop-commands::`` so text from a manifest can never act as a workflow command), annotations
(most severe first, within GitHub's caps), the Markdown job summary, the SARIF file, and the step
outputs ``findings``, ``errors``, ``sarif-file``, ``exit-code`` and ``upload``. Exits with eval's
exit code, so the step fails on findings at or above ``fail-on``.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from action_event import analyse, load_payload  # noqa: E402

TRUE = ("true", "yes", "1", "on")
GITHUB_MAX_RESULTS = 25_000  # code scanning rejects a run with more results


def flag(name: str, default: str = "false") -> bool:
    return os.environ.get(name, default).strip().lower() in TRUE


def words(name: str, commas: bool = False) -> list[str]:
    """A multi-value input: new lines always separate values; spaces (and commas) too unless noted."""
    text = os.environ.get(name, "")
    return [w for w in re.split(r"[\s,]+" if commas else r"\s+", text) if w]


def lines(name: str) -> list[str]:
    return [w.strip() for w in os.environ.get(name, "").splitlines() if w.strip()]


def command(tmp: Path, sarif: str, diff_base: str, only_new: bool) -> tuple[list[str], dict[str, Path]]:
    files = {"json": tmp / "report.json", "github": tmp / "annotations.txt", "markdown": tmp / "summary.md"}
    cmd = [sys.executable, "-m", "openness_policy", "eval", "--no-color", "--format", "text",
           "--output", f"json={files['json']}", "--output", f"github={files['github']}",
           "--output", f"markdown={files['markdown']}", "--output", f"sarif={sarif}",
           "--fail-on", os.environ.get("OP_FAIL_ON", "error").strip() or "error"]
    for policy in lines("OP_POLICY"):
        cmd += ["--policy", policy]
    for template in words("OP_TEMPLATES", commas=True):
        cmd += ["--template", template]
    if diff_base:
        cmd += ["--diff-base", diff_base]
        if only_new:
            cmd.append("--only-new")
    cmd += ["--sarif-max-results", os.environ.get("OP_SARIF_MAX_RESULTS", "").strip() or str(GITHUB_MAX_RESULTS)]
    if os.environ.get("OP_BASELINE", "").strip():
        cmd += ["--baseline", os.environ["OP_BASELINE"].strip()]
    cmd += ["--", *(words("OP_PATHS") or ["."])]
    return cmd, files


def max_results() -> int:
    """The ``sarif-max-results`` input: GitHub's limit of 25,000 unless set (0: no limit). A value that is
    not a number reaches ``eval`` as given, which refuses it (exit 2), so this is read only after a run."""
    raw = os.environ.get("OP_SARIF_MAX_RESULTS", "").strip()
    return int(raw) if raw.isdigit() else GITHUB_MAX_RESULTS


def output(values: dict[str, str]) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as fh:
        for key, value in values.items():
            fh.write(f"{key}={value}\n")


def summarise(text: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path and flag("OP_SUMMARY", "true"):
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")


def quoted(text: str) -> str:
    """Print untrusted text to the log with workflow commands switched off around it."""
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{text.rstrip()}\n::{token}::"


def main() -> int:
    event = analyse(os.environ.get("GITHUB_EVENT_NAME", ""), load_payload(os.environ.get("GITHUB_EVENT_PATH")),
                    os.environ.get("GITHUB_ACTOR", ""))
    diff_base = os.environ.get("OP_DIFF_BASE", "").strip() or event.diff_base
    only_new_in = os.environ.get("OP_ONLY_NEW", "auto").strip().lower()
    only_new = bool(diff_base) and (event.is_pull_request if only_new_in in ("", "auto") else only_new_in in TRUE)
    sarif = os.environ.get("OP_SARIF_FILE", "").strip() or "openness-policy.sarif"
    with tempfile.TemporaryDirectory(prefix="openness-policy-") as tmp:
        cmd, files = command(Path(tmp), sarif, diff_base, only_new)
        proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
        print(quoted(f"$ openness-policy {' '.join(cmd[3:])}\n{proc.stdout}{proc.stderr}"), flush=True)
        if proc.returncode not in (0, 1) or not files["json"].exists():
            message = (proc.stderr.strip() or "openness-policy failed").splitlines()[-1]
            print(f"::error title=openness-policy::{_escape(message)}")
            summarise(f"## openness-policy could not run\n\n```\n{_fence(proc.stderr.strip())}\n```\n")
            output({"findings": "", "errors": "", "sarif-file": "", "exit-code": str(proc.returncode),
                    "upload": "false"})
            return proc.returncode or 2
        report = json.loads(files["json"].read_text(encoding="utf-8"))
        if flag("OP_ANNOTATIONS", "true"):
            print(files["github"].read_text(encoding="utf-8"), end="", flush=True)
        note = ""
        upload = flag("OP_UPLOAD_SARIF", "true")
        if upload and event.upload_blocked:
            upload = False
            note = f"SARIF upload skipped: {event.upload_blocked}."
            print(f"::notice title=openness-policy::{_escape(note)}")
        summary = report["summary"]
        total, limit = summary["errors"] + summary["warnings"] + summary["notes"], max_results()
        if 0 < limit < total:
            cut = (f"The SARIF report lists the {limit:,} most severe of {total:,} findings (sarif-max-results); "
                   f"this summary and the exit code count all of them.")
            print(f"::notice title=openness-policy::{_escape(cut)}")
            note = f"{note} {cut}".strip()
        summarise(files["markdown"].read_text(encoding="utf-8") + (f"\n> [!NOTE]\n> {note}\n" if note else ""))
    output({"findings": str(summary["errors"] + summary["warnings"] + summary["notes"]),
            "errors": str(summary["errors"]), "sarif-file": sarif, "exit-code": str(proc.returncode),
            "upload": "true" if upload else "false"})
    return proc.returncode


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _fence(text: str) -> str:
    return text.replace("```", "`\u200b``")


if __name__ == "__main__":
    sys.exit(main())
