"""What a contact's channel subscriptions do to the message events recorded for it.

Unsubscribe-then-send: a SENT event on a channel the contact had left when the message went out
(at or after the unsubscription) is stored as BLOCKED_UNSUBSCRIBED. It shows in the activity
timeline and in the delivery denominator, never as delivered: any event about a blocked message
(delivered, read, clicked, replied, bounced, failed), in the same batch or a later one, is rejected
with a CONFLICT. A send that went out before the unsubscription, merely reported later, stays SENT.

A channel first used by a message gets a SUBSCRIBED row (address: the one the event named, else
the contact's e-mail or phone), so the profile lists the channel with its last event.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel, MessageEventType, SubscriptionStatus
from domain.errors import DomainError
from domain.ingest.common import Conflict
from domain.repositories import ingest as repo
from domain.rollups import NewMessageEvent

SENT = MessageEventType.SENT
BLOCKED = MessageEventType.BLOCKED_UNSUBSCRIBED
SENDS = frozenset({SENT, BLOCKED})


@dataclass(frozen=True)
class Located:
    """An event whose contact is known, with the normalised address it named (if it named one)."""

    event: NewMessageEvent
    address: str | None


def _send_type(occurred_at: datetime, stored: set[MessageEventType], unsubscribed_at: datetime | None) -> MessageEventType:
    # A message already on record keeps its verdict, so a replayed batch stays a duplicate even if
    # the contact's subscription changed in between.
    if SENT in stored:
        return SENT
    if BLOCKED in stored:
        return BLOCKED
    if unsubscribed_at is not None and occurred_at >= unsubscribed_at:
        return BLOCKED
    return SENT


def _blocked_conflict(e: NewMessageEvent) -> Conflict:
    return Conflict(
        f"message {e.message_id!r} was blocked because the contact unsubscribed from {e.channel.value}; "
        f"it cannot be {e.type.value}",
        field="messageId",
    )


async def screen(
    session: AsyncSession, *, workspace_id: int, located: Mapping[int, Located]
) -> tuple[dict[int, NewMessageEvent], dict[int, DomainError]]:
    """The events to store (sends to unsubscribed channels turned into blocked ones), and the refused ones."""
    subs = await repo.subscription_states(
        session, workspace_id=workspace_id, contact_ids={x.event.contact_id for x in located.values()}
    )
    left = {key: at for key, (status, at) in subs.items() if status == SubscriptionStatus.UNSUBSCRIBED}
    stored = await repo.stored_send_types(
        session, workspace_id=workspace_id, message_ids={x.event.message_id for x in located.values()}
    )
    final: dict[int, NewMessageEvent] = {}
    for i, x in located.items():
        e = x.event
        if e.type == SENT:
            kind = _send_type(e.occurred_at, stored.get(e.message_id, set()), left.get((e.contact_id, e.channel)))
            e = NewMessageEvent(e.contact_id, e.channel, kind, e.message_id, e.occurred_at)
        final[i] = e

    def sends_of(kind: MessageEventType) -> set[str]:
        return {m for m, types in stored.items() if kind in types} | {e.message_id for e in final.values() if e.type == kind}

    blocked = sends_of(BLOCKED) - sends_of(SENT)
    refused: dict[int, DomainError] = {}
    for i, e in list(final.items()):
        if e.type not in SENDS and e.message_id in blocked:
            refused[i] = _blocked_conflict(final.pop(i))
    await _open_channels(session, workspace_id, {i: located[i] for i in final}, set(subs))
    return final, refused


async def _open_channels(
    session: AsyncSession, workspace_id: int, landing: Mapping[int, Located], known: set[tuple[int, Channel]]
) -> None:
    first_use: dict[tuple[int, Channel], Located] = {}
    for x in landing.values():
        key = (x.event.contact_id, x.event.channel)
        if key in known:
            continue
        # The earliest event dates the subscription; an address the event named beats the contact's own.
        current = first_use.get(key)
        if current is None or x.event.occurred_at < current.event.occurred_at:
            first_use[key] = Located(x.event, x.address or (current.address if current else None))
        elif current.address is None and x.address is not None:
            first_use[key] = Located(current.event, x.address)
    if not first_use:
        return
    unaddressed = {contact_id for (contact_id, _), x in first_use.items() if x.address is None}
    own = await repo.contact_addresses(session, workspace_id=workspace_id, ids=unaddressed)
    rows = []
    for (contact_id, channel), x in first_use.items():
        email, phone = own.get(contact_id, (None, None))
        address = x.address or (email if channel == Channel.EMAIL else phone)
        if address is not None:  # nothing to show for a channel whose address nobody knows
            rows.append({"contact_id": contact_id, "channel": channel, "address": address, "changed_at": x.event.occurred_at})
    await repo.add_subscriptions(session, workspace_id=workspace_id, rows=rows)
