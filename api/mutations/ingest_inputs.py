"""The inputs messaging pipelines, helpdesks, surveys and catalogues send to the ingestion mutations."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import strawberry

from api.types.enums import BounceType, Channel, FailureReason, MessageEventType, TicketStatus, TurnRole


@strawberry.input(description="One message event. Name the contact by `contactId`, or by `address` on the channel.")
class MessageEventInput:
    message_id: str = strawberry.field(description="Your id of the message; with `type` it makes the event idempotent.")
    channel: Channel
    type: MessageEventType
    occurred_at: datetime = strawberry.field(description="Without an offset, taken as UTC.")
    contact_id: strawberry.ID | None = strawberry.field(default=None, description="Wins over `address` when both are given.")
    address: str | None = strawberry.field(
        default=None, description="EMAIL: the e-mail address; SMS, WHATSAPP, RCS: the phone in international format."
    )
    bounce: BounceType | None = strawberry.field(
        default=None, description="BOUNCED only: HARD discards the contact (discardReason HARD_BOUNCE); SOFT, or "
        "nothing said, does not."
    )
    failure: FailureReason | None = strawberry.field(
        default=None, description="FAILED only: INVALID_ADDRESS discards the contact (discardReason INVALID_ADDRESS)."
    )


# GraphQL name -> Python name of MessageEventInput's fields.
_EVENT_FIELDS = {
    "messageId": "message_id", "channel": "channel", "type": "type", "occurredAt": "occurred_at",
    "contactId": "contact_id", "address": "address", "bounce": "bounce", "failure": "failure",
}


def _event_from_input(cls: type, value: Mapping[str, Any], context: Any) -> Any:
    """Build a MessageEventInput straight from the value graphql-core coerced.

    Its fields are scalars and enums that graphql-core has already parsed (datetimes, enum members),
    which Strawberry's generic conversion would only pass through, field by field: for a batch of
    1,000 events that walk cost more than storing them. Strawberry's hook for inputs that build
    their own value (`from_input`) does the same in one call per event.
    """
    return cls(**{python: value[name] for name, python in _EVENT_FIELDS.items() if name in value})


_definition = MessageEventInput.__strawberry_definition__  # type: ignore[attr-defined]
# A field added to the input must be added above too, or its value would be dropped here.
assert set(_EVENT_FIELDS.values()) == {f.python_name for f in _definition.fields}, "MessageEventInput changed"
_definition.from_input = _event_from_input


@strawberry.input(description="One turn of a conversation.")
class TurnInput:
    role: TurnRole
    text: str
    at: datetime | None = None


@strawberry.input
class ConversationInput:
    external_id: str = strawberry.field(description="Your id of the conversation: recording it again changes nothing.")
    contact_id: strawberry.ID
    channel: Channel
    started_at: datetime
    turns: list[TurnInput]


@strawberry.input(description="Send the ticket again whenever it changes: the record with the same externalId is updated.")
class TicketInput:
    external_id: str
    contact_id: strawberry.ID
    subject: str
    status: TicketStatus
    opened_at: datetime
    resolved_at: datetime | None = strawberry.field(
        default=None, description="Only with status RESOLVED; if omitted, the time the resolution is first recorded."
    )


@strawberry.input
class NpsResponseInput:
    external_id: str = strawberry.field(description="Your id of the answer: recording it again changes nothing.")
    contact_id: strawberry.ID
    score: int = strawberry.field(description="0 to 10.")
    responded_at: datetime
    comment: str | None = None


@strawberry.input
class ItemInteractionInput:
    contact_id: strawberry.ID
    item_external_id: str = strawberry.field(description="Your id of the item; an unknown one creates the item.")
    occurred_at: datetime
    item_name: str | None = strawberry.field(default=None, description="Renames the item when it differs.")
