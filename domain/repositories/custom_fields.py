"""Custom field definitions and what their stored values hold. Every function is scoped to one workspace."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Contact, CustomFieldDefinition, CustomFieldValue

VALUE_COLUMNS = ("value_text", "value_number", "value_date", "value_bool")


async def definitions(session: AsyncSession, *, workspace_id: int) -> list[CustomFieldDefinition]:
    """The workspace's definitions in the order a form shows them: position, then key."""
    rows = await session.scalars(
        select(CustomFieldDefinition)
        .where(CustomFieldDefinition.workspace_id == workspace_id)
        .order_by(CustomFieldDefinition.position, CustomFieldDefinition.key, CustomFieldDefinition.id)
    )
    return list(rows)


async def count(session: AsyncSession, *, workspace_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(CustomFieldDefinition).where(CustomFieldDefinition.workspace_id == workspace_id)
    ) or 0


async def key_taken(session: AsyncSession, *, workspace_id: int, key: str) -> bool:
    found = await session.scalar(
        select(CustomFieldDefinition.id).where(
            CustomFieldDefinition.workspace_id == workspace_id, CustomFieldDefinition.key == key
        )
    )
    return found is not None


def _values_of(workspace_id: int, field_id: int) -> Any:
    return (CustomFieldValue.workspace_id == workspace_id, CustomFieldValue.field_id == field_id)


async def contacts_with_value(session: AsyncSession, *, workspace_id: int, field_id: int) -> int:
    """How many contacts hold a value of the field (one value per contact and field)."""
    return await session.scalar(
        select(func.count()).select_from(CustomFieldValue).where(*_values_of(workspace_id, field_id))
    ) or 0


async def contacts_with_choices(
    session: AsyncSession, *, workspace_id: int, field_id: int, choices: Sequence[str]
) -> int:
    """How many contacts hold one of `choices` (CHOICE values live in value_text)."""
    if not choices:
        return 0
    return await session.scalar(
        select(func.count()).select_from(CustomFieldValue).where(
            *_values_of(workspace_id, field_id), CustomFieldValue.value_text.in_(list(choices))
        )
    ) or 0


async def stored_values(session: AsyncSession, *, workspace_id: int, field_id: int) -> dict[int, Any]:
    """Each contact's value of the field (the one typed column that is set), by contact id."""
    rows = await session.execute(
        select(CustomFieldValue.contact_id, *(getattr(CustomFieldValue, c) for c in VALUE_COLUMNS))
        .where(*_values_of(workspace_id, field_id))
    )
    return {contact_id: next((v for v in values if v is not None), None) for contact_id, *values in rows}


async def delete_definition(session: AsyncSession, *, workspace_id: int, field_id: int, now: datetime) -> None:
    """The definition and every value of it; the contacts that held one are touched (updated_at).

    Values are deleted explicitly, not through ON DELETE CASCADE, which SQLite honours only when the
    connection enabled foreign keys.
    """
    holders = select(CustomFieldValue.contact_id).where(*_values_of(workspace_id, field_id))
    await session.execute(
        update(Contact).where(Contact.workspace_id == workspace_id, Contact.id.in_(holders)).values(updated_at=now)
    )
    await session.execute(delete(CustomFieldValue).where(*_values_of(workspace_id, field_id)))
    await session.execute(
        delete(CustomFieldDefinition).where(
            CustomFieldDefinition.workspace_id == workspace_id, CustomFieldDefinition.id == field_id
        )
    )
