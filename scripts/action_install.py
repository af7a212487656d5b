"""Composite-action step: install openness-policy into its own virtual environment.

Run with the Python that ``actions/setup-python`` provided. Installs the action's own code
(``$GITHUB_ACTION_PATH``) or, when ``OP_VERSION`` is set, that release from the package index, and
writes the environment's interpreter to the step output ``python``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = re.compile(r"^[0-9][0-9A-Za-z.+!]*$")  # a plain release number, never a pip option or URL


def main() -> int:
    action = os.environ.get("GITHUB_ACTION_PATH") or str(Path(__file__).resolve().parents[1])
    version = os.environ.get("OP_VERSION", "").strip()
    if version and not VERSION.match(version):
        print(f"::error title=openness-policy::input `version` must be a release number such as 0.1.0, not '{version}'")
        return 2
    spec = f"openness-policy=={version}" if version else action
    venv = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / "openness-policy-venv"
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", spec]
    print(f"Installing {'openness-policy ' + version if version else 'openness-policy from ' + action}")
    proc = subprocess.run(cmd)
    if proc.returncode != 0:
        print("::error title=openness-policy::installing openness-policy failed; see the log above")
        return 2
    with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
        out.write(f"python={python}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
