"""What the triggering GitHub event tells the action: the diff base, and whether SARIF can be uploaded.

Pure functions over the event name, the event payload (``$GITHUB_EVENT_PATH``) and the actor, so
they are tested without a runner.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PR_EVENTS = ("pull_request", "pull_request_target")


@dataclass(frozen=True)
class EventInfo:
    diff_base: str  # "" when the event has no natural base
    is_pull_request: bool
    upload_blocked: str  # "" when SARIF can be uploaded, else why not (shown to the user)


def load_payload(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def is_fork(payload: dict[str, Any]) -> bool:
    """A pull request whose head lives in another repository (or in a deleted one)."""
    head = _get(payload, "pull_request", "head", "repo")
    base = _get(payload, "pull_request", "base", "repo")
    if not isinstance(head, dict):
        return _get(payload, "pull_request") is not None  # head repository deleted: treat as a fork
    if head.get("fork") is True:
        return True
    return bool(head.get("full_name") and base and head.get("full_name") != _get(base, "full_name"))


def analyse(event: str, payload: dict[str, Any], actor: str = "") -> EventInfo:
    base = ""
    if event in PR_EVENTS:
        base = str(_get(payload, "pull_request", "base", "sha") or "")
    elif event == "merge_group":
        base = str(_get(payload, "merge_group", "base_sha") or "")
    blocked = ""
    if event == "pull_request" and is_fork(payload):
        blocked = ("this pull request comes from a fork, and GitHub gives its workflow a read-only token that "
                   "cannot upload to code scanning; the findings are in the annotations and the job summary")
    elif event == "pull_request" and actor == "dependabot[bot]":
        blocked = ("Dependabot pull requests run with a read-only token that cannot upload to code scanning; "
                   "the findings are in the annotations and the job summary")
    return EventInfo(base, event in PR_EVENTS or event == "merge_group", blocked)
