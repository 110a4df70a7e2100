"""The satisfaction classifier as the API shows it: predictions, model versions and rescore jobs."""

from datetime import datetime

import strawberry

from api.ids import to_global_id
from api.types.enums import SatisfactionLabel, TurnRole
from api.types.jobs import JobStatus
from api.types.node import Node
from domain import models
from domain.enums import SatisfactionLabel as Label
from domain.services.satisfaction_models import ModelListing
from ml.serving import Prediction, Scored


@strawberry.type(description="A term of the conversation and how strongly it pushed towards the label.")
class TermWeight:
    term: str = strawberry.field(
        description="Prefixed by whose words they are: `customer:`, `agent:` or `customer earlier:`."
    )
    weight: float


@strawberry.type
class LabelProbability:
    label: SatisfactionLabel
    probability: float


# Every list of probabilities the API returns is in this order.
LABEL_ORDER = (Label.SATISFIED, Label.NEUTRAL, Label.DISSATISFIED)


def probabilities(values: dict[str, float]) -> list[LabelProbability]:
    return [LabelProbability(label=label, probability=values[label.value]) for label in LABEL_ORDER]


def explanation(terms: object) -> list[TermWeight] | None:
    """From a verdict's TermWeights or the stored [[term, weight], ...]; null when the model gave none."""
    if terms is None:
        return None
    out = []
    for item in terms:  # type: ignore[attr-defined]
        term, weight = (item.term, item.weight) if hasattr(item, "term") else (item[0], item[1])
        out.append(TermWeight(term=term, weight=weight))
    return out


@strawberry.type(description="The verdict on one customer turn, judged on the conversation up to it.")
class TurnPrediction:
    index: int = strawberry.field(description="Position of the turn in the `turns` given, from 0.")
    role: TurnRole
    label: SatisfactionLabel
    confidence: float
    probabilities: list[LabelProbability]


@strawberry.type(description="A classification of the turns given; nothing is stored.")
class SatisfactionPrediction:
    label: SatisfactionLabel
    confidence: float = strawberry.field(description="The probability of `label`.")
    probabilities: list[LabelProbability]
    model_version: str
    explanation: list[TermWeight] | None = strawberry.field(description="Null when the model cannot explain itself.")
    turns: list[TurnPrediction] = strawberry.field(
        description="One verdict per customer turn, so a client can see where satisfaction changed."
    )

    @classmethod
    def from_scored(cls, scored: Scored) -> "SatisfactionPrediction":
        verdict: Prediction = scored.conversation
        return cls(
            label=Label(verdict.label),
            confidence=verdict.confidence,
            probabilities=probabilities(dict(verdict.probabilities)),
            model_version=verdict.version,
            explanation=explanation(verdict.explanation),
            turns=[
                TurnPrediction(
                    index=i, role=TurnRole.CUSTOMER, label=Label(p.label), confidence=p.confidence,
                    probabilities=probabilities(dict(p.probabilities)),
                )
                for i, p in sorted(scored.turns.items())
            ],
        )


@strawberry.type
class ModelMetric:
    name: str
    value: float


@strawberry.type(name="SatisfactionModel", description="A version of the satisfaction classifier.")
class SatisfactionModelVersion:
    version: str
    active: bool = strawberry.field(description="Whether this version scores your workspace's conversations now.")
    created_at: datetime | None
    trained_on: str | None = strawberry.field(description="The data it was trained on; null for a custom model.")
    level: str | None = strawberry.field(description="turn or conversation: what one training example was.")
    metrics: list[ModelMetric] = strawberry.field(description="Figures on the part of its data held out from training.")

    @classmethod
    def from_listing(cls, m: ModelListing) -> "SatisfactionModelVersion":
        created = datetime.fromisoformat(m.created_at) if m.created_at else None
        return cls(
            version=m.version, active=m.active, created_at=created, trained_on=m.trained_on, level=m.level,
            metrics=[ModelMetric(name=k, value=float(v)) for k, v in m.metrics.items()],
        )


@strawberry.type(description="Relabels your stored conversations with the active model; poll it through `node(id:)`.")
class SatisfactionRescoreJob(Node):
    pk: strawberry.Private[int]
    status: JobStatus
    model_version: str
    total: int = strawberry.field(description="Conversations when the job was queued.")
    processed: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None

    @classmethod
    def from_row(cls, row: models.Job) -> "SatisfactionRescoreJob":
        return cls(
            pk=row.id, id=to_global_id("SatisfactionRescoreJob", row.id), status=row.status,
            model_version=str(row.params.get("version", "")), total=row.total, processed=row.processed,
            created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at, error=row.error,
        )
