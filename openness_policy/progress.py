"""A progress bar on standard error for long runs, drawn only when standard error is a terminal.

Nothing is written when standard error is a file or a pipe (CI logs, pre-commit capturing output),
when ``TERM=dumb``, or before the run has taken ``delay`` seconds (short runs stay silent). The line
is cleared when the run ends, so the report that follows starts on a clean line.
"""
from __future__ import annotations

import os
import sys
import time
from typing import IO, Callable

WIDTH = 30


def wanted(stream: IO[str]) -> bool:
    """True when ``stream`` is a terminal that can redraw a line."""
    try:
        return stream.isatty() and os.environ.get("TERM", "") != "dumb"
    except (AttributeError, ValueError):  # closed or replaced stream
        return False


class Progress:
    """``update(n)`` after each ``n`` files; use as a context manager so the line is always cleared."""

    def __init__(self, total: int, label: str = "checking", stream: IO[str] | None = None,
                 enabled: bool | None = None, delay: float = 0.5, clock: Callable[[], float] = time.monotonic):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.clock = clock
        self.start = clock()
        self.delay = delay
        self._last = -1.0
        self._shown = False

    def update(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = self.clock()
        if now - self.start < self.delay or (now - self._last < 0.1 and self.done < self.total):
            return
        self._last = now
        self._draw(now)

    def line(self, now: float) -> str:
        total = max(self.total, 1)
        frac = min(self.done / total, 1.0)
        filled = int(frac * WIDTH)
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 and self.done < self.total else 0.0
        return (f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} files"
                f" {frac * 100:3.0f}%  {rate:,.0f}/s  ~{left:.0f}s left")

    def _draw(self, now: float) -> None:
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
