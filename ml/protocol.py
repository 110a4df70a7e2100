"""What a satisfaction model is to the rest of Rapport: a batch of conversations in, verdicts out.

Any object with a `version` and a `predict` of this shape can serve, including a custom model named
by an import spec (`SATISFACTION_MODEL=package.module:factory`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ml.conversation import Conversation
from ml.labels import LABELS


@dataclass(frozen=True, slots=True)
class TermWeight:
    """One feature behind a label: a term of the conversation and how much it pushed towards it."""

    term: str
    weight: float


@dataclass(frozen=True, slots=True)
class Prediction:
    label: str
    probabilities: Mapping[str, float]
    version: str
    # None when the model cannot say why; otherwise the strongest terms for `label`, strongest first.
    explanation: tuple[TermWeight, ...] | None = None

    @property
    def confidence(self) -> float:
        return self.probabilities[self.label]


class PredictionError(ValueError):
    """A model returned something that is not a verdict over the three labels."""


def checked(prediction: Prediction, *, version: str) -> Prediction:
    """Validate a (possibly custom) model's verdict before anything stores or shows it."""
    probs = dict(prediction.probabilities)
    if prediction.label not in LABELS or set(probs) != set(LABELS):
        raise PredictionError(f"model {version} returned label {prediction.label!r} with probabilities for {sorted(probs)}")
    if any(not 0.0 <= p <= 1.0 for p in probs.values()) or abs(sum(probs.values()) - 1.0) > 1e-3:
        raise PredictionError(f"model {version} returned probabilities that are not a distribution: {probs}")
    return prediction


@runtime_checkable
class SatisfactionModel(Protocol):
    version: str

    def predict(self, conversations: Sequence[Conversation]) -> list[Prediction]:
        """One prediction per conversation, in order. Each conversation holds at least one customer turn."""
        ...


@runtime_checkable
class TurnScoringModel(SatisfactionModel, Protocol):
    """A model that judges every customer turn of a conversation in one pass (the default model does).

    `ml.serving.ModelServer.score` uses it when a model offers it; any other model gets the whole
    conversations and every prefix as one `predict` batch.
    """

    def predict_turns(self, conversations: Sequence[Conversation]) -> list[tuple[Prediction, dict[int, Prediction]] | None]:
        """Per conversation, (its verdict, {position: verdict} for each customer turn), or None when
        the customer never wrote."""
        ...
