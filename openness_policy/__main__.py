from __future__ import annotations

from openness_policy.console import run

if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    run()
