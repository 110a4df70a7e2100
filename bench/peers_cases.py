"""What bench/peers.py times: the cases, their GraphQL bodies per server, and the `data` comparison.

Every case sends the same variables to each server in the same order (request i of a case is the
same contact / filter everywhere). PostGraphile gets the equivalent query in its generated schema
where one exists (the profile and the 25-contacts list); it cannot compute Rapport's derived facts.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.handwritten import LIST_DOCUMENT

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "contract"
PROFILE = (CONTRACT / "profile.graphql").read_text(encoding="utf-8")
CONTACTS = (CONTRACT / "contacts.graphql").read_text(encoding="utf-8")
STATUSES = ("NEW", "FREQUENT", "DORMANT", "EXPIRED", "INACTIVE", "DISCARDED")
SEARCH = "maria"

# PostGraphile v4 (default inflection): every contract field reachable through foreign keys.
POSTGRAPHILE_PROFILE = """query ContactProfile($id: Int!) { contactById(id: $id) {
  id name email phone contactSince origin lastActivityAt discardReason
  companyByCompanyId { id name } departmentByDepartmentId { id name }
  appUserByAssignedAgentId { id name } contactGroupByAssignedGroupId { id name }
  channelSubscriptionsByContactId { nodes { channel status address changedAt lastEventType lastEventAt } }
  contactListMembersByContactId { nodes { contactListByListId { id name } } }
  contactGroupMembersByContactId { nodes { contactGroupByGroupId { id name } } }
  contactTagsByContactId { nodes { tagByTagId { id name } } }
  customFieldValuesByContactId { nodes { valueText valueNumber valueDate valueBool
    customFieldDefinitionByFieldId { key label type } } }
  notesByContactId(first: 5, orderBy: [CREATED_AT_DESC, ID_DESC]) {
    totalCount nodes { id body createdAt appUserByAuthorUserId { id name } } }
  npsResponsesByContactId(first: 1, orderBy: [RESPONDED_AT_DESC, ID_DESC]) { nodes { score comment respondedAt } }
  openTickets: ticketsByContactId(condition: {status: "OPEN"}) { totalCount }
  resolvedTickets: ticketsByContactId(condition: {status: "RESOLVED"}) { totalCount }
  contactItemsByContactId(first: 5, orderBy: [LAST_INTERACTION_AT_DESC, ITEM_ID_DESC]) {
    totalCount nodes { interactions lastInteractionAt itemByItemId { id name } } }
  messageEventsByContactId(first: 10, orderBy: [OCCURRED_AT_DESC, ID_DESC]) {
    pageInfo { hasNextPage endCursor } edges { cursor node { id channel type occurredAt } } }
} }"""
POSTGRAPHILE_LIST = """query ContactsWithTags($ws: Int!) {
  allContacts(first: 25, orderBy: [CONTACT_SINCE_DESC, ID_DESC], condition: {workspaceId: $ws}) {
    nodes { id name companyByCompanyId { id name } contactTagsByContactId { nodes { tagByTagId { id name } } } } } }"""
POSTGRAPHILE_GAPS = (
    "PostGraphile answers the profile without: the derived status, the 90-day message metrics (it cannot sum "
    "the daily rollups of a date window), the satisfaction index, the NPS category, custom-field values as "
    "text and channel order; tags/lists/groups come in key order, not by name; no API-key check and no "
    "workspace scoping of related rows (the same tables, read by primary and foreign keys)."
)


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


@dataclass
class Case:
    name: str
    operation: str
    document: str
    variables: list[dict[str, Any]]  # request i uses variables[i % len]
    postgraphile: tuple[str, list[dict[str, Any]]] | None = None
    excluded: dict[str, str] = field(default_factory=dict)  # server -> why it is not timed

    def body(self, server: str, i: int) -> dict[str, Any] | None:
        if server == "PostGraphile":
            if self.postgraphile is None:
                return None
            document, variables = self.postgraphile
            return {"query": document, "variables": variables[i % len(variables)]}
        return {"query": self.document, "operationName": self.operation,
                "variables": self.variables[i % len(self.variables)]}


def build_cases(*, contact_ids: list[int], tag_ids: list[int], segment_ids: list[int], workspace_id: int,
                profiles: int, seed: int = 7) -> list[Case]:
    rng = random.Random(seed)
    sample = rng.sample(contact_ids, min(profiles, len(contact_ids)))
    page = {"first": 25}
    cases = [Case("ContactProfile", "ContactProfile", PROFILE, [{"id": global_id("Contact", i)} for i in sample],
                  postgraphile=(POSTGRAPHILE_PROFILE, [{"id": i} for i in sample])),
             Case("ContactsPage default order", "ContactsPage", CONTACTS, [page])]
    cases += [Case(f"ContactsPage {s}", "ContactsPage", CONTACTS, [dict(page, filter={"status": [s]})]) for s in STATUSES]
    cases.append(Case(f'ContactsPage search "{SEARCH}"', "ContactsPage", CONTACTS, [dict(page, search=SEARCH)]))
    if tag_ids:
        tag = tag_ids[len(tag_ids) // 2]
        cases.append(Case("ContactsPage tag filter", "ContactsPage", CONTACTS,
                          [dict(page, filter={"tagIds": [global_id("Tag", tag)]})]))
    if segment_ids:
        cases.append(Case("ContactsPage segment", "ContactsPage", CONTACTS,
                          [dict(page, filter={"segmentId": global_id("Segment", segment_ids[0])})]))
    cases.append(Case("FilterOptions", "FilterOptions", CONTACTS, [{}]))
    cases.append(Case("25 contacts + tags + company", "ContactsWithTags", LIST_DOCUMENT, [{}],
                      postgraphile=(POSTGRAPHILE_LIST, [{"ws": workspace_id}])))
    return cases


def first_difference(a: Any, b: Any, path: str = "data") -> str | None:
    """Where two `data` values differ (floats: up to 1e-9 relative, the order of a float sum); None if equal."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if key not in a or key not in b:
                return f"{path}.{key}: only in {'Rapport' if key in a else 'hand-written'}"
            found = first_difference(a[key], b[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return None if abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)) else f"{path}: {a!r} != {b!r}"
    return None if a == b and type(a) is type(b) else f"{path}: {a!r} != {b!r}"
