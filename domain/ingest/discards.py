"""Message events that discard their contact, and what a discard does to later sends.

A hard bounce (BOUNCED with bounce HARD), a spam complaint (COMPLAINED) and a failure for an
invalid address (FAILED with failure INVALID_ADDRESS) make the contact DISCARDED with the matching
discardReason (HARD_BOUNCE, SPAM_COMPLAINT, INVALID_ADDRESS), in the transaction that records the
event, with an audit entry naming the message. A soft bounce, a bounce that names no kind and any
other failure discard nobody. A contact already discarded keeps its first reason. The channel and
address of the discarding event are kept on the contact: reactivating a hard-bounced or invalid
contact asks for a changed address, or `force` (domain.services.contact_edit).
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import UtcDateTime, enum_type
from domain.enums import AuditAction, AuditSource, BounceType, Channel, DiscardReason, FailureReason, MessageEventType
from domain.models import ChannelSubscription, Contact, MessageEvent
from domain.policies import Principal
from domain.rollups import NewMessageEvent
from domain.repositories import audit as audit_repo
from domain.repositories.batch_rows import batch_rows
from domain.services import audit

# A discard reason dated "always" (a discarded contact stored without its discard time).
_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def discard_reason_of(event: NewMessageEvent) -> DiscardReason | None:
    if event.type == MessageEventType.BOUNCED and event.detail == BounceType.HARD.value:
        return DiscardReason.HARD_BOUNCE
    if event.type == MessageEventType.COMPLAINED:
        return DiscardReason.SPAM_COMPLAINT
    if event.type == MessageEventType.FAILED and event.detail == FailureReason.INVALID_ADDRESS.value:
        return DiscardReason.INVALID_ADDRESS
    return None


def _earliest_discards(events: Iterable[NewMessageEvent]) -> dict[int, NewMessageEvent]:
    """Per contact, its earliest event that discards (the one whose reason it gets)."""
    found: dict[int, NewMessageEvent] = {}
    for e in events:
        if discard_reason_of(e) is not None:
            current = found.get(e.contact_id)
            if current is None or e.occurred_at < current.occurred_at:
                found[e.contact_id] = e
    return found


async def discard_times(session: AsyncSession, workspace_id: int, events: Sequence[NewMessageEvent]) -> dict[int, datetime]:
    """{contact id: the moment from which a send to it is blocked}: when it was discarded, or the
    earliest event of this batch that discards it."""
    ids = {e.contact_id for e in events}
    if not ids:
        return {}
    rows = (await session.execute(
        select(Contact.id, Contact.discarded_at).where(
            Contact.workspace_id == workspace_id, Contact.id.in_(ids), Contact.discard_reason.is_not(None)
        )
    )).all()
    times = {r.id: r.discarded_at or _LONG_AGO for r in rows}
    discarding = [e for e in events if discard_reason_of(e) is not None]
    if discarding:
        # A discarding event sent again (already stored) discards nobody again: the contact may have
        # been reactivated since, and its new sends are real ones.
        stored = set((await session.execute(
            select(MessageEvent.message_id, MessageEvent.type).where(
                MessageEvent.workspace_id == workspace_id,
                MessageEvent.message_id.in_({e.message_id for e in discarding}),
            )
        )).all())
        fresh = [e for e in discarding if (e.message_id, e.type) not in stored]
        for contact_id, e in _earliest_discards(fresh).items():
            times[contact_id] = min(times.get(contact_id, e.occurred_at), e.occurred_at)
    return times


async def apply_discards(
    session: AsyncSession, *, principal: Principal, events: Sequence[NewMessageEvent], now: datetime
) -> None:
    """Discard the contacts that `events` (just stored) discard, unless they are discarded already."""
    earliest = _earliest_discards(events)
    if not earliest:
        return
    ws = principal.workspace_id
    channels = (await session.execute(
        select(ChannelSubscription.contact_id, ChannelSubscription.channel, ChannelSubscription.address).where(
            ChannelSubscription.workspace_id == ws, ChannelSubscription.contact_id.in_(earliest)
        )
    )).all()
    addresses = {(r.contact_id, r.channel): r.address for r in channels}
    own = {r.id: (r.email, r.phone) for r in (await session.execute(
        select(Contact.id, Contact.email, Contact.phone).where(Contact.workspace_id == ws, Contact.id.in_(earliest))
    )).all()}
    discards = []
    for contact_id, e in sorted(earliest.items()):
        email, phone = own.get(contact_id, (None, None))
        address = addresses.get((contact_id, e.channel)) or (email if e.channel == Channel.EMAIL else phone)
        discards.append((contact_id, discard_reason_of(e), e.occurred_at, e.channel.value, address))
    # One statement for the batch; RETURNING names the contacts it discarded (the others were already).
    given = await batch_rows(
        session, "discards",
        [("id", Integer()), ("reason", enum_type(DiscardReason)), ("at", UtcDateTime()), ("channel", String()),
         ("address", String())],
        discards,
    )
    changed = set((await session.execute(
        update(Contact)
        .where(Contact.workspace_id == ws, Contact.id == given.c.id, Contact.discard_reason.is_(None))
        .values(discard_reason=given.c.reason, discarded_at=given.c.at, discard_channel=given.c.channel,
                discard_address=given.c.address, updated_at=now)
        .returning(Contact.id)
    )).scalars())
    # One entry per contact discarded now (one already discarded keeps its first reason), in one write.
    await audit_repo.write_entries(
        session, workspace_id=ws, actor_user_id=principal.user_id, at=now, source=AuditSource.API,
        entries=[
            (contact_id, AuditAction.CONTACT_DISCARDED, [
                *audit.diff({"discard_reason": None}, {"discard_reason": discard_reason_of(e)}),
                {"field": "message", "old": None, "new": f"{e.channel.value} {e.type.value} {e.message_id}"},
            ])
            for contact_id, e in sorted(earliest.items()) if contact_id in changed
        ],
    )
