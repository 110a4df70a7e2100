"""Writes of the workspace catalogue (tags, departments, groups, lists, companies, segments).

Every function is scoped to one workspace.
"""

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Contact, ContactTag
from domain.text import fold

M = TypeVar("M")


async def find_same_name(
    session: AsyncSession, model: type[M], *, workspace_id: int, name: str, exclude_id: int | None = None
) -> M | None:
    """An entity whose name equals `name` ignoring case, accents and runs of spaces ("Reactivación"
    and "reactivacion" are one name), as domain.text.fold compares them: one lookup of the stored
    folded name in its unique index, whatever the number of names."""
    stmt = select(model).where(model.workspace_id == workspace_id, model.name_key == fold(name))  # type: ignore[attr-defined]
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)  # type: ignore[attr-defined]
    return (await session.scalars(stmt.limit(1))).first()


async def contacts_in_department(session: AsyncSession, *, workspace_id: int, department_id: int) -> list[int]:
    rows = await session.scalars(
        select(Contact.id).where(Contact.workspace_id == workspace_id, Contact.department_id == department_id)
    )
    return sorted(rows)


async def clear_department(session: AsyncSession, *, workspace_id: int, department_id: int, now: datetime) -> None:
    """Contacts of a department being deleted keep existing, with no department."""
    await session.execute(
        update(Contact)
        .where(Contact.workspace_id == workspace_id, Contact.department_id == department_id)
        .values(department_id=None, updated_at=now)
    )


async def touch_tagged(session: AsyncSession, *, workspace_id: int, tag_id: int, now: datetime) -> None:
    members = select(ContactTag.contact_id).where(ContactTag.workspace_id == workspace_id, ContactTag.tag_id == tag_id)
    await session.execute(
        update(Contact).where(Contact.workspace_id == workspace_id, Contact.id.in_(members)).values(updated_at=now)
    )


async def delete_tag_memberships(session: AsyncSession, *, workspace_id: int, tag_id: int) -> list[int]:
    """Take the tag off every contact; the contacts that carried it.

    Explicit rather than through ON DELETE CASCADE, which SQLite honours only when the connection
    enabled foreign keys.
    """
    rows = await session.execute(
        delete(ContactTag).where(ContactTag.workspace_id == workspace_id, ContactTag.tag_id == tag_id)
        .returning(ContactTag.contact_id)
    )
    return sorted(rows.scalars())


async def delete_memberships(session: AsyncSession, table: Any, column: str, *, workspace_id: int, target_id: int,
                             now: datetime) -> list[int]:
    """Take every contact out of `target_id` (explicitly: SQLite cascades only with foreign keys on);
    the contacts that were in it."""
    members = select(table.contact_id).where(table.workspace_id == workspace_id, getattr(table, column) == target_id)
    await session.execute(
        update(Contact).where(Contact.workspace_id == workspace_id, Contact.id.in_(members)).values(updated_at=now)
    )
    rows = await session.execute(
        delete(table).where(table.workspace_id == workspace_id, getattr(table, column) == target_id)
        .returning(table.contact_id)
    )
    return sorted(rows.scalars())


async def clear_column(session: AsyncSession, column: str, *, workspace_id: int, value: int, now: datetime) -> list[int]:
    """Contacts whose `column` (company_id, assigned_group_id...) is `value` keep existing, without it; returns them."""
    target = getattr(Contact, column)
    found = sorted(await session.scalars(
        select(Contact.id).where(Contact.workspace_id == workspace_id, target == value)
    ))
    if found:
        await session.execute(
            update(Contact).where(Contact.workspace_id == workspace_id, target == value).values(**{column: None}, updated_at=now)
        )
    return found


async def delete_entity(session: AsyncSession, model: Any, *, workspace_id: int, entity_id: int) -> None:
    await session.execute(delete(model).where(model.workspace_id == workspace_id, model.id == entity_id))
