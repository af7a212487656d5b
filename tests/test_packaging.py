"""The wheel ships policies/ and schemas/ inside the package, and an installed copy loads them."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_data_and_installed_copy_uses_it(tmp_path):
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(REPO)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next(dist.glob("openness_policy-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "openness_policy/schemas/model-manifest.schema.json" in names
    assert "openness_policy/schemas/policy.schema.json" in names
    assert "openness_policy/policies/licenses/catalog.yaml" in names
    target = tmp_path / "site"
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                          capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr[-3000:]
    probe = ("import openness_policy, openness_policy.resources as r;"
             "print(openness_policy.__file__); print(r.data_dir('schemas')); print(r.data_dir('policies'));"
             "from openness_policy.licenses.catalog import LicenseCatalog;"
             "print(LicenseCatalog.builtin().lookup('llama3').id)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    module, schemas, policies, llama = run.stdout.split()
    assert module.startswith(str(target)) and schemas.startswith(str(target)) and policies.startswith(str(target))
    assert llama == "llama3"
    demo = subprocess.run([sys.executable, "-m", "openness_policy", "eval", "--format", "json"],
                          capture_output=True, text=True, cwd=REPO / "examples" / "demo", env=env)
    assert demo.returncode == 1 and '"production-open-weights-data"' in demo.stdout
