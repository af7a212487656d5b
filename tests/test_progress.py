"""The progress bar: drawn on a terminal after a short delay, silent everywhere else."""
from __future__ import annotations

import io

from openness_policy.progress import Progress, wanted


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    clock = Clock()
    with Progress(100, stream=out, clock=clock) as bar:
        for _ in range(100):
            clock.now += 1
            bar.update()
    assert out.getvalue() == ""
    assert not wanted(out)


def test_silent_on_a_dumb_terminal(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(Tty())


def test_short_runs_stay_silent_and_long_runs_draw_then_clear(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    quick, clock = Tty(), Clock()
    with Progress(10, stream=quick, clock=clock) as bar:
        bar.update(10)
    assert quick.getvalue() == ""

    slow, clock = Tty(), Clock()
    with Progress(200, stream=slow, clock=clock, label="checking") as bar:
        for _ in range(200):
            clock.now += 0.05
            bar.update()
    text = slow.getvalue()
    assert "checking [" in text and "200/200 files" in text and "100%" in text
    assert text.endswith("\r\x1b[K")  # the line is cleared for the report that follows
    assert text.count("\r") < 200  # redrawn at most every 0.1 s, not per file


def test_line_shows_rate_and_time_left():
    clock = Clock()
    bar = Progress(1000, stream=io.StringIO(), enabled=True, clock=clock)
    clock.now = 2.0
    bar.done = 500
    line = bar.line(clock.now)
    assert "500/1000 files" in line and " 50%" in line and "250/s" in line and "~2s left" in line
