"""Keeping rollups current on write: raw message events in, counters and last activity updated.

The read side never scans raw events for a profile: it reads `contact_channel_daily`,
`contact.last_activity_at` and `channel_subscription.last_event_*`, which this module maintains in
the same transaction as the events it records.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from typing import Any

from sqlalchemy import Integer, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import UtcDateTime, enum_type
from domain.engagement import ACTIVITY_EVENT_TYPES
from domain.enums import BounceType, Channel, MessageEventType
from domain.metrics import COUNTER_FOR_EVENT, COUNTERS
from domain.repositories.batch_rows import batch_rows
from domain.repositories.upsert import dialect_insert
from domain.models import ChannelSubscription, Contact, ContactChannelDaily, MessageEvent


@dataclass(frozen=True)
class NewMessageEvent:
    contact_id: int
    channel: Channel
    type: MessageEventType
    message_id: str
    occurred_at: datetime
    # BOUNCED: a BounceType value (None: not said, counted as soft); FAILED: a FailureReason value.
    detail: str | None = None


@dataclass(frozen=True)
class RecordResult:
    accepted: int
    duplicates: int
    # The events stored by this call (not duplicates), one per (message id, type).
    fresh: tuple[NewMessageEvent, ...] = ()


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
            "detail": e.detail,
        }
        for e in events
    ]
    # RETURNING names only the rows that were new.
    table = MessageEvent.__table__
    stmt = await _insert_batch(session, table, rows)
    stmt = stmt.on_conflict_do_nothing(index_elements=["workspace_id", "message_id", "type"]).returning(
        table.c.message_id, table.c.type
    )
    inserted = {(r.message_id, r.type) for r in (await _execute(session, stmt, rows)).all()}
    fresh: dict[tuple[str, MessageEventType], NewMessageEvent] = {}
    for e in events:
        if (e.message_id, e.type) in inserted:
            fresh.setdefault((e.message_id, e.type), e)
    await _bump_daily_counters(session, workspace_id, list(fresh.values()))
    await _advance_last_events(session, workspace_id, list(fresh.values()))
    await _count_bounces(session, workspace_id, [e for e in fresh.values() if e.type == MessageEventType.BOUNCED])
    return RecordResult(accepted=len(fresh), duplicates=len(events) - len(fresh), fresh=tuple(fresh.values()))


async def _count_bounces(session: AsyncSession, workspace_id: int, bounces: list[NewMessageEvent]) -> None:
    """Each channel's hard and soft bounces and the latest one (a bounce that named no kind is soft)."""
    if not bounces:
        return
    per_channel: dict[tuple[int, Channel], list[Any]] = {}
    for e in bounces:
        hard, soft, latest = per_channel.get((e.contact_id, e.channel), (0, 0, e.occurred_at))
        is_hard = e.detail == BounceType.HARD.value
        per_channel[(e.contact_id, e.channel)] = [hard + is_hard, soft + (not is_hard), max(latest, e.occurred_at)]
    batch = await batch_rows(
        session, "bounces",
        [("contact_id", Integer()), ("channel", enum_type(Channel)), ("hard", Integer()), ("soft", Integer()),
         ("at", UtcDateTime())],
        [(c, ch, *counts) for (c, ch), counts in per_channel.items()],
    )
    subs = ChannelSubscription.__table__
    await session.execute(
        update(subs)
        .where(subs.c.workspace_id == workspace_id, subs.c.contact_id == batch.c.contact_id, subs.c.channel == batch.c.channel)
        .values(
            hard_bounces=subs.c.hard_bounces + batch.c.hard,
            soft_bounces=subs.c.soft_bounces + batch.c.soft,
            last_bounce_at=case(
                (or_(subs.c.last_bounce_at.is_(None), subs.c.last_bounce_at < batch.c.at), batch.c.at),
                else_=subs.c.last_bounce_at,
            ),
        )
    )


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
    stmt = await _insert_batch(session, table, rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["contact_id", "channel", "day"],
        set_={name: table.c[name] + stmt.excluded[name] for name in COUNTERS},
    )
    await _execute(session, stmt, rows)


async def _insert_batch(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> Any:
    """An INSERT of `rows` (dicts with the same keys) that compiles once whatever their number.

    PostgreSQL: INSERT ... SELECT FROM the batch as arrays (repositories.batch_rows), one statement
    with one parameter per column, several times faster than a multi-row VALUES of every value.
    SQLite: the plain statement, executed for the list of rows (its executemany loop is in C).
    """
    stmt = dialect_insert(session, table)
    if (await session.connection()).dialect.name != "postgresql":
        return stmt
    names = list(rows[0])
    batch = await batch_rows(
        session, f"new_{table.name}", [(n, table.c[n].type) for n in names], [tuple(r[n] for n in names) for r in rows]
    )
    return stmt.from_select(names, select(*(batch.c[n] for n in names)))


async def _execute(session: AsyncSession, stmt: Any, rows: list[dict[str, Any]]) -> Any:
    """Run a statement of _insert_batch: with the rows as parameters unless they are in it already."""
    if stmt.select is not None:
        return await session.execute(stmt)
    return await session.execute(stmt, rows)


async def _advance_last_events(session: AsyncSession, workspace_id: int, events: list[NewMessageEvent]) -> None:
    latest_on_channel: dict[tuple[int, Channel], NewMessageEvent] = {}
    latest_activity: dict[int, datetime] = {}
    for e in events:
        key = (e.contact_id, e.channel)
        if key not in latest_on_channel or e.occurred_at >= latest_on_channel[key].occurred_at:
            latest_on_channel[key] = e
        if e.type in ACTIVITY_EVENT_TYPES:
            latest_activity[e.contact_id] = max(e.occurred_at, latest_activity.get(e.contact_id, e.occurred_at))
    await _advance_channels(session, workspace_id, latest_on_channel)
    await touch_activities(session, workspace_id=workspace_id, latest=latest_activity)


# The updates here join the table to the batch (repositories.batch_rows), so a batch of any size costs
# one statement each, compiled once (UPDATE ... FROM works on PostgreSQL and SQLite >= 3.33).


async def _advance_channels(
    session: AsyncSession, workspace_id: int, latest: Mapping[tuple[int, Channel], NewMessageEvent]
) -> None:
    if not latest:
        return
    batch = await batch_rows(
        session, "latest_event",
        [("contact_id", Integer()), ("channel", enum_type(Channel)), ("type", enum_type(MessageEventType)),
         ("at", UtcDateTime())],
        [(c, ch, e.type, e.occurred_at) for (c, ch), e in latest.items()],
    )
    subs = ChannelSubscription.__table__
    await session.execute(
        update(subs)
        .where(
            subs.c.workspace_id == workspace_id,
            subs.c.contact_id == batch.c.contact_id,
            subs.c.channel == batch.c.channel,
            or_(subs.c.last_event_at.is_(None), subs.c.last_event_at <= batch.c.at),
        )
        .values(last_event_type=batch.c.type, last_event_at=batch.c.at)
    )


async def touch_activities(session: AsyncSession, *, workspace_id: int, latest: Mapping[int, datetime]) -> None:
    """touch_activity for many contacts at once: {contact id: latest activity}."""
    if not latest:
        return
    batch = await batch_rows(
        session, "latest_activity", [("contact_id", Integer()), ("at", UtcDateTime())], list(latest.items())
    )
    contacts = Contact.__table__
    await session.execute(
        update(contacts)
        .where(
            contacts.c.workspace_id == workspace_id,
            contacts.c.id == batch.c.contact_id,
            or_(contacts.c.last_activity_at.is_(None), contacts.c.last_activity_at < batch.c.at),
        )
        .values(last_activity_at=batch.c.at)
    )
