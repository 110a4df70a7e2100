"""Recording the message events messaging pipelines send in.

A batch is judged event by event, like the rows of an import: valid events land, each invalid one
is reported with its index and stored nowhere. Only a batch larger than MAX_BATCH, or a caller who
may not ingest, is refused as a whole. Every event is idempotent on (message id, type), so sending
a batch again stores nothing and counts each event as a duplicate.

What a contact's subscriptions do to its events (unsubscribe-then-send, channels first used) is
decided in domain.ingest.channels.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.enums import BounceType, Channel, FailureReason, MessageEventType
from domain.errors import DomainError, InvalidInput
from domain.ingest.addresses import Target, normalise_address, resolve
from domain.ingest.channels import Located, screen
from domain.ingest.discards import apply_discards
from domain.ingest.common import past_instant
from domain.policies import Action, Principal, authorize
from domain.rollups import NewMessageEvent, record_message_events

MAX_BATCH = 1000
MAX_MESSAGE_ID = 200


@dataclass(frozen=True)
class EventInput:
    message_id: str
    channel: Channel
    type: MessageEventType
    occurred_at: datetime
    contact_id: int | None = None
    address: str | None = None
    # BOUNCED: HARD or SOFT; FAILED: why (INVALID_ADDRESS discards the contact). Other types: neither.
    bounce: BounceType | None = None
    failure: FailureReason | None = None
    # A problem the API layer already found (an unreadable contact id): the event is rejected with it.
    problem: DomainError | None = None


@dataclass(frozen=True)
class Rejection:
    index: int
    error: DomainError

    @property
    def field(self) -> str:
        return f"events.{self.index}.{self.error.field}" if self.error.field else f"events.{self.index}"


@dataclass(frozen=True)
class EventsOutcome:
    """accepted + duplicates + rejected always equals the number of events sent."""

    accepted: int
    duplicates: int
    rejections: tuple[Rejection, ...]

    @property
    def rejected(self) -> int:
        return len(self.rejections)


@dataclass(frozen=True)
class _Checked:
    message_id: str
    channel: Channel
    type: MessageEventType
    occurred_at: datetime
    target: Target
    detail: str | None


def _check(event: EventInput, now: datetime) -> _Checked:
    """The event with its fields normalised; raises the first problem found in it."""
    if event.problem is not None:
        raise event.problem
    message_id = (event.message_id or "").strip()
    if not message_id:
        raise InvalidInput("an event needs the id of its message", field="messageId")
    if len(message_id) > MAX_MESSAGE_ID:
        raise InvalidInput(f"a message id is at most {MAX_MESSAGE_ID} characters", field="messageId")
    occurred_at = past_instant(event.occurred_at, now=now, field="occurredAt")
    if event.bounce is not None and event.type != MessageEventType.BOUNCED:
        raise InvalidInput("only a BOUNCED event says whether the bounce was HARD or SOFT", field="bounce")
    if event.failure is not None and event.type != MessageEventType.FAILED:
        raise InvalidInput("only a FAILED event says why it failed", field="failure")
    if event.type in (MessageEventType.BLOCKED_UNSUBSCRIBED, MessageEventType.BLOCKED_DISCARDED):
        raise InvalidInput("blocked sends are Rapport's verdict on a SENT event: send SENT", field="type")
    given = event.bounce or event.failure
    detail = None if given is None else given.value
    if event.contact_id is not None:
        # The id names the contact; an address sent along is only the pipeline's own note.
        target = Target(event.contact_id, event.channel, None)
    elif event.address is not None and event.address.strip():
        target = Target(None, event.channel, normalise_address(event.channel, event.address))
    else:
        raise InvalidInput("name the contact: give its id or its address on the channel", field="contactId")
    return _Checked(message_id, event.channel, event.type, occurred_at, target, detail)


async def record_events(
    *, session: RequestSession, principal: Principal, events: Sequence[EventInput], now: datetime
) -> EventsOutcome:
    """Store a batch of message events and every rollup they move, in one transaction."""
    authorize(principal, Action.INGEST)
    if len(events) > MAX_BATCH:
        raise InvalidInput(
            f"a batch holds at most {MAX_BATCH} events, this one has {len(events)}: split it", field="events"
        )
    rejections: list[Rejection] = []
    checked: dict[int, _Checked] = {}
    for i, event in enumerate(events):
        try:
            checked[i] = _check(event, now)
        except DomainError as exc:
            rejections.append(Rejection(i, exc))
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        contacts = await resolve(session.raw, workspace_id=ws, targets={i: c.target for i, c in checked.items()})
        located: dict[int, Located] = {}
        for i, c in checked.items():
            who = contacts[i]
            if isinstance(who, DomainError):
                rejections.append(Rejection(i, who))
            else:
                as_sent = NewMessageEvent(who, c.channel, c.type, c.message_id, c.occurred_at, c.detail)
                located[i] = Located(as_sent, c.target.address)
        final, refused = await screen(session.raw, workspace_id=ws, located=located)
        rejections += [Rejection(i, error) for i, error in refused.items()]
        result = await record_message_events(
            session.raw, workspace_id=ws, events=[final[i] for i in sorted(final)], now=now
        )
        await apply_discards(session.raw, principal=principal, events=result.fresh, now=now)
    rejections.sort(key=lambda r: r.index)
    return EventsOutcome(accepted=result.accepted, duplicates=result.duplicates, rejections=tuple(rejections))
