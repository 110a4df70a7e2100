"""SQL of ingestion: finding the contacts records name, and idempotent inserts. Scoped to one workspace."""

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import case, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel, MessageEventType, SubscriptionStatus
from domain.models import ChannelSubscription, Contact, ContactItem, ConversationTurn, Item, ItemInteraction, MessageEvent
from domain.repositories.upsert import dialect_insert

M = TypeVar("M")


async def insert_or_get(
    session: AsyncSession, model: type[M], values: Mapping[str, Any], *, unique: Sequence[str]
) -> tuple[M, bool]:
    """Insert a row unless one with the same unique key exists; (the stored row, whether it is new).

    ON CONFLICT DO NOTHING keeps two concurrent deliveries of one record from failing each other.
    """
    table = model.__table__  # type: ignore[attr-defined]
    stmt = (
        dialect_insert(session, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(table.c.id)
    )
    new_id = (await session.execute(stmt)).scalar()
    row = await session.scalar(select(model).where(*(table.c[c] == values[c] for c in unique)))
    assert row is not None, "the row was just inserted or already there"
    return row, new_id is not None


async def contact_addresses(
    session: AsyncSession, *, workspace_id: int, ids: Collection[int]
) -> dict[int, tuple[str | None, str | None]]:
    """{contact id: (e-mail, phone)} for the ids that are contacts of the workspace."""
    if not ids:
        return {}
    rows = (
        await session.execute(
            select(Contact.id, Contact.email, Contact.phone).where(Contact.workspace_id == workspace_id, Contact.id.in_(ids))
        )
    ).all()
    return {r.id: (r.email, r.phone) for r in rows}


async def contacts_by_email_or_phone(
    session: AsyncSession, *, workspace_id: int, emails: Collection[str], phones: Collection[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """({e-mail: contact id}, {phone: contact id}) for the normalised addresses that belong to a contact."""
    conditions = []
    if emails:
        conditions.append(Contact.email.in_(emails))
    if phones:
        conditions.append(Contact.phone.in_(phones))
    if not conditions:
        return {}, {}
    rows = (
        await session.execute(
            select(Contact.id, Contact.email, Contact.phone).where(Contact.workspace_id == workspace_id, or_(*conditions))
        )
    ).all()
    by_email = {r.email: r.id for r in rows if r.email in emails}
    by_phone = {r.phone: r.id for r in rows if r.phone in phones}
    return by_email, by_phone


async def subscription_owners(
    session: AsyncSession, *, workspace_id: int, addresses: Collection[tuple[Channel, str]]
) -> dict[tuple[Channel, str], set[int]]:
    """Contacts whose subscription on a channel uses the address (several contacts may share one)."""
    if not addresses:
        return {}
    wanted = set(addresses)
    rows = (
        await session.execute(
            select(ChannelSubscription.contact_id, ChannelSubscription.channel, ChannelSubscription.address).where(
                ChannelSubscription.workspace_id == workspace_id,
                ChannelSubscription.address.in_({address for _, address in wanted}),
            )
        )
    ).all()
    owners: dict[tuple[Channel, str], set[int]] = defaultdict(set)
    for r in rows:
        if (r.channel, r.address) in wanted:
            owners[(r.channel, r.address)].add(r.contact_id)
    return owners


async def subscription_states(
    session: AsyncSession, *, workspace_id: int, contact_ids: Collection[int]
) -> dict[tuple[int, Channel], tuple[SubscriptionStatus, datetime]]:
    """{(contact, channel): (status, when it last changed)} for every channel the contacts have a row for."""
    if not contact_ids:
        return {}
    rows = (
        await session.execute(
            select(
                ChannelSubscription.contact_id,
                ChannelSubscription.channel,
                ChannelSubscription.status,
                ChannelSubscription.changed_at,
            ).where(ChannelSubscription.workspace_id == workspace_id, ChannelSubscription.contact_id.in_(contact_ids))
        )
    ).all()
    return {(r.contact_id, r.channel): (r.status, r.changed_at) for r in rows}


async def add_subscriptions(session: AsyncSession, *, workspace_id: int, rows: Sequence[Mapping[str, Any]]) -> None:
    """SUBSCRIBED rows for channels first used; a row that appeared meanwhile is left as it is."""
    if not rows:
        return
    values = [{"workspace_id": workspace_id, "status": SubscriptionStatus.SUBSCRIBED, **r} for r in rows]
    await session.execute(
        dialect_insert(session, ChannelSubscription.__table__)
        .values(values)
        .on_conflict_do_nothing(index_elements=["contact_id", "channel"])
    )


async def stored_send_types(
    session: AsyncSession, *, workspace_id: int, message_ids: Collection[str]
) -> dict[str, set[MessageEventType]]:
    """For each message id already stored as sent or blocked (by an unsubscription or a discard): which it is."""
    if not message_ids:
        return {}
    rows = (
        await session.execute(
            select(MessageEvent.message_id, MessageEvent.type).where(
                MessageEvent.workspace_id == workspace_id,
                MessageEvent.message_id.in_(message_ids),
                MessageEvent.type.in_(
                    [MessageEventType.SENT, MessageEventType.BLOCKED_UNSUBSCRIBED, MessageEventType.BLOCKED_DISCARDED]
                ),
            )
        )
    ).all()
    stored: dict[str, set[MessageEventType]] = defaultdict(set)
    for r in rows:
        stored[r.message_id].add(r.type)
    return stored


async def insert_turns(
    session: AsyncSession, *, workspace_id: int, conversation_id: int, turns: Sequence[Mapping[str, Any]]
) -> None:
    if not turns:
        return
    rows = [{"workspace_id": workspace_id, "conversation_id": conversation_id, "seq": i, **t} for i, t in enumerate(turns)]
    await session.execute(ConversationTurn.__table__.insert(), rows)


async def upsert_item(session: AsyncSession, *, workspace_id: int, external_id: str, name: str | None) -> int:
    """The item's id, creating it on first sight and renaming it when the name given differs."""
    table = Item.__table__
    stmt = dialect_insert(session, table).values(workspace_id=workspace_id, external_id=external_id, name=name or external_id)
    if name:
        stmt = stmt.on_conflict_do_update(
            index_elements=["workspace_id", "external_id"], set_={"name": name}, where=table.c.name != name
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=["workspace_id", "external_id"])
    await session.execute(stmt)
    item_id = await session.scalar(select(Item.id).where(Item.workspace_id == workspace_id, Item.external_id == external_id))
    assert item_id is not None
    return item_id


async def insert_interaction(
    session: AsyncSession, *, workspace_id: int, contact_id: int, item_id: int, at: datetime
) -> bool:
    """Store one interaction; False when the same contact, item and instant were already recorded."""
    table = ItemInteraction.__table__
    stmt = (
        dialect_insert(session, table)
        .values(workspace_id=workspace_id, contact_id=contact_id, item_id=item_id, occurred_at=at)
        .on_conflict_do_nothing(index_elements=["contact_id", "item_id", "occurred_at"])
        .returning(table.c.id)
    )
    return (await session.execute(stmt)).scalar() is not None


async def count_interaction(session: AsyncSession, *, workspace_id: int, contact_id: int, item_id: int, at: datetime) -> None:
    """Keep the contact_item rollup: one more interaction, and the latest time (never moved back)."""
    table = ContactItem.__table__
    stmt = dialect_insert(session, table).values(
        workspace_id=workspace_id, contact_id=contact_id, item_id=item_id, interactions=1, last_interaction_at=at
    )
    latest = case(
        (stmt.excluded.last_interaction_at > table.c.last_interaction_at, stmt.excluded.last_interaction_at),
        else_=table.c.last_interaction_at,
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["contact_id", "item_id"],
            set_={"interactions": table.c.interactions + 1, "last_interaction_at": latest},
        )
    )
