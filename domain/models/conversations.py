"""Conversations with their turns, and the classifier's stored verdict on each."""

from datetime import datetime

from typing import Any

from sqlalchemy import JSON, Column, Float, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.db import BigIntKey, UtcDateTime, enum_type
from domain.enums import Channel, SatisfactionLabel, TurnRole


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id", name="uq_conversation_external"),
        Index("ix_conversation_contact_time", "contact_id", "started_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    external_id: str = Field(sa_type=String(200))
    channel: Channel = Field(sa_column=Column(enum_type(Channel), nullable=False))
    language: str | None = Field(default=None, sa_type=String(8))
    started_at: datetime = Field(sa_type=UtcDateTime)
    last_turn_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Whether the contact wrote at least once: the basis of the interaction rate.
    customer_replied: bool = False
    turn_count: int = 0
    # Stored classifier result; all null until a model has scored the conversation.
    satisfaction_label: SatisfactionLabel | None = Field(
        default=None, sa_column=Column(enum_type(SatisfactionLabel), nullable=True)
    )
    p_satisfied: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    p_neutral: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    p_dissatisfied: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
    model_version: str | None = Field(default=None, sa_type=String(100))
    analyzed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # The terms behind the label as [[term, weight], ...], strongest first; null if the model cannot say.
    satisfaction_explanation: list[Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ConversationTurn(SQLModel, table=True):
    __tablename__ = "conversation_turn"
    __table_args__ = (Index("ix_conversation_turn_conv", "conversation_id", "seq"),)

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True, autoincrement=True))
    workspace_id: int = Field(foreign_key="workspace.id")
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    seq: int
    role: TurnRole = Field(sa_column=Column(enum_type(TurnRole), nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    satisfaction_label: SatisfactionLabel | None = Field(
        default=None, sa_column=Column(enum_type(SatisfactionLabel), nullable=True)
    )
    satisfaction_confidence: float | None = Field(default=None, sa_column=Column(Float, nullable=True))
