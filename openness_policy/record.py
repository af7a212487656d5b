"""The canonical model record that every manifest format maps into.

Every value is a :class:`Fact`: the value, where it came from (:class:`Pos`), and how we know it
(declared in the manifest, detected from a file, inherited from a base model, or a default).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openness_policy import components as C
from openness_policy.sourcemap import Pos

HOW = ("declared", "detected", "inherited", "default", "derived")
LICENSE_SLOTS = ("distribution", "code", "data", "document")
WEIGHTS_STATES = ("yes", "gated", "no", "unknown")


@dataclass(slots=True)
class Fact:
    value: Any
    pos: Pos
    how: str = "declared"
    note: str = ""


@dataclass(slots=True)
class ComponentFact:
    """A MOF component the manifest says is included.

    ``license`` is None when the manifest gives no licence key (inherit from the global licences);
    a Fact with value ``""`` or ``"unlicensed"`` means "included, no licence".
    """

    slug: str
    pos: Pos
    license: Fact | None = None
    location: Fact | None = None


@dataclass(slots=True)
class Dataset:
    name: Fact
    source: Fact | None = None
    license: Fact | None = None


@dataclass(slots=True)
class BaseModel:
    ref: Fact  # a model id, name or repository path
    relation: Fact | None = None  # finetune | adapter | quantized | merge
    path: Fact | None = None  # repository path of the base's manifest, when the format gives one


@dataclass(slots=True)
class Problem:
    """Something wrong with the manifest itself, found while loading it."""

    rule: str  # a built-in rule id, e.g. "manifest-invalid"
    message: str
    pos: Pos
    level: str = "error"
    fix: str = ""


@dataclass(slots=True)
class Suppression:
    rule: str
    reason: str
    pos: Pos
    expires: str | None = None


@dataclass
class ModelRecord:
    path: str  # the manifest, as a display path
    format: str
    pos: Pos  # the model's root mapping
    name: Fact | None = None
    version: Fact | None = None
    labels: dict[str, Fact] = field(default_factory=dict)
    components: dict[str, ComponentFact] = field(default_factory=dict)
    licenses: dict[str, Fact] = field(default_factory=dict)  # global: distribution/code/data/document
    weights_available: Fact | None = None  # yes | gated | no | unknown
    gated: Fact | None = None
    excluded_regions: list[Fact] = field(default_factory=list)
    data_disclosure: Fact | None = None  # none | described | named | complete
    datasets: list[Dataset] = field(default_factory=list)
    training_summary: Fact | None = None  # a public training-content summary (URL)
    lineage: list[BaseModel] = field(default_factory=list)
    evaluation: list[Fact] = field(default_factory=list)
    regulatory: dict[str, Fact] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)  # format-specific extras kept as evidence
    anchors: dict[str, Pos] = field(default_factory=dict)  # where sections start ("regulatory", "data", ...)
    inherited_licenses: list[Fact] = field(default_factory=list)  # weights licences of bases in this repository
    index: int = 0  # position of this record among the file's records (a BOM may hold several)

    @property
    def display_name(self) -> str:
        return str(self.name.value) if self.name and self.name.value not in (None, "") else self.path

    def component_license(self, slug: str) -> tuple[Fact | None, str]:
        """The licence that applies to an included component, resolved as the MOT does.

        Component key → the global licence for its content type → the distribution licence.
        Returns ``(fact, how)`` where ``how`` names the source; ``(None, "none")`` when unlicensed.
        """
        comp = self.components.get(slug)
        if comp is None:
            return None, "missing"
        if comp.license is not None:
            value = comp.license.value
            if value in (None, "", "unlicensed"):
                return None, "none"
            return comp.license, "component"
        ctype = C.BY_SLUG[slug].content_type
        for slot in (ctype, "distribution"):
            fact = self.licenses.get(slot)
            if fact is not None and fact.value not in (None, ""):
                return fact, f"global:{slot}"
        return None, "none"

    def weights_license(self) -> Fact | None:
        """The licence of the final parameters, if any applies."""
        if C.WEIGHTS in self.components:
            return self.component_license(C.WEIGHTS)[0]
        for slot in ("data", "distribution"):
            fact = self.licenses.get(slot)
            if fact is not None and fact.value not in (None, ""):
                return fact
        return None

    def anchor(self, path: str) -> Pos:
        """Where a missing field should be reported: its nearest section that exists, else the root."""
        section, more = path, True
        while more:  # the path, then each prefix ending before a "." (longest first)
            pos = self.anchors.get(section)
            if pos is not None:
                return Pos(pos.file, pos.line, pos.col, path)
            section, more, _ = section.rpartition(".")
        return Pos(self.pos.file, self.pos.line, self.pos.col, path)

    def field(self, path: str) -> Fact | None:
        """A canonical field by dotted path, for ``fields`` requirements and templates.

        ``name``, ``version``, ``labels.<k>``, ``regulatory.<k>``, ``components.<slug>``,
        ``licenses.<slot>``, ``weights.available``, ``weights.license``, ``data.disclosure``,
        ``data.datasets``, ``data.training_summary``, ``lineage``, ``evaluation``, ``access.gated``.
        """
        head, _, rest = path.partition(".")
        if head in ("name", "version") and not rest:
            return getattr(self, head)
        if head in ("labels", "regulatory", "licenses") and rest:
            return getattr(self, head).get(rest)
        if head == "components" and rest:
            comp = self.components.get(rest)
            return Fact(True, comp.pos) if comp else None
        listish = {
            "data.datasets": self.datasets, "lineage": self.lineage, "evaluation": self.evaluation,
        }.get(path)
        if listish:
            first = listish[0]
            pos = first.pos if isinstance(first, Fact) else (first.name.pos if isinstance(first, Dataset) else first.ref.pos)
            return Fact(len(listish), pos)
        return {
            "weights.available": self.weights_available, "weights.license": self.weights_license(),
            "data.disclosure": self.data_disclosure, "data.training_summary": self.training_summary,
            "access.gated": self.gated,
        }.get(path)
