"""Reports built by hand for the reporter tests (records, rules, findings and verdicts).

Openness level and OSAID status come from the real pure functions; the licence verdicts and the MOF
result are small stand-ins with the attributes the reporters read, so these cases do not depend on
the licence catalogue.
"""
from __future__ import annotations

from types import SimpleNamespace

from openness_policy import components as C
from openness_policy.classify.openness import openness_level
from openness_policy.classify.osaid import osaid_status
from openness_policy.classify.verdict import Classification
from openness_policy.findings import Finding, ModelResult, Report
from openness_policy.plugin_types import RuleInfo
from openness_policy.record import ComponentFact, Dataset, Fact, ModelRecord
from openness_policy.sourcemap import Pos

MOF_LABELS = {0: "Unclassified", 1: "Class I - Open Science Model", 3: "Class III - Open Model"}


def lic(expr: str, *, osi: bool, clauses: tuple[str, ...] = (), term: str | None = None) -> SimpleNamespace:
    """A stand-in LicenseVerdict: ``expr`` as written, ``term`` the catalogue id it resolves to."""
    return SimpleNamespace(expression=expr, known=True, osi_approved=osi, open=osi, grants_use_and_modification=True,
                           records=(SimpleNamespace(id=term or expr),),
                           clauses=tuple(SimpleNamespace(id=c) for c in clauses))


def mof(cls: int, progress: dict[int, float], missing: dict[int, tuple[str, ...]] | None = None) -> SimpleNamespace:
    return SimpleNamespace(mof_class=cls, label=MOF_LABELS[cls], progress=progress, missing=missing or {})


def record(path: str, name: str, *, comps: dict[str, int], weights_line: int, license_value: str,
           datasets: bool = False) -> ModelRecord:
    rec = ModelRecord(path=path, format="native", pos=Pos(path, 1, 1))
    rec.name = Fact(name, Pos(path, 2, 7, "name"))
    rec.weights_available = Fact("yes", Pos(path, weights_line, 13, "weights.released"))
    rec.licenses["distribution"] = Fact(license_value, Pos(path, 3, 10, "license"))
    for slug, line in comps.items():
        rec.components[slug] = ComponentFact(slug, Pos(path, line, 5, f"components.{slug}"))
    if datasets:
        rec.datasets.append(Dataset(Fact("Dolma", Pos(path, 20, 11, "data.datasets[0].name")),
                                    Fact("https://huggingface.co/datasets/allenai/dolma", Pos(path, 21, 13))))
    return rec


def classification(rec: ModelRecord, verdict: SimpleNamespace, mof_result: SimpleNamespace) -> Classification:
    comp = {slug: verdict for slug in rec.components}
    osaid = osaid_status(rec, lambda slug: comp.get(slug))
    level = openness_level(rec, rec.weights_license(), verdict, osaid.meets)
    return Classification(level, mof_result, osaid, verdict, rec.weights_license(), comp, [])


ALL_CODE_AND_DOCS = {slug: 5 + i for i, slug in enumerate(c.slug for c in C.COMPONENTS)}

RULE_OPEN = RuleInfo("production-open-source", "Production models are open source",
                     "Models labelled stage=production must reach the open-source level.",
                     "Release training code and data information under open terms, or change the stage label.",
                     level="error", help_uri="https://opensource.org/ai/open-source-ai-definition",
                     tags=("openness", "osaid"), source="policy.yaml")
RULE_CLAUSE = RuleInfo("no-competitor-training", "No competitor-training clause",
                       "The weights licence must not forbid training other models.",
                       "Pick a model whose licence allows using outputs to train other models.",
                       level="error", tags=("licence",), source="policy.yaml")
RULE_NAMING = RuleInfo("naming-clause", "Naming duty", "The licence requires a 'Built with' notice.",
                       "Show 'Built with Llama' in the product.", level="note", source="builtin:eu-ai-act")
RULE_INVALID = RuleInfo("manifest-invalid", "Manifest is invalid", "The manifest does not match its schema.",
                        "Fix the manifest so it validates.", level="error", tags=("manifest",), source="builtin")
RULE_DATA = RuleInfo("training-data-summary", "Training-data summary published",
                     "GPAI providers publish a training-content summary (EU AI Act Art. 53(1)(d)).",
                     "Add data.training_summary with the URL of the public summary.", level="warning",
                     help_uri="https://eur-lex.europa.eu/eli/reg/2024/1689/oj", tags=("eu-ai-act", "regulatory"),
                     source="builtin:eu-ai-act-gpai", effective="2025-08-02")


def basic() -> Report:
    llama = record("models/llama.openness.yaml", "Llama-ish 8B", comps={C.WEIGHTS: 9, C.INFERENCE_CODE: 11,
                                                                        C.ARCHITECTURE: 12},
                   weights_line=8, license_value="llama3.1")
    olmo = record("models/olmo.openness.yaml", "OLMo 7B", comps=ALL_CODE_AND_DOCS, weights_line=4,
                  license_value="Apache-2.0", datasets=True)
    llama_v = lic("Llama-3.1", term="llama3.1", osi=False, clauses=("naming", "acceptable-use-policy", "user-cap"))
    models = [
        ModelResult(olmo, classification(olmo, lic("Apache-2.0", osi=True), mof(1, {1: 100.0, 2: 100.0, 3: 100.0}))),
        ModelResult(llama, classification(llama, llama_v, mof(0, {1: 0.0, 2: 0.0, 3: 100 / 3},
                                                              {3: ("model-card", "data-card", "technical-report")}))),
    ]
    lp = llama.path
    findings = [
        Finding(RULE_OPEN, "error", "Llama-ish 8B is open-weights; production needs open-source",
                Pos(lp, 1, 1), lp, "Llama-ish 8B"),
        Finding(RULE_NAMING, "note", "licence llama3.1 requires a naming notice (Sec. 1.b.i)",
                Pos(lp, 3, 10, "license"), lp, "Llama-ish 8B", properties={"clause": "naming"}),
        Finding(RULE_DATA, "warning", "no public training-content summary", Pos(lp, 1, 1, "data.training_summary"),
                lp, "Llama-ish 8B", properties={"fix": "add data.training_summary: <url>"}),
        Finding(RULE_INVALID, "error", "expected a mapping at the top level", Pos("models/broken.openness.yaml", 2, 1),
                "models/broken.openness.yaml"),
    ]
    suppressed = [Finding(RULE_CLAUSE, "error", "licence llama3.1 forbids training other models",
                          Pos(lp, 3, 10, "license"), lp, "Llama-ish 8B",
                          suppressed_by="exception: legal approved until the Q3 migration")]
    rules = {r.id: r for r in (RULE_OPEN, RULE_CLAUSE, RULE_NAMING, RULE_DATA)}
    return Report(findings, suppressed, models, rules, files=3,
                  notices=["policy.yaml changed in this pull request; the base commit's policy was used"],
                  fail_on="error", tool_version="0.1.0")


TRICKY_PATHS = ("models/my model.openness.yaml", "models/100%/x.openness.yaml", "models/#1.openness.yaml",
                "models/modèle-é.openness.yaml", "models/line\nbreak.yaml", "C:odd/colon.yaml")


def tricky() -> Report:
    """Hostile paths, messages and rule texts; every suppression kind; empty rule texts."""
    bare = RuleInfo("bare-rule", "", "", "", level="warning",
                    tags=tuple(f"t{i}" for i in range(15)) + ("", "t1"))
    pipes = RuleInfo("pipes", "Title with | pipe", "Line one\nline two", "Use `x | y`", level="note",
                     help_uri="https://example.org/a?b=c&d=e")
    findings = [Finding(bare, "warning", "bad value | <b>not bold</b> *x* _y_ [z](u)\nsecond line", Pos(p, 3, 2, "a.b"),
                        p, f"model {i}") for i, p in enumerate(TRICKY_PATHS)]
    findings.append(Finding(pipes, "error", "level raised by policy", Pos("models/zero.yaml", 0, 0), "models/zero.yaml"))
    suppressed = [
        Finding(pipes, "note", "waived inline", Pos("models/a.yaml", 4, 3), "models/a.yaml", "A",
                suppressed_by="inline: vendor | confirmed\nin writing"),
        Finding(pipes, "note", "in the baseline", Pos("models/a.yaml", 5, 3), "models/a.yaml", "A", key="2",
                suppressed_by="baseline"),
    ]
    return Report(findings, suppressed, [], {}, files=len(TRICKY_PATHS) + 1, tool_version="0.1.0")


def empty() -> Report:
    olmo = record("olmo.openness.yaml", "OLMo 7B", comps=ALL_CODE_AND_DOCS, weights_line=4,
                  license_value="Apache-2.0", datasets=True)
    result = ModelResult(olmo, classification(olmo, lic("Apache-2.0", osi=True), mof(1, {1: 100.0, 2: 100.0, 3: 100.0})))
    return Report([], [], [result], {RULE_OPEN.id: RULE_OPEN}, files=1, tool_version="0.1.0")


def many(errors: int, warnings: int, notes: int) -> Report:
    """Lots of findings on one manifest, interleaved so severity order differs from file order."""
    levels = ["note"] * notes + ["warning"] * warnings + ["error"] * errors
    rules = {lvl: RuleInfo(f"rule-{lvl}", f"A {lvl}", f"A {lvl} rule.", "Fix it.", level=lvl) for lvl in set(levels)}
    findings = [Finding(rules[lvl], lvl, f"{lvl} number {i}", Pos("m.yaml", i + 1, 1), "m.yaml", "M", key=str(i))
                for i, lvl in enumerate(levels)]
    return Report(findings, [], [], {r.id: r for r in rules.values()}, files=1, tool_version="0.1.0")


CASES = {"basic": basic, "tricky": tricky, "empty": empty}
