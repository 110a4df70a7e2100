"""Writes around a contact that are not its own columns: subscriptions and change stamps."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.consent import Consent
from domain.enums import Channel, SubscriptionStatus
from domain.models import ChannelSubscription, Contact
from domain.repositories.upsert import insert_ignore


async def subscription(
    session: AsyncSession, *, workspace_id: int, contact_id: int, channel: Channel
) -> ChannelSubscription | None:
    return await session.scalar(
        select(ChannelSubscription).where(
            ChannelSubscription.workspace_id == workspace_id,
            ChannelSubscription.contact_id == contact_id,
            ChannelSubscription.channel == channel,
        )
    )


async def insert_unsubscribed(
    session: AsyncSession, *, workspace_id: int, contact_id: int, channel: Channel, address: str,
    reason: str | None, user_id: int | None, now: datetime,
) -> bool:
    """An UNSUBSCRIBED row for a channel the contact has none for; False when one exists."""
    return await _insert_if_absent(session, dict(
        workspace_id=workspace_id, contact_id=contact_id, channel=channel, address=address,
        status=SubscriptionStatus.UNSUBSCRIBED, changed_at=now, reason=reason, changed_by_user_id=user_id,
    ))


async def insert_subscribed(
    session: AsyncSession, *, workspace_id: int, contact_id: int, channel: Channel, address: str,
    consent: Consent, user_id: int | None, now: datetime,
) -> bool:
    """A SUBSCRIBED row with its consent for a channel the contact has none for; False when one exists."""
    return await _insert_if_absent(session, dict(
        workspace_id=workspace_id, contact_id=contact_id, channel=channel, address=address,
        status=SubscriptionStatus.SUBSCRIBED, changed_at=now, changed_by_user_id=user_id, **consent.columns(),
    ))


async def _insert_if_absent(session: AsyncSession, row: dict[str, Any]) -> bool:
    """A pipeline's first message on the channel may add its row at any moment (without the contact's
    lock): ON CONFLICT DO NOTHING lets the caller find that row instead of failing on it."""
    table = ChannelSubscription.__table__
    stmt = insert_ignore(session, table, ["contact_id", "channel"]).values(**row).returning(table.c.id)
    return (await session.execute(stmt)).scalar() is not None


async def touch(session: AsyncSession, *, workspace_id: int, contact_ids: Sequence[int], now: datetime) -> None:
    """Stamp contacts as changed now (for changes made without loading them, e.g. list memberships)."""
    if contact_ids:
        await session.execute(
            update(Contact)
            .where(Contact.workspace_id == workspace_id, Contact.id.in_(contact_ids))
            .values(updated_at=now)
        )
