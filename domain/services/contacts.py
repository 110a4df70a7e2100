"""Reading contacts: one contact, pages of the contacts module, status counts, segment sizes."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from domain.db import RequestSession
from domain.errors import InvalidInput
from domain.filters import ContactFilter, ContactOrder, ContactQuery
from domain.models import Contact, Segment
from domain.policies import Action, Principal, authorize
from domain.reads import contact_counts
from domain.reads.contact_match import ContactMatch, match_queries
from domain.repositories import catalog as catalog_repo
from domain.repositories import contacts as contacts_repo
from domain.repositories.paging import MAX_PAGE_SIZE, InvalidCursor, Page


def validate_first(first: int, field: str = "first") -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidInput(f"`{field}` must be between 1 and {MAX_PAGE_SIZE}", field=field)


async def get_contacts(*, session: RequestSession, principal: Principal, ids: Sequence[int]) -> list[Contact]:
    """Contacts of the caller's workspace among `ids` (others are silently absent)."""
    authorize(principal, Action.READ)
    return await contacts_repo.get_many(session, workspace_id=principal.workspace_id, ids=ids)


async def _segment_query(session: RequestSession, principal: Principal, segment_id: int) -> ContactQuery | None:
    found = await catalog_repo.get_many(session, Segment, workspace_id=principal.workspace_id, ids=[segment_id])
    if not found:
        return None
    # A segment's stored filter cannot itself name a segment, so resolution stops here.
    return segment_query(found[0])


def segment_query(segment: Segment) -> ContactQuery:
    return ContactQuery(filter=ContactFilter.from_json(segment.filter), search=segment.search)


async def conditions_for(
    *, session: RequestSession, principal: Principal, query: ContactQuery, now: datetime, include_status: bool = True
) -> list[ColumnElement[bool]] | None:
    """SQL conditions for a filter + search, with its segment resolved; None if it matches nothing."""
    conds = contacts_repo.query_conditions(
        query, workspace_id=principal.workspace_id, now=now, include_status=include_status
    )
    if query.filter.segment_id is not None:
        segment = await _segment_query(session, principal, query.filter.segment_id)
        if segment is None:
            return None
        conds += contacts_repo.query_conditions(segment, workspace_id=principal.workspace_id, now=now)
    return conds


async def match_for(
    *, session: RequestSession, principal: Principal, query: ContactQuery, now: datetime
) -> ContactMatch | None:
    """What a filter + search matches, with its segment resolved; None if it matches nothing."""
    queries = [query]
    if query.filter.segment_id is not None:
        segment = await _segment_query(session, principal, query.filter.segment_id)
        if segment is None:
            return None
        queries.append(segment)
    return match_queries(queries, workspace_id=principal.workspace_id, now=now)


async def list_contacts(
    *,
    session: RequestSession,
    principal: Principal,
    query: ContactQuery,
    order: ContactOrder,
    first: int,
    after: str | None,
    now: datetime,
) -> tuple[Page[Any], ContactMatch | None]:
    """One page of the contacts module, and what it matches (to count the whole result lazily)."""
    authorize(principal, Action.READ)
    validate_first(first)
    match = await match_for(session=session, principal=principal, query=query, now=now)
    if match is None:
        return Page.empty(), None
    try:
        page = await contacts_repo.page(
            session, workspace_id=principal.workspace_id, conditions=match.conditions, order=order, first=first,
            after=after, statuses=match.statuses if match.status_only else None, now=now,
        )
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc
    return page, match


async def count_contacts(
    *, session: RequestSession, principal: Principal, match: ContactMatch | None, now: datetime
) -> int:
    """How many contacts a page's query matches in all (maintained counts where its shape allows)."""
    authorize(principal, Action.READ)
    if match is None or match.workspace_id != principal.workspace_id:
        return 0
    return await contact_counts.count(session, match, now=now)


async def status_counts(
    *, session: RequestSession, principal: Principal, query: ContactQuery, now: datetime
) -> dict[str, int]:
    """Counts per engagement status under every filter except the status filter itself."""
    authorize(principal, Action.READ)
    query = ContactQuery(filter=query.filter.without_statuses(), search=query.search)
    match = await match_for(session=session, principal=principal, query=query, now=now)
    if match is None:
        return dict.fromkeys(contact_counts.STATUS_KEYS, 0)
    return await contact_counts.status_counts(session, match, now=now)


async def segment_sizes(
    *, session: RequestSession, principal: Principal, segment_ids: Sequence[int], now: datetime
) -> dict[int, int]:
    """How many contacts each segment matches right now (segments are evaluated live), in one statement."""
    authorize(principal, Action.READ)
    ws = principal.workspace_id
    segments = await catalog_repo.get_many(session, Segment, workspace_id=ws, ids=segment_ids)
    matches = {
        s.id: match_queries([segment_query(s)], workspace_id=ws, now=now) for s in segments if s.id is not None
    }
    sizes = await contact_counts.count_many(session, matches, workspace_id=ws, now=now)
    return {i: sizes.get(i, 0) for i in segment_ids}
