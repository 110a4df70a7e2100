"""How a contact's satisfaction index and interaction rate follow from its conversations.

The index aggregates the stored classifier results of the contact's conversations that started in
the window: the class probabilities are averaged, the label is the most probable class and the
confidence is that class's mean probability. With no scored conversation there is no index (null),
never an invented one.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.enums import SatisfactionLabel


@dataclass(frozen=True)
class ScoredConversation:
    started_at: datetime
    customer_replied: bool
    label: SatisfactionLabel | None
    p_satisfied: float | None
    p_neutral: float | None
    p_dissatisfied: float | None
    model_version: str | None
    analyzed_at: datetime | None


@dataclass(frozen=True)
class ContactSatisfaction:
    label: SatisfactionLabel
    confidence: float
    interaction_rate: float | None
    model_version: str | None
    analyzed_at: datetime | None
    conversations_analyzed: int


def interaction_rate(conversations: Sequence[ScoredConversation]) -> float | None:
    """Share of the conversations in which the contact replied; null without conversations."""
    if not conversations:
        return None
    return sum(1 for c in conversations if c.customer_replied) / len(conversations)


def aggregate(conversations: Sequence[ScoredConversation]) -> ContactSatisfaction | None:
    scored = [c for c in conversations if c.label is not None and c.p_satisfied is not None]
    if not scored:
        return None
    n = len(scored)
    means = {
        SatisfactionLabel.SATISFIED: sum(c.p_satisfied or 0.0 for c in scored) / n,
        SatisfactionLabel.NEUTRAL: sum(c.p_neutral or 0.0 for c in scored) / n,
        SatisfactionLabel.DISSATISFIED: sum(c.p_dissatisfied or 0.0 for c in scored) / n,
    }
    label = max(means, key=lambda k: means[k])
    latest = max(scored, key=lambda c: c.analyzed_at or c.started_at)
    return ContactSatisfaction(
        label=label,
        confidence=means[label],
        interaction_rate=interaction_rate(conversations),
        model_version=latest.model_version,
        analyzed_at=latest.analyzed_at,
        conversations_analyzed=n,
    )
