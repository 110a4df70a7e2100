"""Creating, updating and deleting segments: a saved filter and search, evaluated live whenever the segment is read."""

from datetime import datetime
from typing import Any

from domain.db import RequestSession, write_transaction
from domain.errors import InvalidInput
from domain.filters import ContactFilter, ContactQuery
from domain.models import Company, ContactList, Department, Flow, Group, Segment, Tag
from domain.policies import Action, Principal, authorize
from domain.repositories.catalog_writes import delete_entity
from domain.services import audit, lookups
from domain.services.catalog_edit import clean_name, ensure_unique, flush_named

MAX_SEARCH = 200


def _references(f: ContactFilter) -> list[tuple[type, tuple[int, ...], str]]:
    return [
        (Tag, f.tag_ids, "filter.tagIds"),
        (Group, f.group_ids, "filter.groupIds"),
        (ContactList, f.list_ids, "filter.listIds"),
        (Company, f.company_ids, "filter.companyIds"),
        (Department, f.department_ids, "filter.departmentIds"),
        (Flow, f.flow_ids, "filter.flowIds"),
    ]


def _clean_search(search: str | None) -> str | None:
    if search is None or not search.strip():
        return None
    if len(search.strip()) > MAX_SEARCH:
        raise InvalidInput(f"`search` is limited to {MAX_SEARCH} characters", field="search")
    return search.strip()


def _cleaned(name: str, query: ContactQuery) -> tuple[str, str | None, dict[str, Any]]:
    """(name, search, stored filter) of a segment being saved; refuses what no segment may hold."""
    if query.filter.segment_id is not None:
        # Stored filters never name a segment, so resolving a segment never recurses.
        raise InvalidInput("a segment cannot be built on another segment", field="filter.segmentId")
    return clean_name(Segment, name), _clean_search(query.search), query.filter.to_json()


async def _check_in_workspace(
    session: RequestSession, principal: Principal, name: str, query: ContactQuery, *, exclude_id: int | None
) -> None:
    """The name is free and every id the filter names exists in the workspace."""
    await ensure_unique(session, principal, Segment, name, exclude_id=exclude_id)
    for model, ids, field in _references(query.filter):
        await lookups.many(session, principal, model, list(ids), field=field)


async def create_segment(
    *, session: RequestSession, principal: Principal, name: str, query: ContactQuery, now: datetime
) -> Segment:
    """Every id in the filter must exist in the workspace: a segment saved with a typo would silently match nobody."""
    authorize(principal, Action.WRITE)
    name, search, stored = _cleaned(name, query)
    async with write_transaction(session.raw):
        await _check_in_workspace(session, principal, name, query, exclude_id=None)
        segment = Segment(workspace_id=principal.workspace_id, name=name, filter=stored, search=search, created_at=now)
        session.raw.add(segment)
        await flush_named(session, Segment, name)
        await audit.record(
            session.raw, principal=principal, contact_id=None, action="SEGMENT_CREATED",
            changes=audit.diff({}, {"id": segment.id, "name": name, "filter": stored, "search": search}), at=now,
        )
    return segment


async def update_segment(
    *, session: RequestSession, principal: Principal, segment_id: int, name: str, query: ContactQuery, now: datetime
) -> Segment:
    """Replace a segment's name, filter and search (the same checks as creating one)."""
    authorize(principal, Action.WRITE)
    name, search, stored = _cleaned(name, query)
    async with write_transaction(session.raw):
        segment: Any = await lookups.locked(session, principal, Segment, segment_id, field="id")
        await _check_in_workspace(session, principal, name, query, exclude_id=segment.id)
        old = {"name": segment.name, "filter": segment.filter, "search": segment.search}
        changes = audit.diff(old, {"name": name, "filter": stored, "search": search})
        if changes:
            segment.name, segment.filter, segment.search = name, stored, search
            await flush_named(session, Segment, name)
            await audit.record(
                session.raw, principal=principal, contact_id=None, action="SEGMENT_UPDATED",
                changes=[{"field": "id", "old": segment.id, "new": segment.id}, *changes], at=now,
            )
    return segment


async def delete_segment(*, session: RequestSession, principal: Principal, segment_id: int, now: datetime) -> int:
    """Delete a saved segment (its contacts are not touched)."""
    authorize(principal, Action.WRITE)
    async with write_transaction(session.raw):
        segment: Any = await lookups.locked(session, principal, Segment, segment_id, field="id")
        await delete_entity(session.raw, Segment, workspace_id=principal.workspace_id, entity_id=segment_id)
        await audit.record(
            session.raw, principal=principal, contact_id=None, action="SEGMENT_DELETED",
            changes=audit.diff({"id": segment_id, "name": segment.name}, {"id": None, "name": None}), at=now,
        )
    return segment_id
