"""The maintained contact counts against the truth: every contact's status computed in Python.

`truth` reads every contact of a workspace and applies domain.engagement.engagement_status (the one
definition) and counts memberships with a plain GROUP BY; `maintained` asks the count machinery the
API uses. `target_truth` / `target_maintained` do the same for statuses within each tag, list or
group (the membership activity histogram). `counter_state` is what the trigger-maintained tables
hold (folded plus pending deltas).
"""

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import RequestSession, session_factory
from domain.engagement import engagement_status
from domain.enums import DiscardReason, EngagementStatus
from domain.filters import ContactFilter, ContactQuery
from domain.models import Contact, ContactListMember, ContactTag, GroupMember
from domain.reads import contact_counts
from domain.reads.contact_match import match_queries
from domain.repositories import counters

MEMBERSHIPS = {"tag": (ContactTag, "tag_id"), "list": (ContactListMember, "list_id"), "group": (GroupMember, "group_id")}


def _statuses(rows: list[tuple[Any, Any]], now: datetime) -> dict[str, int]:
    found = Counter(
        engagement_status(last_activity_at=last, discard_reason=reason, now=now).value.lower() for last, reason in rows
    )
    counts = {key: found.get(key, 0) for key in contact_counts.STATUS_KEYS}
    counts["total"] = len(rows)
    counts["suspended"] = sum(1 for _, reason in rows if reason == DiscardReason.SUSPENDED)
    return counts


async def truth(engine: AsyncEngine, workspace_id: int, now: datetime) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """(contacts per status key, contacts per (kind, target id)) by reading every row."""
    async with session_factory(engine)() as session:
        rows = (
            await session.execute(
                select(Contact.last_activity_at, Contact.discard_reason).where(Contact.workspace_id == workspace_id)
            )
        ).all()
        members: dict[tuple[str, int], int] = {}
        for kind, (table, column) in MEMBERSHIPS.items():
            target = getattr(table, column)
            found = await session.execute(
                select(target, func.count()).where(table.workspace_id == workspace_id).group_by(target)
            )
            members.update({(kind, int(t)): int(n) for t, n in found})
    return _statuses(list(rows), now), members


async def maintained(
    engine: AsyncEngine, workspace_id: int, now: datetime, targets: list[tuple[str, int]]
) -> tuple[dict[str, int], dict[tuple[str, int], int]]:
    """The same, as the count machinery answers it (histogram, maintained membership counts)."""
    async with session_factory(engine)() as raw:
        session = RequestSession(raw)
        everyone = match_queries([ContactQuery()], workspace_id=workspace_id, now=now)
        statuses = await contact_counts.status_counts(session, everyone, now=now)
        total = await contact_counts.count(session, everyone, now=now)
        assert total == statuses["total"]
        members: dict[tuple[str, int], int] = {}
        for kind in MEMBERSHIPS:
            ids = [t for k, t in targets if k == kind]
            found = await counters.member_counts(session, kind, workspace_id=workspace_id, ids=ids)
            members.update({(kind, t): n for t, n in found.items() if n})
    return statuses, members


async def target_truth(
    engine: AsyncEngine, workspace_id: int, now: datetime, targets: list[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, int]]:
    """Members of each (kind, target id) per status key, by reading every member's contact row."""
    async with session_factory(engine)() as session:
        found: dict[tuple[str, int], list[tuple[Any, Any]]] = {target: [] for target in targets}
        for kind, (table, column) in MEMBERSHIPS.items():
            rows = await session.execute(
                select(getattr(table, column), Contact.last_activity_at, Contact.discard_reason)
                .join(Contact, Contact.id == table.contact_id).where(Contact.workspace_id == workspace_id)
            )
            for target, last, reason in rows:
                if (kind, target) in found:
                    found[(kind, target)].append((last, reason))
    return {target: _statuses(rows, now) for target, rows in found.items()}


# Status sets a segment may combine with one target: each needs only one band boundary counted
# (FREQUENT/DORMANT, DORMANT/EXPIRED); the status counts need all three.
SEGMENT_STATUSES = [
    (EngagementStatus.NEW, EngagementStatus.FREQUENT),
    (EngagementStatus.INACTIVE, EngagementStatus.EXPIRED, EngagementStatus.DISCARDED),
]
_FILTER_OF = {"tag": "tag_ids", "list": "list_ids", "group": "group_ids"}


def target_query(kind: str, target: int, statuses: tuple[EngagementStatus, ...] = ()) -> ContactQuery:
    return ContactQuery(filter=ContactFilter(statuses=statuses, **{_FILTER_OF[kind]: (target,)}))


async def target_maintained(
    engine: AsyncEngine, workspace_id: int, now: datetime, targets: list[tuple[str, int]]
) -> tuple[dict[tuple[str, int], dict[str, int]], dict[tuple[str, int, tuple[EngagementStatus, ...]], int]]:
    """(per target its status counts as contactStatusCounts answers them, per (target, statuses) the
    total as a ContactsPage's totalCount and a batch of segment sizes answer it)."""
    async with session_factory(engine)() as raw:
        session = RequestSession(raw)
        # The first target as contactStatusCounts asks; all of them in one batch (the same reading).
        kind, target = targets[0]
        match = match_queries([target_query(kind, target)], workspace_id=workspace_id, now=now)
        first = await contact_counts.status_counts(session, match, now=now)
        batch = contact_counts.CountBatch(workspace_id, now)
        for kind, target in targets:
            batch.add_target_histogram(kind, target)
        statuses = (await batch.run(session)).statuses
        assert first == statuses[targets[0]]
        keys = [(kind, target, s) for kind, target in targets for s in SEGMENT_STATUSES]
        matches = {
            i: match_queries([target_query(kind, target, s)], workspace_id=workspace_id, now=now)
            for i, (kind, target, s) in enumerate(keys)
        }
        sizes = await contact_counts.count_many(session, matches, workspace_id=workspace_id, now=now)
        totals = {key: sizes[i] for i, key in enumerate(keys)}
        # One of them as a page's totalCount (read with the page's status counts).
        kind, target, s = keys[0]
        page = match_queries([target_query(kind, target, s)], workspace_id=workspace_id, now=now)
        assert await contact_counts.count(session, page, now=now) == totals[keys[0]]
    return statuses, totals


def expected_totals(
    truths: dict[tuple[str, int], dict[str, int]]
) -> dict[tuple[str, int, tuple[EngagementStatus, ...]], int]:
    return {(kind, target, s): sum(counts[status.value.lower()] for status in s)
            for (kind, target), counts in truths.items() for s in SEGMENT_STATUSES}


async def status_count_by_filter(engine: AsyncEngine, workspace_id: int, now: datetime, status: EngagementStatus) -> int:
    """A status-only filter's count, as `contacts(filter: {status: [...]}) { totalCount }` gets it."""
    from domain.filters import ContactFilter

    async with session_factory(engine)() as raw:
        query = ContactQuery(filter=ContactFilter(statuses=(status,)))
        match = match_queries([query], workspace_id=workspace_id, now=now)
        return await contact_counts.count(RequestSession(raw), match, now=now)


async def counter_state(engine: AsyncEngine, workspace_id: int) -> dict[tuple[Any, ...], int]:
    """Net contents of the maintained tables for a workspace (keys whose count is 0 left out)."""
    state: Counter[tuple[Any, ...]] = Counter()
    async with engine.connect() as connection:
        for table in ("contact_activity_count", "contact_activity_delta"):
            rows = await connection.execute(
                text(f"SELECT day, discard_reason, contacts FROM {table} WHERE workspace_id = :ws"), {"ws": workspace_id}
            )
            for day, reason, n in rows:
                state[("activity", day, reason)] += n
        for table in ("membership_count", "membership_delta"):
            rows = await connection.execute(
                text(f"SELECT kind, target_id, contacts FROM {table} WHERE workspace_id = :ws"), {"ws": workspace_id}
            )
            for kind, target, n in rows:
                state[("member", kind, target)] += n
        for table in ("membership_activity_count", "membership_activity_delta"):
            rows = await connection.execute(text(
                f"SELECT kind, target_id, day, discard_reason, contacts FROM {table} WHERE workspace_id = :ws"),
                {"ws": workspace_id})
            for kind, target, day, reason, n in rows:
                state[("member activity", kind, target, day, reason)] += n
    return {key: n for key, n in state.items() if n}


async def rebuilt_state(engine: AsyncEngine, workspace_id: int) -> dict[tuple[Any, ...], int]:
    """Rebuild the workspace's counters from scratch, then read them back."""
    async with engine.begin() as connection:
        await counters.rebuild_counters(connection, workspace_id)
    return await counter_state(engine, workspace_id)
