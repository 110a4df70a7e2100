"""The audit table: its one writer, and each contact's history read in batches."""

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit_shape
from domain.db import RequestSession, key_limit
from domain.enums import AuditAction, AuditSource
from domain.models import AuditEntry
from domain.repositories.fast_insert import insert_many
from domain.repositories.paging import Page, cursor_key, cursor_time, decode_cursor, encode_cursor, first_n_per_parent


# One entry to write: (contact id or None, action, changes as a list or as its JSON text).
Entry = tuple[int | None, AuditAction | str, list[dict[str, Any]] | str]


async def write_entries(
    session: AsyncSession,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    at: datetime,
    entries: Sequence[Entry],
    subject: tuple[str, int] | None = None,
    source: AuditSource | None = None,
) -> None:
    """The one writer of audit entries: every entry, of one action or a batch of thousands, goes here.

    One INSERT for all of `entries`, in the caller's transaction (they commit or roll back with the
    change). Actions must be AuditAction's; changes must have domain.audit_shape's shape (JSON text,
    which imports build themselves for speed, is taken as built). `source` defaults to API when
    there is an actor (a GraphQL caller); `subject` names what an entry that is not about a contact
    changed (("User", id), ("CustomFieldDefinition", id)).
    """
    if source is None and actor_user_id is not None:
        source = AuditSource.API
    rows = []
    # A bulk job's batch gives thousands of entries a few shared lists of changes: each list is
    # checked and serialised once, not once per entry (the list itself is kept, so its id stays its own).
    serialised: dict[int, tuple[list[dict[str, Any]], str]] = {}  # id(changes) -> (changes, its JSON)
    for contact_id, action, changes in entries:
        if not isinstance(changes, str):
            known = serialised.get(id(changes))
            if known is None or known[0] is not changes:
                audit_shape.check(changes)
                known = serialised[id(changes)] = (changes, json.dumps(changes))
            changes = known[1]
        rows.append({"contact_id": contact_id, "action": AuditAction(action).value, "changes": changes})
    if not rows:
        return
    # Rows added through the ORM (a new contact, say) reach the database before entries pointing at them.
    await session.flush()
    constants = {
        "workspace_id": workspace_id, "actor_user_id": actor_user_id, "at": at,
        "source": None if source is None else source.value,
        "subject_type": subject[0] if subject else None, "subject_id": subject[1] if subject else None,
    }
    await insert_many(session, AuditEntry.__table__, rows, constants=constants, serialized={"changes"})


async def insert_entries(
    session: AsyncSession,
    *,
    workspace_id: int,
    actor_user_id: int | None,
    action: AuditAction | str,
    at: datetime,
    changes_by_contact: Mapping[int, list[dict[str, Any]]],
) -> None:
    """One entry of `action` per contact (write_entries), for a change that touches many contacts at once."""
    await write_entries(
        session, workspace_id=workspace_id, actor_user_id=actor_user_id, at=at,
        entries=[(contact_id, action, changes) for contact_id, changes in changes_by_contact.items() if changes],
    )


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
