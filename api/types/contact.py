"""The Contact type: its own columns directly, everything related through the request's loaders."""

from datetime import datetime
from typing import Any

import strawberry

from api.access.types import User
from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import to_global_id
from api.types.catalog import Company, ContactList, Department, Group, Tag, maybe
from api.types.conversation import Conversation
from api.types.enums import ContactOrigin, DiscardReason, EngagementStatus
from api.types.history import ContactHistoryConnection
from api.types.metrics import MessageMetrics
from api.types.node import Connection, Edge, Node, PageInfo, page_info
from api.types.profile import (
    ActivityEvent,
    Assignment,
    ChannelSubscription,
    ContactItem,
    CustomFieldValue,
    Happiness,
    Note,
    Satisfaction,
    TicketCounts,
)
from domain import models
from domain.engagement import engagement_status
from domain.enums import TicketStatus
from domain.errors import InvalidInput
from domain.metrics import DEFAULT_WINDOW_DAYS, compute_metrics, validate_window
from domain.db import key_limit
from domain.repositories.paging import InvalidCursor, cursor_key, cursor_time, decode_cursor, offset_from_cursor
from domain.satisfaction import aggregate
from domain.services.contacts import validate_first




@strawberry.type
class ActivityConnection:
    page_info: PageInfo
    edges: list[Edge[ActivityEvent]]


def _offset(after: str | None) -> int:
    try:
        return offset_from_cursor(after)
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


def _event_cursor(after: str | None) -> tuple[datetime | None, int | None]:
    """The (time, id) of the last event a client saw; checked before any SQL runs."""
    if after is None:
        return None, None
    try:
        payload = decode_cursor(after)
        return cursor_time(payload, "t"), cursor_key(payload, "i", limit=key_limit(models.MessageEvent))
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


def _window(days: int) -> int:
    try:
        validate_window(days)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="days") from exc
    return days


def _connection(page, mapper, had_cursor: bool) -> Connection:  # type: ignore[no-untyped-def]
    return Connection(
        total_count=page.total_count or 0,
        page_info=page_info(page.cursors, page.has_next_page, had_cursor),
        edges=[Edge(cursor=c, node=mapper(r)) for r, c in zip(page.items, page.cursors, strict=True)],
    )


@strawberry.type(description="A person the workspace talks to over SMS, e-mail, WhatsApp or RCS.")
class Contact(Node):
    row: strawberry.Private[models.Contact]
    name: str
    email: str | None
    phone: str | None = strawberry.field(description="E.164")
    language: str | None
    origin: ContactOrigin
    contact_since: datetime
    last_activity_at: datetime | None
    discard_reason: DiscardReason | None
    discarded_at: datetime | None

    @classmethod
    def from_row(cls, row: models.Contact) -> "Contact":
        return cls(
            row=row,
            id=to_global_id("Contact", row.id),
            name=row.name,
            email=row.email,
            phone=row.phone,
            language=row.language,
            origin=row.origin,
            contact_since=row.contact_since,
            last_activity_at=row.last_activity_at,
            discard_reason=row.discard_reason,
            discarded_at=row.discarded_at,
        )

    @strawberry.field(description="Derived from the last activity; nobody sets it by hand.")
    def status(self, info: Info) -> EngagementStatus:
        return engagement_status(
            last_activity_at=self.row.last_activity_at, discard_reason=self.row.discard_reason, now=info.context.now
        )

    async def _part(self, info: Info, *want: Any) -> Any:
        return await info.context.loaders.contact_parts.load((self.row.id, want))

    @strawberry.field
    async def company(self, info: Info) -> Company | None:
        if self.row.company_id is None:
            return None
        return maybe(Company.from_row, await self._part(info, "company"))

    @strawberry.field
    async def department(self, info: Info) -> Department | None:
        if self.row.department_id is None:
            return None
        return maybe(Department.from_row, await self._part(info, "department"))

    @strawberry.field(description="Null when the contact is assigned to nobody.")
    async def assignment(self, info: Info) -> Assignment | None:
        if self.row.assigned_agent_id is None and self.row.assigned_group_id is None:
            return None
        agent, group = await self._part(info, "assignment")
        return Assignment(agent=maybe(User.from_row, agent), group=maybe(Group.from_row, group))

    @strawberry.field
    async def channels(self, info: Info) -> list[ChannelSubscription]:
        return [ChannelSubscription.from_row(r) for r in await self._part(info, "channels")]

    @strawberry.field
    async def lists(self, info: Info) -> list[ContactList]:
        return [ContactList.from_row(r) for r in await self._part(info, "lists")]

    @strawberry.field
    async def groups(self, info: Info) -> list[Group]:
        return [Group.from_row(r) for r in await self._part(info, "groups")]

    @strawberry.field
    async def tags(self, info: Info) -> list[Tag]:
        return [Tag.from_row(r) for r in await self._part(info, "tags")]

    @strawberry.field
    async def custom_fields(self, info: Info) -> list[CustomFieldValue]:
        return [CustomFieldValue.from_row(r) for r in await self._part(info, "custom_fields")]

    @strawberry.field(description="Newest first.")
    async def notes(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Note]:
        with domain_errors_as_graphql():
            validate_first(first)
            page = await self._part(info, "notes", first, _offset(after))
        return _connection(page, Note.from_row, after is not None)

    @strawberry.field(description="The latest NPS answer; null if the contact never answered.")
    async def happiness(self, info: Info) -> Happiness | None:
        return maybe(Happiness.from_row, await self._part(info, "happiness"))

    @strawberry.field(
        description="Satisfaction inferred from the conversations started in the last `days` days; null until a "
        "classifier has scored at least one of them."
    )
    async def satisfaction(self, info: Info, days: int = DEFAULT_WINDOW_DAYS) -> Satisfaction | None:
        with domain_errors_as_graphql():
            conversations = await self._part(info, "conversations", _window(days))
        return maybe(Satisfaction.from_domain, aggregate(conversations))

    @strawberry.field(description="Conversations with the contact, newest first.")
    async def conversations(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Conversation]:
        with domain_errors_as_graphql():
            validate_first(first)
            page = await info.context.loaders.conversations_page.load((self.row.id, first, _offset(after)))
        return _connection(page, Conversation.from_row, after is not None)

    @strawberry.field
    async def message_metrics(self, info: Info, days: int = DEFAULT_WINDOW_DAYS) -> MessageMetrics:
        with domain_errors_as_graphql():
            counters = await self._part(info, "counters", _window(days))
        return MessageMetrics.from_domain(compute_metrics(counters, days))

    @strawberry.field
    async def tickets(self, info: Info) -> TicketCounts:
        counts = await self._part(info, "tickets")
        open_, resolved = counts.get(TicketStatus.OPEN, 0), counts.get(TicketStatus.RESOLVED, 0)
        return TicketCounts(open=open_, resolved=resolved, all=open_ + resolved)

    @strawberry.field(description="Items the contact interacted with, most recent first.")
    async def items(self, info: Info, first: int = 10, after: str | None = None) -> Connection[ContactItem]:
        with domain_errors_as_graphql():
            validate_first(first)
            page = await self._part(info, "items", first, _offset(after))
        return _connection(page, ContactItem.from_row, after is not None)

    @strawberry.field(description="Message events on every channel, newest first.")
    async def activity(self, info: Info, first: int = 20, after: str | None = None) -> ActivityConnection:
        with domain_errors_as_graphql():
            validate_first(first)
            at, last_id = _event_cursor(after)
            page = await self._part(info, "activity", first, at, last_id)
        return ActivityConnection(
            page_info=page_info(page.cursors, page.has_next_page, after is not None),
            edges=[Edge(cursor=c, node=ActivityEvent.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)],
        )

    @strawberry.field(description="Every change to the contact (who, when, which fields, old and new values), newest first.")
    async def history(self, info: Info, first: int = 20, after: str | None = None) -> ContactHistoryConnection:
        with domain_errors_as_graphql():
            validate_first(first)
            try:
                page = await info.context.loaders.history_page.load((self.row.id, first, after))
            except InvalidCursor as exc:
                raise InvalidInput(str(exc), field="after") from exc
        return ContactHistoryConnection.from_page(self.row.id, page, after is not None)


