"""The ``openness-policy`` console script: the CLI with the collector paused during start-up."""
from __future__ import annotations


def run() -> None:
    from openness_policy import gcpause

    gcpause.pause()  # before the CLI's imports: see gcpause
    from openness_policy.cli import main

    try:
        code = main()
    finally:
        gcpause.resume()
    raise SystemExit(code)
