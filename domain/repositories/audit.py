"""The audit table: many entries in one write, and each contact's history read in batches."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import RequestSession, key_limit
from domain.enums import AuditAction, AuditSource
from domain.models import AuditEntry
from domain.repositories.paging import Page, cursor_key, cursor_time, decode_cursor, encode_cursor, first_n_per_parent


async def insert_entries(
    session: AsyncSession,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    action: AuditAction | str,
    at: datetime,
    changes_by_contact: Mapping[int, list[dict[str, Any]]],
) -> None:
    """One entry per contact in a single executemany: for changes that touch many contacts at once."""
    kind = AuditAction(action).value
    source = AuditSource.API.value if actor_user_id is not None else None
    rows = [
        {"workspace_id": workspace_id, "contact_id": contact_id, "actor_user_id": actor_user_id, "action": kind,
         "at": at, "changes": changes, "source": source}
        for contact_id, changes in changes_by_contact.items()
        if changes
    ]
    if rows:
        await session.execute(insert(AuditEntry), rows)


def _after(cursor: str) -> Any:
    payload = decode_cursor(cursor)
    at, last_id = cursor_time(payload, "t"), cursor_key(payload, "i", limit=key_limit(AuditEntry))
    return or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < last_id))


async def history_pages(
    session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int], first: int, after: str | None
) -> dict[int, Page[Any]]:
    """Newest entries first; the cursor is the (time, id) of the last entry shown.

    Keyset cursors rather than offsets: a change made while someone pages would otherwise shift
    every later page by one.
    """
    where = [AuditEntry.workspace_id == workspace_id, AuditEntry.contact_id.in_(contact_ids)]
    if after is not None:
        where.append(_after(after))
    stmt = select(
        AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.actor_user_id, AuditEntry.changes
    ).where(*where)
    pages = await first_n_per_parent(
        session, stmt, parent=AuditEntry.contact_id, order_by=[AuditEntry.at.desc(), AuditEntry.id.desc()], first=first
    )
    return {
        key: Page(
            items=p.items,
            cursors=[encode_cursor({"t": r.at.isoformat(), "i": r.id}) for r in p.items],
            has_next_page=p.has_next_page,
        )
        for key, p in pages.items()
    }


async def history_counts(session: RequestSession, *, workspace_id: int, contact_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.all(
        select(AuditEntry.contact_id, func.count())
        .where(AuditEntry.workspace_id == workspace_id, AuditEntry.contact_id.in_(contact_ids))
        .group_by(AuditEntry.contact_id)
    )
    return {int(c): int(n) for c, n in rows}


async def trail_page(
    session: RequestSession, *, workspace_id: int, first: int, after: str | None, actions: Sequence[str] = ()
) -> Page[Any]:
    """The workspace's whole audit trail (contacts, catalogue, access), newest first, optionally some actions only."""
    where = [AuditEntry.workspace_id == workspace_id]
    if actions:
        where.append(AuditEntry.action.in_(actions))
    if after is not None:
        where.append(_after(after))
    rows = await session.all(
        select(
            AuditEntry.id, AuditEntry.at, AuditEntry.action, AuditEntry.actor_user_id, AuditEntry.changes,
            AuditEntry.contact_id, AuditEntry.subject_type, AuditEntry.subject_id, AuditEntry.source,
        )
        .where(*where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(first + 1)
    )
    kept = rows[:first]
    return Page(
        items=kept, cursors=[encode_cursor({"t": r.at.isoformat(), "i": r.id}) for r in kept], has_next_page=len(rows) > first
    )
