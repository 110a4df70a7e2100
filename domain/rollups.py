"""Keeping rollups current on write: raw message events in, counters and last activity updated.

The read side never scans raw events for a profile: it reads `contact_channel_daily`,
`contact.last_activity_at` and `channel_subscription.last_event_*`, which this module maintains in
the same transaction as the events it records.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.engagement import ACTIVITY_EVENT_TYPES
from domain.enums import Channel, MessageEventType
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS
from domain.repositories.upsert import dialect_insert
from domain.models import ChannelSubscription, Contact, ContactChannelDaily, MessageEvent


@dataclass(frozen=True)
class NewMessageEvent:
    contact_id: int
    channel: Channel
    type: MessageEventType
    message_id: str
    occurred_at: datetime


@dataclass(frozen=True)
class RecordResult:
    accepted: int
    duplicates: int


async def touch_activity(session: AsyncSession, *, workspace_id: int, contact_id: int, at: datetime) -> None:
    """Move the contact's last activity forward to `at` (never backwards)."""
    await session.execute(
        update(Contact)
        .where(
            Contact.workspace_id == workspace_id,
            Contact.id == contact_id,
            or_(Contact.last_activity_at.is_(None), Contact.last_activity_at < at),
        )
        .values(last_activity_at=at)
    )


async def record_message_events(
    session: AsyncSession, *, workspace_id: int, events: Sequence[NewMessageEvent], now: datetime
) -> RecordResult:
    """Store events idempotently (message id + type) and update every rollup they touch."""
    if not events:
        return RecordResult(0, 0)
    rows = [
        {
            "workspace_id": workspace_id,
            "contact_id": e.contact_id,
            "channel": e.channel,
            "type": e.type,
            "message_id": e.message_id,
            "occurred_at": e.occurred_at,
            "recorded_at": now,
        }
        for e in events
    ]
    stmt = (
        dialect_insert(session, MessageEvent.__table__)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["workspace_id", "message_id", "type"])
        .returning(MessageEvent.__table__.c.message_id, MessageEvent.__table__.c.type)
    )
    inserted = {(r.message_id, r.type) for r in (await session.execute(stmt)).all()}
    fresh: dict[tuple[str, MessageEventType], NewMessageEvent] = {}
    for e in events:
        if (e.message_id, e.type) in inserted:
            fresh.setdefault((e.message_id, e.type), e)
    await _bump_daily_counters(session, workspace_id, list(fresh.values()))
    await _advance_last_events(session, workspace_id, list(fresh.values()))
    return RecordResult(accepted=len(fresh), duplicates=len(events) - len(fresh))


async def _bump_daily_counters(session: AsyncSession, workspace_id: int, events: list[NewMessageEvent]) -> None:
    increments: dict[tuple[int, Channel, date], dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for e in events:
        increments[(e.contact_id, e.channel, e.occurred_at.date())][COUNTER_FOR_EVENT[e.type]] += 1
    if not increments:
        return
    table = ContactChannelDaily.__table__
    rows = [
        {"contact_id": c, "channel": ch, "day": d, "workspace_id": workspace_id, **counts}
        for (c, ch, d), counts in increments.items()
    ]
    stmt = dialect_insert(session, table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["contact_id", "channel", "day"],
        set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS},
    )
    await session.execute(stmt)


async def _advance_last_events(session: AsyncSession, workspace_id: int, events: list[NewMessageEvent]) -> None:
    latest_on_channel: dict[tuple[int, Channel], NewMessageEvent] = {}
    latest_activity: dict[int, datetime] = {}
    for e in events:
        key = (e.contact_id, e.channel)
        if key not in latest_on_channel or e.occurred_at >= latest_on_channel[key].occurred_at:
            latest_on_channel[key] = e
        if e.type in ACTIVITY_EVENT_TYPES:
            latest_activity[e.contact_id] = max(e.occurred_at, latest_activity.get(e.contact_id, e.occurred_at))
    for (contact_id, channel), e in latest_on_channel.items():
        await session.execute(
            update(ChannelSubscription)
            .where(
                ChannelSubscription.workspace_id == workspace_id,
                ChannelSubscription.contact_id == contact_id,
                ChannelSubscription.channel == channel,
                or_(ChannelSubscription.last_event_at.is_(None), ChannelSubscription.last_event_at <= e.occurred_at),
            )
            .values(last_event_type=e.type, last_event_at=e.occurred_at)
        )
    for contact_id, at in latest_activity.items():
        await touch_activity(session, workspace_id=workspace_id, contact_id=contact_id, at=at)
