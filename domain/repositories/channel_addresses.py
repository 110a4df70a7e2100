"""A contact's channels follow its addresses.

EMAIL follows the e-mail, SMS, WHATSAPP and RCS the phone. A contact with an e-mail has an EMAIL
channel and one with a phone an SMS channel from the moment the address is known (SUBSCRIBED, dated
then); WHATSAPP and RCS appear only once the phone has used them (a message on that channel,
domain.ingest.channels) or opted in (domain.consent). When an address changes, every channel on it moves to the new
one and its bounce counters start again (they were the old address's); its subscription status stays
(an opt-out is the person's). When an address is cleared, its SUBSCRIBED channels go; an UNSUBSCRIBED
one stays with its last address, the record of the opt-out.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, column, delete, update, values
from sqlalchemy.ext.asyncio import AsyncSession

from domain.consent import PHONE_CHANNELS, Consent
from domain.enums import Channel, SubscriptionStatus
from domain.models import ChannelSubscription
from domain.repositories.upsert import dialect_insert, insert_ignore

NO_CONSENT = {"consent_basis": None, "consent_source": None, "consent_at": None, "consent_by_user_id": None,
              "consent_text": None}
# Consents by contact id, then channel.
Consents = Mapping[int, Mapping[Channel, Consent]]


def opened_rows(
    workspace_id: int, contacts: Sequence[tuple[int, str | None, str | None]], now: datetime,
    consents: Consents | None = None,
) -> list[dict[str, object]]:
    """The channel rows new contacts (id, e-mail, phone) start with: EMAIL and SMS for their addresses,
    and any channel they consented to (WHATSAPP and RCS only so), with that consent."""
    rows: list[dict[str, object]] = []
    for contact_id, email, phone in contacts:
        given = consents.get(contact_id, {}) if consents else {}
        for channel in Channel:
            address = phone if channel in PHONE_CHANNELS else email
            if address and (channel in (Channel.EMAIL, Channel.SMS) or channel in given):
                consent = given.get(channel)
                rows.append({"workspace_id": workspace_id, "contact_id": contact_id, "channel": channel,
                             "address": address, "status": SubscriptionStatus.SUBSCRIBED, "changed_at": now,
                             **(consent.columns() if consent else NO_CONSENT)})
    return rows


async def open_channels(
    session: AsyncSession, *, workspace_id: int, contacts: Sequence[tuple[int, str | None, str | None]], now: datetime,
    consents: Consents | None = None,
) -> None:
    """EMAIL and SMS rows (and consented ones) for contacts (id, e-mail, phone) just created or given an
    address; a row already there is kept as it is."""
    rows = opened_rows(workspace_id, contacts, now, consents)
    if rows:
        await session.execute(insert_ignore(session, ChannelSubscription.__table__, ["contact_id", "channel"]), rows)


async def record_consents(
    session: AsyncSession, *, workspace_id: int, rows: Sequence[tuple[int, Channel, str, Consent]], now: datetime
) -> set[tuple[int, Channel]]:
    """Consents (contact id, channel, address, consent) for existing contacts, one statement: a channel
    without a row opens SUBSCRIBED with it; a SUBSCRIBED one takes it unless it holds the same basis,
    source and wording already; an UNSUBSCRIBED one is left alone (only contactSubscribe brings a
    person back). Returns the (contact, channel) pairs written."""
    if not rows:
        return set()
    subs = ChannelSubscription.__table__
    stmt = dialect_insert(session, subs)
    kept = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=["contact_id", "channel"],
        set_={name: kept[name] for name in NO_CONSENT},
        where=(subs.c.status == SubscriptionStatus.SUBSCRIBED) & (
            subs.c.consent_basis.is_distinct_from(kept.consent_basis)
            | subs.c.consent_source.is_distinct_from(kept.consent_source)
            | subs.c.consent_text.is_distinct_from(kept.consent_text)
        ),
    ).returning(subs.c.contact_id, subs.c.channel)
    params: list[dict[str, Any]] = [
        {"workspace_id": workspace_id, "contact_id": c, "channel": ch, "address": a,
         "status": SubscriptionStatus.SUBSCRIBED, "changed_at": now, **consent.columns()}
        for c, ch, a, consent in rows
    ]
    written: set[tuple[int, Channel]] = set()
    # RETURNING with many parameter sets: one statement per row on SQLite, batched on PostgreSQL.
    for chunk in (params[i:i + 500] for i in range(0, len(params), 500)):
        result = await session.execute(stmt.values(chunk))
        written.update((int(c), Channel(ch)) for c, ch in result.all())
    return written


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
