"""A contact's address and subscription on each messaging channel."""

from datetime import datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.db import UtcDateTime, enum_type
from domain.enums import Channel, ConsentBasis, ConsentSource, MessageEventType, SubscriptionStatus


class ChannelSubscription(SQLModel, table=True):
    __tablename__ = "channel_subscription"
    __table_args__ = (
        UniqueConstraint("contact_id", "channel", name="uq_channel_subscription"),
        # Ingestion finds contacts by the address a message went to.
        Index("ix_channel_subscription_address", "workspace_id", "channel", "address"),
        # The contacts module's channel filter (e.g. unsubscribed from WHATSAPP) and its counts.
        Index("ix_channel_subscription_state", "workspace_id", "channel", "status", "contact_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    contact_id: int = Field(foreign_key="contact.id", ondelete="CASCADE")
    channel: Channel = Field(sa_column=Column(enum_type(Channel), nullable=False))
    address: str = Field(sa_type=String(320))
    status: SubscriptionStatus = Field(sa_column=Column(enum_type(SubscriptionStatus), nullable=False))
    changed_at: datetime = Field(sa_type=UtcDateTime)
    reason: str | None = Field(default=None, sa_type=String(500))
    changed_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # The latest consent on record for this channel (domain.consent): its legal basis, where it came
    # from, when the person gave it, who recorded it and the wording they agreed to. An unsubscription
    # keeps it, as the record of what was withdrawn.
    consent_basis: ConsentBasis | None = Field(default=None, sa_column=Column(enum_type(ConsentBasis), nullable=True))
    consent_source: ConsentSource | None = Field(
        default=None, sa_column=Column(enum_type(ConsentSource), nullable=True)
    )
    consent_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    consent_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    consent_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Rollup kept on write: the latest message event on this channel.
    last_event_type: MessageEventType | None = Field(
        default=None, sa_column=Column(enum_type(MessageEventType), nullable=True)
    )
    last_event_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    # Rollups kept on write: bounces of messages on this channel (a BOUNCED event that named no kind
    # counts as soft), and the latest one.
    hard_bounces: int = 0
    soft_bounces: int = 0
    last_bounce_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
