"""The 17 Model Openness Framework components, exactly as the Model Openness Tool names them.

Facts from the MOT's ``mof.settings.yml`` (research/mof.md §3). Model files refer to components by
their exact English name; our native format also accepts the stable slug.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Component:
    id: int  # the MOT's internal numeric id
    name: str  # exact MOT name (case-sensitive)
    slug: str  # our stable identifier
    content_type: str  # code | data | document
    mof_class: int  # 3, 2 or 1: the class that first needs it
    required: bool


COMPONENTS: tuple[Component, ...] = (
    Component(9, "Model architecture", "model-architecture", "code", 3, True),
    Component(10, "Model parameters (Final)", "model-parameters-final", "data", 3, True),
    Component(12, "Evaluation results", "evaluation-results", "document", 3, True),
    Component(13, "Model card", "model-card", "document", 3, True),
    Component(14, "Data card", "data-card", "document", 3, True),
    Component(11, "Technical report", "technical-report", "document", 3, True),
    Component(20, "Sample model outputs", "sample-model-outputs", "document", 3, False),
    Component(7, "Training code", "training-code", "code", 2, True),
    Component(8, "Inference code", "inference-code", "code", 2, True),
    Component(18, "Evaluation code", "evaluation-code", "code", 2, True),
    Component(19, "Evaluation data", "evaluation-data", "data", 2, True),
    Component(22, "Supporting libraries and tools", "supporting-libraries-and-tools", "code", 2, False),
    Component(15, "Datasets", "datasets", "data", 1, True),
    Component(16, "Data preprocessing code", "data-preprocessing-code", "code", 1, True),
    Component(24, "Model parameters (Intermediate)", "model-parameters-intermediate", "data", 1, True),
    Component(21, "Research paper", "research-paper", "document", 1, True),
    Component(17, "Model metadata", "model-metadata", "data", 1, False),
)

BY_SLUG: dict[str, Component] = {c.slug: c for c in COMPONENTS}
BY_NAME: dict[str, Component] = {c.name: c for c in COMPONENTS}
BY_ID: dict[int, Component] = {c.id: c for c in COMPONENTS}

# Slugs the rest of the code refers to by meaning.
WEIGHTS = "model-parameters-final"
ARCHITECTURE = "model-architecture"
TRAINING_CODE = "training-code"
INFERENCE_CODE = "inference-code"
DATA_PREPROCESSING_CODE = "data-preprocessing-code"
DATASETS = "datasets"
DATA_CARD = "data-card"
TECHNICAL_REPORT = "technical-report"
RESEARCH_PAPER = "research-paper"


def lookup(name_or_slug: str) -> Component | None:
    """Find a component by exact MOT name or by slug; None when unknown (never a guess)."""
    return BY_NAME.get(name_or_slug) or BY_SLUG.get(name_or_slug)
