"""The console script pauses the cyclic collector during start-up and turns it back on when the files
to judge are listed (openness_policy.gcpause); a program importing the package is not affected."""
from __future__ import annotations

import subprocess
import sys

CODE = """
import gc, sys
from pathlib import Path
from openness_policy import gcpause
from openness_policy.discover import listing
if sys.argv[1] == "console":
    gcpause.pause()
    assert not gc.isenabled()
listing([sys.argv[2]], Path(sys.argv[2]), ("*.yaml",))
print(gc.isenabled(), gc.get_freeze_count() > 0)
"""


def _run(mode: str, folder) -> str:
    proc = subprocess.run([sys.executable, "-c", CODE, mode, str(folder)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_collector_is_back_on_once_the_files_are_listed(tmp_path):
    (tmp_path / "m.yaml").write_text("a: 1\n")
    assert _run("console", tmp_path) == "True True"  # on again, start-up's objects frozen


def test_a_program_that_never_pauses_it_is_left_alone(tmp_path):
    (tmp_path / "m.yaml").write_text("a: 1\n")
    assert _run("library", tmp_path) == "True False"  # nothing frozen behind its back

