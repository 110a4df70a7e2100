"""Reads of the workspace's catalogue: companies, departments, tags, lists, groups, segments, flows, users."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, select

from domain.db import RequestSession, key_limit
from domain.models import (
    Company,
    ContactList,
    ContactListMember,
    ContactTag,
    Department,
    Flow,
    FlowEnrolment,
    Group,
    GroupMember,
    Segment,
    Tag,
    User,
    Workspace,
)
from domain.repositories import counters
from domain.repositories.paging import Page, cursor_key, cursor_text, decode_cursor, encode_cursor

M = TypeVar("M")

# Entities a global id may name, by the name used in ids. Contacts live in repositories.contacts.
NAMED_ENTITIES: dict[str, Any] = {
    "Company": Company,
    "Department": Department,
    "Tag": Tag,
    "ContactList": ContactList,
    "Group": Group,
    "Segment": Segment,
    "Flow": Flow,
    "User": User,
}

# Membership table and its column naming the entity, for contact counts.
MEMBERSHIPS: dict[Any, tuple[Any, str]] = {
    Tag: (ContactTag, "tag_id"),
    ContactList: (ContactListMember, "list_id"),
    Group: (GroupMember, "group_id"),
    Flow: (FlowEnrolment, "flow_id"),
}


async def get_many(session: RequestSession, model: type[M], *, workspace_id: int, ids: Sequence[int]) -> list[M]:
    if not ids:
        return []
    return list(
        await session.scalars(select(model).where(model.workspace_id == workspace_id, model.id.in_(ids)))  # type: ignore[attr-defined]
    )


async def get_workspace(session: RequestSession, *, workspace_id: int) -> Workspace | None:
    return await session.scalar(select(Workspace).where(Workspace.id == workspace_id))


async def page_by_name(
    session: RequestSession, model: type[M], *, workspace_id: int, first: int, after: str | None,
    conditions: Sequence[Any] = (),
) -> Page[M]:
    """Entities of a workspace (and `conditions`) ordered by name (then id), keyset-paginated, with the total."""
    name, key = model.name, model.id  # type: ignore[attr-defined]
    where = [model.workspace_id == workspace_id, *conditions]  # type: ignore[attr-defined]
    total = int(await session.scalar(select(func.count()).select_from(model).where(*where)))
    if after is not None:
        payload = decode_cursor(after)
        last_name, last_id = cursor_text(payload, "n"), cursor_key(payload, "i", limit=key_limit(model))
        where.append(or_(name > last_name, and_(name == last_name, key > last_id)))
    rows = list(await session.scalars(select(model).where(*where).order_by(name, key).limit(first + 1)))
    kept = rows[:first]
    return Page(
        items=kept,
        cursors=[encode_cursor({"n": r.name, "i": r.id}) for r in kept],  # type: ignore[attr-defined]
        has_next_page=len(rows) > first,
        total_count=total,
    )


# Entities whose contact counts the triggers maintain (domain.repositories.counters), by kind.
MAINTAINED_COUNTS: dict[Any, str] = {Tag: "tag", ContactList: "list", Group: "group"}


async def member_counts(
    session: RequestSession, model: Any, *, workspace_id: int, ids: Sequence[int]
) -> dict[int, int]:
    """Contacts per tag, list, group or flow, for many of them in one statement.

    Tags, lists and groups read their maintained counts (a few rows per id, whatever their size);
    flows, which no picker counts, count their enrolments.
    """
    if model in MAINTAINED_COUNTS:
        return await counters.member_counts(session, MAINTAINED_COUNTS[model], workspace_id=workspace_id, ids=ids)
    membership, column_name = MEMBERSHIPS[model]
    column = getattr(membership, column_name)
    rows = await session.all(
        select(column, func.count())
        .where(membership.workspace_id == workspace_id, column.in_(ids))
        .group_by(column)
    )
    counts = {int(k): int(n) for k, n in rows}
    return {i: counts.get(i, 0) for i in ids}
