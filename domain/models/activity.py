"""Raw message events and the daily per-channel counters rolled up from them on write."""

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.db import BigIntKey, UtcDateTime, enum_type
from domain.enums import Channel, MessageEventType


class MessageEvent(SQLModel, table=True):
    __tablename__ = "message_event"
    __table_args__ = (
        # Ingestion is idempotent on (message id, event type) within a workspace.
        UniqueConstraint("workspace_id", "message_id", "type", name="uq_message_event"),
        Index("ix_message_event_contact_time", "contact_id", "occurred_at", "id"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntKey, primary_key=True, autoincrement=True))
    workspace_id: int = Field(foreign_key="workspace.id")
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    channel: Channel = Field(sa_column=Column(enum_type(Channel), nullable=False))
    type: MessageEventType = Field(sa_column=Column(enum_type(MessageEventType), nullable=False))
    message_id: str = Field(sa_type=String(200))
    occurred_at: datetime = Field(sa_type=UtcDateTime)
    recorded_at: datetime = Field(sa_type=UtcDateTime)
    # BOUNCED: HARD or SOFT (None: the pipeline did not say; counted as soft); FAILED: a FailureReason.
    detail: str | None = Field(default=None, sa_type=String(32))


class ContactChannelDaily(SQLModel, table=True):
    """Per contact, channel and UTC day: how many messages reached each stage.

    Metrics windows sum at most (days x channels) rows per contact instead of scanning events.
    """

    __tablename__ = "contact_channel_daily"

    contact_id: int = Field(foreign_key="contact.id", primary_key=True, ondelete="CASCADE")
    channel: Channel = Field(sa_column=Column(enum_type(Channel), primary_key=True))
    day: date = Field(sa_column=Column(Date, primary_key=True))
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    replied: int = 0
    bounced: int = 0
    failed: int = 0
    blocked: int = 0
    complained: int = 0
