"""A contact's audit history as the API shows it: who changed which fields, when, from what to what."""

from datetime import datetime
from typing import Any

import strawberry

from api.context import Info
from api.access.types import User
from api.ids import to_global_id
from api.types.catalog import maybe
from api.types.changes import ContactHistoryChange, change_of
from api.types.node import Edge, Node, PageInfo, page_info
from domain.repositories.paging import Page


@strawberry.type(
    description="One change to a contact. `action` names what happened, the same however it was done (one action, "
    "a bulk job, an import): CONTACT_CREATED, CONTACT_UPDATED, CONTACT_SUSPENDED, CONTACT_REACTIVATED, "
    "CONTACT_TAGS_ADDED, CONTACT_TAGS_REMOVED, CONTACT_LISTS_ADDED, CONTACT_LISTS_REMOVED, CONTACT_GROUPS_ADDED, "
    "CONTACT_GROUPS_REMOVED, CONTACT_FLOWS_ADDED, CONTACT_COMPANY_SET, CONTACT_DEPARTMENT_SET, CONTACT_ASSIGNED, "
    "CONTACT_UNSUBSCRIBED, CONTACT_SUBSCRIBED, CONTACT_DISCARDED (a hard bounce, complaint or invalid address), "
    "NOTE_CREATED, and the catalogue deletions that took something from the contact: TAG_DELETED, "
    "DEPARTMENT_DELETED, GROUP_DELETED, CONTACT_LIST_DELETED, COMPANY_DELETED, CUSTOM_FIELD_DELETED. The "
    "values are AuditAction's."
)
class ContactHistoryEntry(Node):
    at: datetime
    action: str
    changes: list[ContactHistoryChange]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who made the change; null when the system made it (e.g. an integration).")
    async def actor(self, info: Info) -> User | None:
        if self.actor_id is None:
            return None
        return maybe(User.from_row, await info.context.loaders.user_by_id.load(self.actor_id))

    @classmethod
    def from_row(cls, row: Any) -> "ContactHistoryEntry":
        return cls(
            id=to_global_id("ContactHistoryEntry", row.id),
            at=row.at,
            action=row.action,
            actor_id=row.actor_user_id,
            changes=[change_of(c) for c in row.changes or ()],
        )

    @classmethod
    def from_contact_row(cls, row: Any) -> "ContactHistoryEntry | None":
        """For `node(id:)`: catalogue entries (no contact) are not part of any contact's history."""
        return None if row.contact_id is None else cls.from_row(row)


@strawberry.type(description="A contact's history, newest first.")
class ContactHistoryConnection:
    contact_id: strawberry.Private[int]
    page_info: PageInfo
    edges: list[Edge[ContactHistoryEntry]]

    @strawberry.field(description="How many entries the whole history holds (all pages).")
    async def total_count(self, info: Info) -> int:
        return await info.context.loaders.history_count.load(self.contact_id)

    @classmethod
    def from_page(cls, contact_id: int, page: Page[Any], had_cursor: bool) -> "ContactHistoryConnection":
        return cls(
            contact_id=contact_id,
            page_info=page_info(page.cursors, page.has_next_page, had_cursor),
            edges=[Edge(cursor=c, node=ContactHistoryEntry.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)],
        )
