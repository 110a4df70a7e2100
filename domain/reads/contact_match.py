"""What a contacts query matches, in the terms both the page and the counts need.

The page reads rows with `conditions`; the counts look at the shape of the query to pick the cheapest
exact way to count it (domain.reads.contact_counts): a status-only query is answered from the activity
histogram, statuses within one tag, list or group from that target's histogram, a query of
tags/lists/groups/flows only from the membership tables, anything that needs the contact rows
(company, department, search, or a status together with several memberships or a flow) by counting them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from domain.engagement import statuses_condition
from domain.enums import EngagementStatus
from domain.models import Contact
from domain.filters import ContactQuery
from domain.repositories.contacts import query_conditions
from domain.text import search_terms

# Membership facets: (kind, attribute of ContactFilter).
MEMBERSHIP_FACETS = (("tag", "tag_ids"), ("list", "list_ids"), ("group", "group_ids"), ("flow", "flow_ids"))
# Kinds whose members have a maintained activity histogram (domain/models/contact_counts.py).
HISTOGRAM_KINDS = frozenset({"tag", "list", "group"})


@dataclass(frozen=True)
class ContactMatch:
    """Contacts of one workspace matching every one of `queries` (a filter and its segment)."""

    workspace_id: int
    # Every condition, statuses included: what the page reads (and the fallback count).
    conditions: tuple[ColumnElement[bool], ...]
    # The statuses a contact may have; None when no query names a status.
    statuses: frozenset[EngagementStatus] | None
    # (kind, ids) of each membership facet: a contact must be in one of the ids of every facet.
    memberships: tuple[tuple[str, tuple[int, ...]], ...]
    # A company, department or search facet: only the contact rows can tell.
    row_facets: bool
    # The queries with the first one's statuses left out: equal for a ContactsPage's totalCount and its
    # status buttons (which apply every filter but `status`), so one can be derived from the other.
    facets: tuple[ContactQuery, ...] = ()

    @property
    def search_terms(self) -> frozenset[str]:
        """Every term the match's searches hold (a contact's search text must contain each)."""
        return frozenset(t for q in self.facets for t in search_terms(q.search or ""))

    def conditions_besides_search(self, now: datetime) -> list[ColumnElement[bool]]:
        """`conditions` but the search terms' (for rows already known to hold every term)."""
        conditions: list[ColumnElement[bool]] = []
        if self.statuses is not None:
            conditions.append(statuses_condition(
                sorted(self.statuses), last_activity_at=Contact.last_activity_at,
                discard_reason=Contact.discard_reason, now=now,
            ))
        for query in self.facets:
            conditions += query_conditions(ContactQuery(filter=query.filter), workspace_id=self.workspace_id, now=now,
                                           include_status=False)
        return conditions

    @property
    def status_only(self) -> bool:
        """No facet but (maybe) statuses: the activity histogram answers."""
        return not self.memberships and not self.row_facets

    @property
    def single_target(self) -> tuple[str, int] | None:
        """(kind, id) when the only facet (statuses aside) is one tag, list or group: its histogram answers."""
        if self.row_facets or len(self.memberships) != 1:
            return None
        ((kind, ids),) = self.memberships
        return (kind, ids[0]) if kind in HISTOGRAM_KINDS and len(set(ids)) == 1 else None

    @property
    def memberships_only(self) -> bool:
        """Membership facets and nothing else: the membership tables answer."""
        return bool(self.memberships) and not self.row_facets and self.statuses is None


def match_queries(queries: Sequence[ContactQuery], *, workspace_id: int, now: datetime) -> ContactMatch:
    """The match of all `queries` together (AND)."""
    conditions: list[ColumnElement[bool]] = []
    statuses: frozenset[EngagementStatus] | None = None
    memberships: list[tuple[str, tuple[int, ...]]] = []
    row_facets = False
    for query in queries:
        conditions += query_conditions(query, workspace_id=workspace_id, now=now)
        f = query.filter
        if f.statuses:
            named = frozenset(f.statuses)
            statuses = named if statuses is None else statuses & named
        for kind, attribute in MEMBERSHIP_FACETS:
            ids = getattr(f, attribute)
            if ids:
                memberships.append((kind, tuple(ids)))
        row_facets = row_facets or bool(
            f.company_ids or f.department_ids or f.discard_reasons or f.channel_statuses or search_terms(query.search or "")
        )
    return ContactMatch(
        workspace_id=workspace_id,
        conditions=tuple(conditions),
        statuses=statuses,
        memberships=tuple(memberships),
        row_facets=row_facets,
        facets=tuple(
            ContactQuery(filter=q.filter.without_statuses(), search=q.search) if i == 0 else q
            for i, q in enumerate(queries)
        ),
    )
