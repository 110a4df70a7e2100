"""Writes around a contact that are not its own columns: subscriptions and change stamps."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel
from domain.models import ChannelSubscription, Contact


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


async def touch(session: AsyncSession, *, workspace_id: int, contact_ids: Sequence[int], now: datetime) -> None:
    """Stamp contacts as changed now (for changes made without loading them, e.g. list memberships)."""
    if contact_ids:
        await session.execute(
            update(Contact)
            .where(Contact.workspace_id == workspace_id, Contact.id.in_(contact_ids))
            .values(updated_at=now)
        )
