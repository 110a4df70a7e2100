"""The maintained count tables (domain/models/contact_counts.py): reading them, and rebuilding them.

Triggers keep the tables exact on every write; readers add the deltas not folded in yet. A rebuild
recomputes a workspace's rows from the contact and membership tables, for repair and after bulk
loads that prefer to count once at the end (bench/seed.py switches the triggers off while it COPYs).

Reads: `activity_histogram` (a workspace's contacts per day bucket), `member_totals` (members per
tag/list/group) and `membership_histogram` (one tag's, list's or group's members per day bucket).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.db import RequestSession
from domain.models import (
    ContactActivityCount,
    ContactActivityDelta,
    MembershipActivityCount,
    MembershipActivityDelta,
    MembershipCount,
    MembershipDelta,
)
from domain.models.contact_counts import NO_ACTIVITY_DAY

# Membership table -> (kind in membership_count, the column naming the tag/list/group).
MAINTAINED = {
    "contact_tag": ("tag", "tag_id"),
    "contact_list_member": ("list", "list_id"),
    "contact_group_member": ("group", "group_id"),
}
MAINTAINED_KINDS = frozenset(kind for kind, _ in MAINTAINED.values())
COUNTER_TABLES = (
    "contact_activity_delta", "contact_activity_count", "membership_delta", "membership_count",
    "membership_activity_delta", "membership_activity_count",
)

# The UTC day of a last_activity_at column, as the triggers compute it (the migrations hold their copy).
_DAY_SQL = {
    "postgresql": f"coalesce(floor(extract(epoch FROM {{column}}) / 86400)::integer, {NO_ACTIVITY_DAY})",
    "sqlite": f"coalesce(CAST(julianday(date({{column}})) - 2440587.5 AS INTEGER), {NO_ACTIVITY_DAY})",
}


def activity_histogram(workspace_id: int, day: Any = None) -> Select:
    """(day, discard_reason, contacts) of a workspace, folded and pending deltas added up.

    `day` maps the stored day to the one grouped by (a function of the `day` column), so that a
    reader can collapse the buckets it needs not tell apart before they leave the database.
    """
    total, delta = ContactActivityCount, ContactActivityDelta
    return _histogram(
        select(total.day, total.discard_reason, total.contacts).where(total.workspace_id == workspace_id),
        select(delta.day, delta.discard_reason, delta.contacts).where(delta.workspace_id == workspace_id),
        day,
    )


def membership_histogram(workspace_id: int, kind: str, target_id: int, day: Any = None) -> Select:
    """(day, discard_reason, contacts) of the members of one tag, list or group, as activity_histogram."""
    total, delta = MembershipActivityCount, MembershipActivityDelta

    def of(table: Any) -> Select:
        return select(table.day, table.discard_reason, table.contacts).where(
            table.workspace_id == workspace_id, table.kind == kind, table.target_id == target_id
        )

    return _histogram(of(total), of(delta), day)


def _histogram(totals: Select, deltas: Select, day: Any) -> Select:
    both = union_all(totals, deltas).subquery()
    grouped = select((both.c.day if day is None else day(both.c.day)).label("day"), both.c.discard_reason,
                     both.c.contacts).subquery()
    return select(grouped.c.day, grouped.c.discard_reason, func.sum(grouped.c.contacts).label("contacts")).group_by(
        grouped.c.day, grouped.c.discard_reason
    )


def member_totals(workspace_id: int, kind: str, ids: Sequence[int]) -> Select:
    """(target_id, contacts) of some tags, lists or groups (`kind`); absent ids have none."""
    total, delta = MembershipCount, MembershipDelta
    both = union_all(
        select(total.target_id, total.contacts).where(
            total.workspace_id == workspace_id, total.kind == kind, total.target_id.in_(ids)
        ),
        select(delta.target_id, delta.contacts).where(
            delta.workspace_id == workspace_id, delta.kind == kind, delta.target_id.in_(ids)
        ),
    ).subquery()
    return select(both.c.target_id, func.sum(both.c.contacts).label("contacts")).group_by(both.c.target_id)


async def member_counts(session: RequestSession, kind: str, *, workspace_id: int, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = await session.all(member_totals(workspace_id, kind, ids))
    counts = {int(t): int(n) for t, n in rows}
    return {i: counts.get(i, 0) for i in ids}


def _dialect(connection: AsyncConnection | AsyncSession) -> str:
    bind: Any = connection.get_bind() if isinstance(connection, AsyncSession) else connection
    return bind.dialect.name


async def rebuild_counters(connection: AsyncConnection | AsyncSession, workspace_id: int) -> None:
    """Recompute a workspace's maintained counts from its contacts and memberships (in the caller's transaction).

    On PostgreSQL the counted tables are locked against writes (SHARE) until the caller commits, so
    no concurrent write can be counted twice or not at all; readers are not blocked. A writer holding
    one of those tables while waiting for another may make this the deadlock victim: run it again.
    """
    dialect = _dialect(connection)
    ws = {"ws": workspace_id}
    if dialect == "postgresql":
        await connection.execute(
            text("LOCK TABLE contact, contact_tag, contact_list_member, contact_group_member IN SHARE MODE")
        )
    for table in COUNTER_TABLES:
        await connection.execute(text(f"DELETE FROM {table} WHERE workspace_id = :ws"), ws)
    day = _DAY_SQL[dialect].format
    await connection.execute(
        text(
            "INSERT INTO contact_activity_count (workspace_id, day, discard_reason, contacts) "
            f"SELECT workspace_id, {day(column='last_activity_at')}, coalesce(discard_reason, ''), count(*) FROM contact "
            f"WHERE workspace_id = :ws GROUP BY workspace_id, {day(column='last_activity_at')}, coalesce(discard_reason, '')"
        ),
        ws,
    )
    contact_day = day(column="c.last_activity_at")
    for table, (kind, column) in MAINTAINED.items():
        await connection.execute(
            text(
                "INSERT INTO membership_count (workspace_id, kind, target_id, contacts) "
                f"SELECT workspace_id, :kind, {column}, count(*) FROM {table} "
                f"WHERE workspace_id = :ws GROUP BY workspace_id, {column}"
            ),
            {**ws, "kind": kind},
        )
        # Keyed by the contact's workspace and bucket, as the triggers count them.
        await connection.execute(
            text(
                "INSERT INTO membership_activity_count (workspace_id, kind, target_id, day, discard_reason, contacts) "
                f"SELECT c.workspace_id, :kind, m.{column}, {contact_day}, coalesce(c.discard_reason, ''), count(*) "
                f"FROM {table} m JOIN contact c ON c.id = m.contact_id WHERE c.workspace_id = :ws "
                f"GROUP BY c.workspace_id, m.{column}, {contact_day}, coalesce(c.discard_reason, '')"
            ),
            {**ws, "kind": kind},
        )
