"""Batched reads of what a contact profile shows: one statement per batch of contacts."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from domain.db import RequestSession, key_limit
from domain.enums import Channel, TicketStatus
from domain.metrics import COUNTERS, Counters
from domain.models import (
    ChannelSubscription,
    ContactChannelDaily,
    ContactItem,
    ContactList,
    ContactListMember,
    ContactTag,
    Conversation,
    CustomFieldDefinition,
    CustomFieldValue,
    Group,
    GroupMember,
    Item,
    MessageEvent,
    Note,
    NpsResponse,
    Tag,
    Ticket,
)
from domain.repositories.paging import Page, cursor_key, cursor_time, decode_cursor, encode_cursor, first_n_per_parent
from domain.satisfaction import ScoredConversation

_MEMBERSHIP = {
    "tags": (ContactTag, Tag, "tag_id"),
    "lists": (ContactListMember, ContactList, "list_id"),
    "groups": (GroupMember, Group, "group_id"),
}


async def memberships_by_contact(
    session: RequestSession, kind: str, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Tags, lists or groups of many contacts, each contact's sorted by name."""
    membership, entity, column = _MEMBERSHIP[kind]
    rows = await session.all(
        select(membership.contact_id, entity)
        .join(entity, entity.id == getattr(membership, column))
        .where(
            membership.workspace_id == workspace_id,
            entity.workspace_id == workspace_id,
            membership.contact_id.in_(contact_ids),
        )
        .order_by(entity.name, entity.id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for contact_id, obj in rows:
        grouped[contact_id].append(obj)
    return grouped


async def channels_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, list[ChannelSubscription]]:
    rows = await session.scalars(
        select(ChannelSubscription)
        .where(ChannelSubscription.workspace_id == workspace_id, ChannelSubscription.contact_id.in_(contact_ids))
        .order_by(ChannelSubscription.contact_id, ChannelSubscription.id)
    )
    grouped: dict[int, list[ChannelSubscription]] = defaultdict(list)
    for sub in rows:
        grouped[sub.contact_id].append(sub)
    order = list(Channel)
    for subs in grouped.values():
        subs.sort(key=lambda s: order.index(s.channel))
    return grouped


async def custom_fields_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, list[tuple[CustomFieldDefinition, CustomFieldValue]]]:
    rows = await session.all(
        select(CustomFieldDefinition, CustomFieldValue)
        .join(CustomFieldValue, CustomFieldValue.field_id == CustomFieldDefinition.id)
        .where(CustomFieldValue.workspace_id == workspace_id, CustomFieldValue.contact_id.in_(contact_ids))
        .order_by(CustomFieldDefinition.position, CustomFieldDefinition.key)
    )
    grouped: dict[int, list[tuple[CustomFieldDefinition, CustomFieldValue]]] = defaultdict(list)
    for definition, value in rows:
        grouped[value.contact_id].append((definition, value))
    return grouped


async def notes_pages(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], first: int, offset: int
) -> dict[int, Page[Any]]:
    stmt = select(Note.id, Note.body, Note.created_at, Note.author_user_id, Note.contact_id).where(
        Note.workspace_id == workspace_id, Note.contact_id.in_(contact_ids)
    )
    return await first_n_per_parent(
        session, stmt, parent=Note.contact_id, order_by=[Note.created_at.desc(), Note.id.desc()], first=first, offset=offset
    )


async def items_pages(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], first: int, offset: int
) -> dict[int, Page[Any]]:
    stmt = (
        select(
            ContactItem.contact_id,
            ContactItem.interactions,
            ContactItem.last_interaction_at,
            Item.id.label("item_id"),
            Item.name.label("item_name"),
            Item.external_id.label("item_external_id"),
        )
        .join(Item, Item.id == ContactItem.item_id)
        .where(ContactItem.workspace_id == workspace_id, ContactItem.contact_id.in_(contact_ids))
    )
    return await first_n_per_parent(
        session,
        stmt,
        parent=ContactItem.contact_id,
        order_by=[ContactItem.last_interaction_at.desc(), ContactItem.item_id.desc()],
        first=first,
        offset=offset,
    )


async def activity_pages(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], first: int, after: str | None
) -> dict[int, Page[Any]]:
    """Newest message events first; the cursor is the (time, id) of the last event shown."""
    where = [MessageEvent.workspace_id == workspace_id, MessageEvent.contact_id.in_(contact_ids)]
    if after is not None:
        payload = decode_cursor(after)
        at, last_id = cursor_time(payload, "t"), cursor_key(payload, "i", limit=key_limit(MessageEvent))
        where.append(
            or_(MessageEvent.occurred_at < at, and_(MessageEvent.occurred_at == at, MessageEvent.id < last_id))
        )
    stmt = select(
        MessageEvent.id, MessageEvent.channel, MessageEvent.type, MessageEvent.occurred_at, MessageEvent.message_id
    ).where(*where)
    pages = await first_n_per_parent(
        session,
        stmt,
        parent=MessageEvent.contact_id,
        order_by=[MessageEvent.occurred_at.desc(), MessageEvent.id.desc()],
        first=first,
    )
    # Keyset cursors survive new events arriving, unlike offsets.
    return {
        key: Page(
            items=p.items,
            cursors=[encode_cursor({"t": r.occurred_at.isoformat(), "i": r.id}) for r in p.items],
            has_next_page=p.has_next_page,
        )
        for key, p in pages.items()
    }


async def latest_nps_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, Any]:
    stmt = select(NpsResponse.score, NpsResponse.comment, NpsResponse.responded_at).where(
        NpsResponse.workspace_id == workspace_id, NpsResponse.contact_id.in_(contact_ids)
    )
    pages = await first_n_per_parent(
        session,
        stmt,
        parent=NpsResponse.contact_id,
        order_by=[NpsResponse.responded_at.desc(), NpsResponse.id.desc()],
        first=1,
    )
    return {key: p.items[0] for key, p in pages.items() if p.items}


async def ticket_counts_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, dict[TicketStatus, int]]:
    rows = await session.all(
        select(Ticket.contact_id, Ticket.status, func.count())
        .where(Ticket.workspace_id == workspace_id, Ticket.contact_id.in_(contact_ids))
        .group_by(Ticket.contact_id, Ticket.status)
    )
    grouped: dict[int, dict[TicketStatus, int]] = defaultdict(dict)
    for contact_id, status, n in rows:
        grouped[contact_id][status] = int(n)
    return grouped


async def channel_counters_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], since: date
) -> dict[int, dict[Channel, Counters]]:
    """Sums of the daily rollups from `since` (inclusive) per contact and channel."""
    sums = [func.sum(getattr(ContactChannelDaily, name)).label(name) for name in COUNTERS]
    rows = await session.all(
        select(ContactChannelDaily.contact_id, ContactChannelDaily.channel, *sums)
        .where(
            ContactChannelDaily.workspace_id == workspace_id,
            ContactChannelDaily.contact_id.in_(contact_ids),
            ContactChannelDaily.day >= since,
        )
        .group_by(ContactChannelDaily.contact_id, ContactChannelDaily.channel)
    )
    grouped: dict[int, dict[Channel, Counters]] = defaultdict(dict)
    for row in rows:
        grouped[row.contact_id][row.channel] = Counters(**{name: int(getattr(row, name) or 0) for name in COUNTERS})
    return grouped


async def conversations_since_by_contact(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], since: datetime
) -> dict[int, list[ScoredConversation]]:
    rows = await session.all(
        select(
            Conversation.contact_id,
            Conversation.started_at,
            Conversation.customer_replied,
            Conversation.satisfaction_label,
            Conversation.p_satisfied,
            Conversation.p_neutral,
            Conversation.p_dissatisfied,
            Conversation.model_version,
            Conversation.analyzed_at,
        ).where(
            Conversation.workspace_id == workspace_id,
            Conversation.contact_id.in_(contact_ids),
            Conversation.started_at >= since,
        )
    )
    grouped: dict[int, list[ScoredConversation]] = defaultdict(list)
    for r in rows:
        grouped[r.contact_id].append(
            ScoredConversation(
                started_at=r.started_at,
                customer_replied=r.customer_replied,
                label=r.satisfaction_label,
                p_satisfied=r.p_satisfied,
                p_neutral=r.p_neutral,
                p_dissatisfied=r.p_dissatisfied,
                model_version=r.model_version,
                analyzed_at=r.analyzed_at,
            )
        )
    return grouped
