"""Conversations with their turns, and the classifier's stored verdict on each (null until scored)."""

from datetime import datetime
from typing import Any

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.enums import Channel, SatisfactionLabel, TurnRole
from api.types.node import Node
from api.types.satisfaction import LabelProbability, TermWeight, explanation
from domain.enums import SatisfactionLabel as Label


@strawberry.type(description="The classifier's verdict on one conversation, as stored when it was scored.")
class ConversationSatisfaction:
    label: SatisfactionLabel
    confidence: float = strawberry.field(description="The probability of `label`.")
    probabilities: list[LabelProbability]
    model_version: str | None
    analyzed_at: datetime | None
    explanation: list[TermWeight] | None = strawberry.field(
        description="The terms behind the label, strongest first; null when the model cannot explain itself."
    )

    @classmethod
    def from_row(cls, row: Any) -> "ConversationSatisfaction | None":
        """Null unless a model stored a label and its probabilities: never an invented verdict."""
        stored = {Label.SATISFIED: row.p_satisfied, Label.NEUTRAL: row.p_neutral, Label.DISSATISFIED: row.p_dissatisfied}
        if row.satisfaction_label is None or stored[row.satisfaction_label] is None:
            return None
        return cls(
            label=row.satisfaction_label,
            confidence=stored[row.satisfaction_label],
            probabilities=[LabelProbability(label=k, probability=v) for k, v in stored.items() if v is not None],
            model_version=row.model_version,
            analyzed_at=row.analyzed_at,
            explanation=explanation(getattr(row, "satisfaction_explanation", None)),
        )


@strawberry.type
class TurnSatisfaction:
    label: SatisfactionLabel
    confidence: float | None


@strawberry.type(description="One message of a conversation, by the customer or by an agent.")
class ConversationTurn:
    role: TurnRole
    text: str
    at: datetime | None
    satisfaction: TurnSatisfaction | None

    @classmethod
    def from_row(cls, row: Any) -> "ConversationTurn":
        verdict = None
        if row.satisfaction_label is not None:
            verdict = TurnSatisfaction(label=row.satisfaction_label, confidence=row.satisfaction_confidence)
        return cls(role=row.role, text=row.text, at=row.at, satisfaction=verdict)


@strawberry.type(description="A conversation between a contact and the workspace on one channel.")
class Conversation(Node):
    pk: strawberry.Private[int]
    external_id: str
    channel: Channel
    started_at: datetime
    last_turn_at: datetime | None
    turn_count: int
    customer_replied: bool = strawberry.field(description="Whether the contact wrote at least once.")
    satisfaction: ConversationSatisfaction | None = strawberry.field(
        description="Null until a classifier has scored the conversation."
    )

    @strawberry.field(description="In the order spoken.")
    async def turns(self, info: Info) -> list[ConversationTurn]:
        rows = await info.context.loaders.turns_by_conversation.load(self.pk)
        return [ConversationTurn.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: Any) -> "Conversation":
        return cls(
            pk=row.id,
            id=to_global_id("Conversation", row.id),
            external_id=row.external_id,
            channel=row.channel,
            started_at=row.started_at,
            last_turn_at=row.last_turn_at,
            turn_count=row.turn_count,
            customer_replied=row.customer_replied,
            satisfaction=ConversationSatisfaction.from_row(row),
        )
