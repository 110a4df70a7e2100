"""What a contact profile shows besides the contact's own columns."""

from collections import namedtuple
from datetime import date, datetime
from typing import Any

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.access.types import User
from api.types.catalog import Group, maybe
from api.types.enums import (
    BounceType, Channel, ConsentBasis, ConsentSource, CustomFieldType, FailureReason, MessageEventType, NpsCategory, SatisfactionLabel,
    SubscriptionStatus,
)
from api.types.node import Node
from domain import satisfaction as satisfaction_rules
from domain.enums import CustomFieldType as FieldType
from domain.enums import SubscriptionStatus as DomainStatus
from domain.nps import nps_category


@strawberry.type
class Assignment:
    agent: User | None
    group: Group | None


@strawberry.type
class ChannelEvent:
    type: MessageEventType
    occurred_at: datetime


@strawberry.type(description="Bounces of the messages sent on a channel (a bounce that named no kind counts as soft).")
class ChannelBounces:
    hard: int
    soft: int
    last_at: datetime | None


async def _load_user(info: Info, user_id: int) -> User | None:
    return maybe(User.from_row, await info.context.loaders.user_by_id.load(user_id))


@strawberry.type(description="The latest consent on record for a channel. An unsubscription keeps it, as the "
                 "record of what was withdrawn; the contact's history holds every earlier one.")
class ChannelConsent:
    basis: ConsentBasis
    source: ConsentSource
    at: datetime = strawberry.field(description="When the person gave it.")
    text: str | None = strawberry.field(description="The wording the person agreed to, when one was recorded.")
    by_id: strawberry.Private[int | None] = None

    @strawberry.field(description="Who recorded it; null for an import by the CLI or an inbound message.")
    def recorded_by(self, info: Info) -> User | None:
        return None if self.by_id is None else _load_user(info, self.by_id)


@strawberry.type(description="Who took a contact off a channel, when and why.")
class ChannelUnsubscription:
    at: datetime
    reason: str | None
    by_id: strawberry.Private[int | None] = None

    @strawberry.field(description="Who unsubscribed it; null when the person did (e.g. a STOP reply) or a system did.")
    def by(self, info: Info) -> User | None:
        return None if self.by_id is None else _load_user(info, self.by_id)


@strawberry.type(description="The contact's address and subscription on one channel.")
class ChannelSubscription:
    channel: Channel
    status: SubscriptionStatus
    address: str
    changed_at: datetime
    reason: str | None
    last_event: ChannelEvent | None
    bounces: ChannelBounces
    consent: ChannelConsent | None = strawberry.field(
        description="The consent on record (basis, source, when, who, wording); null when none was recorded."
    )
    unsubscribed: ChannelUnsubscription | None = strawberry.field(
        description="When, by whom and why the channel was left; null while SUBSCRIBED."
    )
    changed_by_id: strawberry.Private[int | None] = None

    @strawberry.field(description="Who last changed the subscription by hand (e.g. unsubscribed it); null otherwise.")
    def changed_by(self, info: Info) -> User | None:
        if self.changed_by_id is None:
            return None
        return _load_user(info, self.changed_by_id)

    @classmethod
    def from_row(cls, row: Any) -> "ChannelSubscription":
        last = None
        if row.last_event_type is not None and row.last_event_at is not None:
            last = ChannelEvent(type=row.last_event_type, occurred_at=row.last_event_at)
        return cls(
            channel=row.channel,
            status=row.status,
            address=row.address,
            changed_at=row.changed_at,
            reason=row.reason,
            last_event=last,
            bounces=ChannelBounces(hard=row.hard_bounces or 0, soft=row.soft_bounces or 0, last_at=row.last_bounce_at),
            consent=None if row.consent_basis is None else ChannelConsent(
                basis=row.consent_basis, source=row.consent_source, at=row.consent_at, text=row.consent_text,
                by_id=row.consent_by_user_id,
            ),
            unsubscribed=None if row.status != DomainStatus.UNSUBSCRIBED else ChannelUnsubscription(
                at=row.changed_at, reason=row.reason, by_id=row.changed_by_user_id,
            ),
            changed_by_id=row.changed_by_user_id,
        )


def _format_value(field_type: FieldType, value: Any) -> str | None:
    if field_type in (FieldType.TEXT, FieldType.CHOICE):
        return value.value_text
    if field_type == FieldType.NUMBER:
        number = value.value_number
        if number is None:
            return None
        return str(int(number)) if float(number).is_integer() else repr(float(number))
    if field_type == FieldType.DATE:
        return value.value_date.isoformat() if isinstance(value.value_date, date) else None
    if field_type == FieldType.BOOLEAN:
        return None if value.value_bool is None else ("true" if value.value_bool else "false")
    raise AssertionError(f"unknown custom field type {field_type}")


@strawberry.type(description="A custom field's value, written as text (numbers plain, dates ISO, booleans true/false).")
class CustomFieldValue:
    key: str
    label: str
    type: CustomFieldType
    value: str | None

    @classmethod
    def from_row(cls, row: Any) -> "CustomFieldValue":
        """`row`: the definition's key, label and type with the value's columns (see domain.reads.parts)."""
        return cls(key=row.key, label=row.label, type=row.type, value=_format_value(row.type, row))


@strawberry.type
class Note(Node):
    body: str
    created_at: datetime
    author_id: strawberry.Private[int | None]
    # The author as the read planner fetched it with the note (None: not fetched, load it by id).
    author_row: strawberry.Private[Any] = None

    @strawberry.field
    def author(self, info: Info) -> User | None:
        # Sync when the planner read the author with the note (a profile's notes); an awaitable otherwise.
        if self.author_id is None:
            return None
        if self.author_row is not None:
            return User.from_row(self.author_row)
        return _load_user(info, self.author_id)

    @classmethod
    def from_row(cls, row: Any) -> "Note":
        author = None
        if getattr(row, "author_id", None) is not None:
            author = _AuthorRow(
                id=row.author_id, name=row.author_name, email=row.author_email, role=row.author_role,
                created_at=row.author_created_at, deactivated_at=row.author_deactivated_at,
            )
        return cls(
            id=to_global_id("Note", row.id), body=row.body, created_at=row.created_at, author_id=row.author_user_id,
            author_row=author,
        )


_AuthorRow = namedtuple("_AuthorRow", "id name email role created_at deactivated_at")


@strawberry.type(description="The contact's latest NPS answer.")
class Happiness:
    score: int
    category: NpsCategory
    comment: str | None
    responded_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> "Happiness":
        return cls(
            score=row.score, category=nps_category(row.score), comment=row.comment, responded_at=row.responded_at
        )


@strawberry.type(description="The satisfaction index inferred from the contact's conversations in the window.")
class Satisfaction:
    label: SatisfactionLabel
    confidence: float
    interaction_rate: float | None
    model_version: str | None
    analyzed_at: datetime | None
    conversations_analyzed: int

    @classmethod
    def from_domain(cls, s: satisfaction_rules.ContactSatisfaction) -> "Satisfaction":
        return cls(
            label=s.label,
            confidence=s.confidence,
            interaction_rate=s.interaction_rate,
            model_version=s.model_version,
            analyzed_at=s.analyzed_at,
            conversations_analyzed=s.conversations_analyzed,
        )


@strawberry.type
class TicketCounts:
    open: int
    resolved: int
    all: int


@strawberry.type
class Item(Node):
    name: str
    external_id: str

    @classmethod
    def from_row(cls, row: Any) -> "Item":
        return cls(id=to_global_id("Item", row.id), name=row.name, external_id=row.external_id)


@strawberry.type(description="How the contact interacted with one item.")
class ContactItem:
    item: Item
    interactions: int
    last_interaction_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> "ContactItem":
        return cls(
            item=Item(id=to_global_id("Item", row.item_id), name=row.item_name, external_id=row.item_external_id),
            interactions=row.interactions,
            last_interaction_at=row.last_interaction_at,
        )


@strawberry.type(description="One message event in the contact's activity timeline.")
class ActivityEvent(Node):
    channel: Channel
    type: MessageEventType
    occurred_at: datetime
    message_id: str
    bounce: BounceType | None = strawberry.field(description="BOUNCED: HARD or SOFT, when the pipeline said.")
    failure: FailureReason | None = strawberry.field(description="FAILED: why, when the pipeline said.")

    @classmethod
    def from_row(cls, row: Any) -> "ActivityEvent":
        return cls(
            id=to_global_id("ActivityEvent", row.id),
            channel=row.channel,
            type=row.type,
            occurred_at=row.occurred_at,
            message_id=row.message_id,
            bounce=BounceType(row.detail) if row.type == MessageEventType.BOUNCED and row.detail else None,
            failure=FailureReason(row.detail) if row.type == MessageEventType.FAILED and row.detail else None,
        )
