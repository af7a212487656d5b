"""At most N results in a SARIF log: the N most severe, in the log's usual order.

GitHub code scanning rejects a whole upload whose run holds more than 25,000 results (and shows only
the 5,000 most severe of those it accepts). ``eval --sarif-max-results N`` keeps the most severe N: every
error before any warning, every warning before any note; within the level where the cut falls, the
first ones in the usual order (file, line, column, rule). The results kept stay in that order, and the
run says how many were left out (a tool execution notification and ``properties.omitted``). The exit
code and every other output still count all findings.
"""
from __future__ import annotations

from typing import Any, Iterable

from openness_policy.findings import LEVELS

NOTIFICATION_ID = "results-left-out"


class Cap:
    """Which results, taken in order, are kept: built from how many there are of each level."""

    def __init__(self, counts: dict[str, int], limit: int):
        self.limit = limit
        self.total = sum(counts.values())
        self._room: dict[str, int] = {}  # level -> how many of it may still be kept
        left = limit
        for level in sorted(counts, key=_rank, reverse=True):  # most severe first
            self._room[level] = min(left, counts[level])
            left -= self._room[level]

    @property
    def omitted(self) -> int:
        return max(0, self.total - self.limit)

    def keep(self, level: str) -> bool:
        room = self._room.get(level, 0)
        if room <= 0:
            return False
        self._room[level] = room - 1
        return True


def cap_for(levels: Iterable[str], limit: int) -> Cap | None:
    """A :class:`Cap` when ``levels`` (one per result) are more than ``limit`` (0: no limit), else None."""
    if limit <= 0:
        return None
    counts: dict[str, int] = {}
    for level in levels:
        counts[level] = counts.get(level, 0) + 1
    cap = Cap(counts, limit)
    return cap if cap.omitted else None


def _rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else LEVELS.index("warning")


def message(total: int, limit: int) -> str:
    return (f"{total - limit:,} of {total:,} results are left out of this SARIF log: it holds the {limit:,} most "
            f"severe (--sarif-max-results {limit}; GitHub code scanning rejects a run with more than 25,000). "
            f"The exit code and the other outputs count every finding.")


def mark_omitted(document: dict[str, Any], total: int, limit: int) -> None:
    """Record in a SARIF log built by ``sarif.sarif_document`` that results were left out."""
    run = document["runs"][0]
    run["invocations"][0]["toolExecutionNotifications"] = [{
        "level": "warning",
        "message": {"text": message(total, limit)},
        "descriptor": {"id": NOTIFICATION_ID},
    }]
    run["properties"]["omitted"] = total - limit
