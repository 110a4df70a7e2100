"""What a contact's channel subscriptions and discards do to the message events recorded for it.

Unsubscribe-then-send: a SENT event on a channel the contact had left when the message went out
(at or after the unsubscription) is stored as BLOCKED_UNSUBSCRIBED. Discard-then-send: a SENT event
for a contact that was DISCARDED when the message went out (suspended, hard-bounced, complained,
invalid address; at or after its discard, or after an event of the same batch that discards it) is
stored as BLOCKED_DISCARDED. A blocked send shows in the activity timeline and in the delivery
denominator, never as delivered: any event about a blocked message (delivered, read, clicked,
replied, bounced, failed, complained), in the same batch or a later one, is rejected with a
CONFLICT. A send that went out before the unsubscription or discard, merely reported later, stays SENT.

Events that discard (domain.ingest.discards): a hard bounce, a complaint, a failure for an invalid
address. Soft bounces and other failures do not.

A channel first used by a message gets a SUBSCRIBED row (address: the one the event named, else
the contact's e-mail or phone), so the profile lists the channel with its last event. WHATSAPP and
RCS need the person's opt-in: only an inbound message (REPLIED) opens them, and a channel an inbound
message opens records that as its consent (source INBOUND_MESSAGE; domain.consent). Outbound events
on a WHATSAPP or RCS channel the contact has no row for are stored (activity, metrics) without
opening it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.consent import OPT_IN_CHANNELS, inbound
from domain.enums import Channel, MessageEventType, SubscriptionStatus
from domain.repositories.channel_addresses import NO_CONSENT
from domain.errors import DomainError
from domain.ingest.common import Conflict
from domain.ingest.discards import discard_times
from domain.repositories import ingest as repo
from domain.rollups import NewMessageEvent

SENT = MessageEventType.SENT
BLOCKED = MessageEventType.BLOCKED_UNSUBSCRIBED
BLOCKED_DISCARDED = MessageEventType.BLOCKED_DISCARDED
BLOCKED_KINDS = (BLOCKED, BLOCKED_DISCARDED)
SENDS = frozenset({SENT, *BLOCKED_KINDS})


@dataclass(frozen=True)
class Located:
    """An event whose contact is known, with the normalised address it named (if it named one)."""

    event: NewMessageEvent
    address: str | None


def _send_type(
    occurred_at: datetime, stored: set[MessageEventType], unsubscribed_at: datetime | None,
    discarded_at: datetime | None,
) -> MessageEventType:
    # A message already on record keeps its verdict, so a replayed batch stays a duplicate even if
    # the contact's subscription or discard changed in between.
    for kind in (SENT, *BLOCKED_KINDS):
        if kind in stored:
            return kind
    if unsubscribed_at is not None and occurred_at >= unsubscribed_at:
        return BLOCKED
    if discarded_at is not None and occurred_at >= discarded_at:
        return BLOCKED_DISCARDED
    return SENT


def _blocked_conflict(e: NewMessageEvent, kind: MessageEventType) -> Conflict:
    why = f"the contact unsubscribed from {e.channel.value}" if kind == BLOCKED else "the contact was discarded"
    return Conflict(f"message {e.message_id!r} was blocked because {why}; it cannot be {e.type.value}", field="messageId")


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
    discarded = await discard_times(session, workspace_id, [x.event for x in located.values()])
    final: dict[int, NewMessageEvent] = {}
    for i, x in located.items():
        e = x.event
        if e.type == SENT:
            kind = _send_type(e.occurred_at, stored.get(e.message_id, set()), left.get((e.contact_id, e.channel)),
                              discarded.get(e.contact_id))
            e = replace(e, type=kind)
        final[i] = e

    def sends_of(kind: MessageEventType) -> set[str]:
        return {m for m, types in stored.items() if kind in types} | {e.message_id for e in final.values() if e.type == kind}

    sent = sends_of(SENT)
    blocked = {kind: sends_of(kind) - sent for kind in BLOCKED_KINDS}
    refused: dict[int, DomainError] = {}
    for i, e in list(final.items()):
        if e.type in SENDS:
            continue
        for kind, messages in blocked.items():
            if e.message_id in messages:
                refused[i] = _blocked_conflict(final.pop(i), kind)
                break
    await _open_channels(session, workspace_id, {i: located[i] for i in final}, set(subs))
    return final, refused


async def _open_channels(
    session: AsyncSession, workspace_id: int, landing: Mapping[int, Located], known: set[tuple[int, Channel]]
) -> None:
    first_use: dict[tuple[int, Channel], Located] = {}
    for x in landing.values():
        key = (x.event.contact_id, x.event.channel)
        if key in known or (x.event.channel in OPT_IN_CHANNELS and x.event.type != MessageEventType.REPLIED):
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
            opened_by_person = x.event.type == MessageEventType.REPLIED
            consent = inbound(x.event.occurred_at).columns() if opened_by_person else NO_CONSENT
            rows.append({"contact_id": contact_id, "channel": channel, "address": address,
                         "changed_at": x.event.occurred_at, **consent})
    await repo.add_subscriptions(session, workspace_id=workspace_id, rows=rows)
