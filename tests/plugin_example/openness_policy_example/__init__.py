"""A third-party plugin: the `Modelfile.toml`-like "key = value" format and a CSV reporter.

It uses only the public plugin API: the hook marker, the registered types and the record.
"""
from __future__ import annotations

from openness_policy.hookspecs import hookimpl
from openness_policy.plugin_types import FormatSpec, Reporter
from openness_policy.record import ComponentFact, Fact, ModelRecord
from openness_policy.sourcemap import Pos


def detect(name: str, head: str) -> bool:
    return name.endswith(".kv") and head.startswith("model =")


def load(src):
    rec = ModelRecord(path=src.display, format="kv", pos=Pos(src.display, 1, 1))
    for lineno, line in enumerate(src.text.splitlines(), start=1):
        key, _, value = (part.strip() for part in line.partition("="))
        pos = Pos(src.display, lineno, 1, key)
        if key == "model":
            rec.name = Fact(value, pos)
        elif key == "license":
            rec.licenses["distribution"] = Fact(value, pos)
        elif key == "weights" and value == "released":
            rec.components["model-parameters-final"] = ComponentFact("model-parameters-final", pos)
            rec.weights_available = Fact("yes", pos)
    return [rec]


def render_csv(report) -> str:
    rows = ["level,rule,path,line,message"]
    for f in report.findings:
        rows.append(f'{f.level},{f.rule.id},{f.pos.file},{f.pos.line},"{f.message}"')
    return "\n".join(rows) + "\n"


@hookimpl
def register_formats(register):
    register(FormatSpec("kv", "key = value test manifests (*.kv)", ("*.kv",), detect, load))


@hookimpl
def register_reporters(register):
    register(Reporter("csv", "comma-separated findings", render_csv))
