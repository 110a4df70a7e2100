"""Memberships of many contacts by kind (the profile itself is read by domain/reads/planner.py)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from domain.db import RequestSession
from domain.models import ContactList, ContactListMember, ContactTag, Group, GroupMember, Tag

_MEMBERSHIP = {
    "tags": (ContactTag, Tag, "tag_id"),
    "lists": (ContactListMember, ContactList, "list_id"),
    "groups": (GroupMember, Group, "group_id"),
}


async def memberships_by_contact(
    session: RequestSession, kind: str, *, workspace_id: int, contact_ids: Sequence[int]
) -> dict[int, list[Any]]:
    """Tags, lists or groups of many contacts, each contact's sorted by name."""
    membership, entity, column = _MEMBERSHIP[kind]
    rows = await session.all(
        select(membership.contact_id, entity)
        .join(entity, entity.id == getattr(membership, column))
        .where(
            membership.workspace_id == workspace_id,
            entity.workspace_id == workspace_id,
            membership.contact_id.in_(contact_ids),
        )
        .order_by(entity.name, entity.id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for contact_id, obj in rows:
        grouped[contact_id].append(obj)
    return grouped
