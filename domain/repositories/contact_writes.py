"""Writes of contacts and their memberships. Every function is scoped to one workspace."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.contact_rules import tombstone_hash
from domain.models import (
    AuditEntry,
    Contact,
    ContactListMember,
    ContactTag,
    ContactTombstone,
    CustomFieldDefinition,
    CustomFieldValue,
    GroupMember,
)
from domain.repositories.locks import lock_rows
from domain.repositories.upsert import insert_ignore

MEMBERSHIP_TABLES: dict[str, tuple[Any, str]] = {
    "tags": (ContactTag, "tag_id"),
    "lists": (ContactListMember, "list_id"),
    "groups": (GroupMember, "group_id"),
}


async def get_for_update(session: AsyncSession, *, workspace_id: int, contact_id: int) -> Contact | None:
    """The contact, locked until the transaction ends (see repositories.locks), read after the lock."""
    mine = (Contact.workspace_id == workspace_id, Contact.id == contact_id)
    if not await lock_rows(session, Contact, *mine):
        return None
    return await session.scalar(select(Contact).where(*mine).execution_options(populate_existing=True))


async def find_duplicate(
    session: AsyncSession, *, workspace_id: int, email: str | None, phone: str | None, exclude_id: int | None = None
) -> tuple[Contact, str] | None:
    """The existing contact sharing the e-mail or phone, and which field matched."""
    # One lookup per field: each uses its unique (workspace, value) index, where an OR would scan.
    for field, value in (("email", email), ("phone", phone)):
        if not value:
            continue
        stmt = select(Contact).where(Contact.workspace_id == workspace_id, getattr(Contact, field) == value)
        if exclude_id is not None:
            stmt = stmt.where(Contact.id != exclude_id)
        existing = await session.scalar(stmt.limit(1))
        if existing is not None:
            return existing, field
    return None


async def is_tombstoned(session: AsyncSession, *, workspace_id: int, email: str | None, phone: str | None) -> bool:
    hashes = [tombstone_hash("email", email)] if email else []
    hashes += [tombstone_hash("phone", phone)] if phone else []
    if not hashes:
        return False
    found = await session.scalar(
        select(ContactTombstone.id)
        .where(ContactTombstone.workspace_id == workspace_id, ContactTombstone.value_hash.in_(hashes))
        .limit(1)
    )
    return found is not None


async def field_definitions(session: AsyncSession, *, workspace_id: int) -> dict[str, CustomFieldDefinition]:
    rows = await session.scalars(select(CustomFieldDefinition).where(CustomFieldDefinition.workspace_id == workspace_id))
    return {d.key: d for d in rows}


async def custom_values(session: AsyncSession, *, workspace_id: int, contact_id: int) -> dict[int, CustomFieldValue]:
    rows = await session.scalars(
        select(CustomFieldValue).where(
            CustomFieldValue.workspace_id == workspace_id, CustomFieldValue.contact_id == contact_id
        )
    )
    return {v.field_id: v for v in rows}


async def set_custom_value(
    session: AsyncSession, *, workspace_id: int, contact_id: int, field_id: int, columns: dict[str, Any] | None
) -> None:
    await session.execute(
        delete(CustomFieldValue).where(
            CustomFieldValue.workspace_id == workspace_id,
            CustomFieldValue.contact_id == contact_id,
            CustomFieldValue.field_id == field_id,
        )
    )
    if columns is not None:
        session.add(CustomFieldValue(workspace_id=workspace_id, contact_id=contact_id, field_id=field_id, **columns))


async def add_members(
    session: AsyncSession, kind: str, *, workspace_id: int, pairs: Sequence[tuple[int, int]], now: datetime
) -> list[tuple[int, int]]:
    """Add (contact id, target id) memberships; returns those this statement inserted.

    Existing ones are left as they are (ON CONFLICT DO NOTHING), including one a concurrent request
    inserted a moment before: RETURNING names only our rows, so only real additions get audited.
    Rows go in key order, so two requests adding overlapping sets wait for each other, never deadlock.
    """
    if not pairs:
        return []
    table, column = MEMBERSHIP_TABLES[kind]
    rows = [{"workspace_id": workspace_id, "contact_id": c, column: t, "created_at": now} for c, t in sorted(set(pairs))]
    target = getattr(table, column)
    stmt = insert_ignore(session, table.__table__, ["contact_id", column]).returning(table.contact_id, target)
    # Executed with a list, SQLAlchemy sends multi-row INSERTs under each driver's parameter limit
    # ("insertmanyvalues") and gathers what every one of them returned: any number of pairs fits.
    return [(c, t) for c, t in await session.execute(stmt, rows)]


async def remove_members(
    session: AsyncSession, kind: str, *, workspace_id: int, contact_ids: Sequence[int], target_ids: Sequence[int]
) -> list[tuple[int, int]]:
    """Remove memberships; returns the (contact id, target id) this statement deleted (not one a concurrent request did)."""
    table, column = MEMBERSHIP_TABLES[kind]
    target = getattr(table, column)
    stmt = (
        delete(table)
        .where(table.workspace_id == workspace_id, table.contact_id.in_(contact_ids), target.in_(target_ids))
        .returning(table.contact_id, target)
    )
    return [(c, t) for c, t in await session.execute(stmt)]


async def delete_contacts(
    session: AsyncSession, *, workspace_id: int, contacts: Sequence[Contact], now: datetime
) -> list[int]:
    """Remove contacts for good (related rows cascade) and leave only hashed tombstones.

    Returns the ids this statement deleted: a contact another request deleted meanwhile is not among them.
    """
    if not contacts:
        return []
    ids = [c.id for c in contacts]
    tombstones = []
    for c in contacts:
        if c.email:
            tombstones.append({"workspace_id": workspace_id, "kind": "email", "value_hash": tombstone_hash("email", c.email), "deleted_at": now})
        if c.phone:
            tombstones.append({"workspace_id": workspace_id, "kind": "phone", "value_hash": tombstone_hash("phone", c.phone), "deleted_at": now})
    if tombstones:
        await session.execute(
            insert_ignore(session, ContactTombstone.__table__, ["workspace_id", "kind", "value_hash"]).values(tombstones)
        )
    await session.execute(
        delete(AuditEntry).where(AuditEntry.workspace_id == workspace_id, AuditEntry.contact_id.in_(ids))
    )
    deleted = await session.execute(
        delete(Contact).where(Contact.workspace_id == workspace_id, Contact.id.in_(ids)).returning(Contact.id)
    )
    return list(deleted.scalars())
