"""A contact's channels follow its addresses.

EMAIL follows the e-mail, SMS, WHATSAPP and RCS the phone. A contact with an e-mail has an EMAIL
channel and one with a phone an SMS channel from the moment the address is known (SUBSCRIBED, dated
then); WHATSAPP and RCS appear only once the phone has used them (a message on that channel,
domain.ingest.channels) or opted in. When an address changes, every channel on it moves to the new
one and its bounce counters start again (they were the old address's); its subscription status stays
(an opt-out is the person's). When an address is cleared, its SUBSCRIBED channels go; an UNSUBSCRIBED
one stays with its last address, the record of the opt-out.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import Integer, String, column, delete, update, values
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel, SubscriptionStatus
from domain.models import ChannelSubscription
from domain.repositories.upsert import insert_ignore

PHONE_CHANNELS = (Channel.SMS, Channel.WHATSAPP, Channel.RCS)


def opened_rows(
    workspace_id: int, contacts: Sequence[tuple[int, str | None, str | None]], now: datetime
) -> list[dict[str, object]]:
    """The channel rows new contacts (id, e-mail, phone) start with."""
    rows: list[dict[str, object]] = []
    for contact_id, email, phone in contacts:
        for channel, address in ((Channel.EMAIL, email), (Channel.SMS, phone)):
            if address:
                rows.append({"workspace_id": workspace_id, "contact_id": contact_id, "channel": channel,
                             "address": address, "status": SubscriptionStatus.SUBSCRIBED, "changed_at": now})
    return rows


async def open_channels(
    session: AsyncSession, *, workspace_id: int, contacts: Sequence[tuple[int, str | None, str | None]], now: datetime
) -> None:
    """EMAIL and SMS rows for contacts (id, e-mail, phone) just created or given an address (kept if present)."""
    rows = opened_rows(workspace_id, contacts, now)
    if rows:
        await session.execute(insert_ignore(session, ChannelSubscription.__table__, ["contact_id", "channel"]), rows)


async def follow(
    session: AsyncSession, *, workspace_id: int, contact_id: int, changed: Mapping[str, str | None], now: datetime
) -> None:
    """Move (or open, or close) one contact's channels for the addresses in `changed` ({"email": new, "phone": new})."""
    subs = ChannelSubscription.__table__
    for kind, address in changed.items():
        if address is None:
            await session.execute(delete(subs).where(
                subs.c.workspace_id == workspace_id, subs.c.contact_id == contact_id,
                subs.c.channel.in_(_CHANNELS_OF[kind]), subs.c.status == SubscriptionStatus.SUBSCRIBED,
            ))
    moves = [(contact_id, kind, address) for kind, address in changed.items() if address is not None]
    await move_many(session, workspace_id=workspace_id, moves=moves, now=now)


async def move_many(
    session: AsyncSession, *, workspace_id: int, moves: Sequence[tuple[int, str, str]], now: datetime
) -> None:
    """Contacts' new addresses (contact id, "email" or "phone", address): one statement per kind moves
    their channels, one more opens the EMAIL or SMS channel of those that had none."""
    subs = ChannelSubscription.__table__
    for kind, channels in _CHANNELS_OF.items():
        pairs = [(c, a) for c, k, a in moves if k == kind]
        if not pairs:
            continue
        moved = values(column("contact_id", Integer), column("address", String), name="moved").data(pairs).cte("moved")
        await session.execute(
            update(subs)
            .where(subs.c.workspace_id == workspace_id, subs.c.contact_id == moved.c.contact_id,
                   subs.c.channel.in_(channels), subs.c.address != moved.c.address)
            .values(address=moved.c.address, hard_bounces=0, soft_bounces=0, last_bounce_at=None)
        )
    opened = [(c, a, None) if k == "email" else (c, None, a) for c, k, a in moves]
    await open_channels(session, workspace_id=workspace_id, contacts=opened, now=now)


_CHANNELS_OF = {"email": [Channel.EMAIL], "phone": list(PHONE_CHANNELS)}
