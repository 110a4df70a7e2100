"""The Contact type: its own columns directly, everything related through the request's loaders."""

from collections.abc import Callable
from dataclasses import field
from datetime import datetime
from typing import Any

import strawberry

from api.access.types import User
from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import to_global_id
from api.prefetch import PARTS, Want
from api.types.catalog import FlowEnrolment, Company, ContactList, Department, Group, Tag, maybe
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


# The planner part each field reads, from its arguments (raising as the field does on an invalid one).
# api.prefetch uses the same functions to read a page's parts before the fields resolve.
def _plain(name: str) -> Want:
    return (name,)


def _notes(first: int = 10, after: str | None = None) -> Want:
    validate_first(first)
    return ("notes", first, _offset(after))


def _items(first: int = 10, after: str | None = None) -> Want:
    validate_first(first)
    return ("items", first, _offset(after))


def _activity(first: int = 20, after: str | None = None) -> Want:
    validate_first(first)
    at, last_id = _event_cursor(after)
    return ("activity", first, at, last_id)


def _satisfaction(days: int = DEFAULT_WINDOW_DAYS) -> Want:
    return ("conversations", _window(days))


def _metrics(days: int = DEFAULT_WINDOW_DAYS) -> Want:
    return ("counters", _window(days))


def _ticket_counts(counts: dict[Any, int]) -> "TicketCounts":
    open_, resolved = counts.get(TicketStatus.OPEN, 0), counts.get(TicketStatus.RESOLVED, 0)
    return TicketCounts(open=open_, resolved=resolved, all=open_ + resolved)


PARTS.update({
    **{graphql: (lambda name=name: _plain(name)) for graphql, name in (
        ("company", "company"), ("department", "department"), ("assignment", "assignment"),
        ("channels", "channels"), ("lists", "lists"), ("groups", "groups"), ("tags", "tags"), ("flows", "flows"),
        ("customFields", "custom_fields"), ("happiness", "happiness"), ("tickets", "tickets"),
    )},
    "notes": _notes,
    "items": _items,
    "activity": _activity,
    "satisfaction": _satisfaction,
    "messageMetrics": _metrics,
})


@strawberry.type(description="A person the workspace talks to over SMS, e-mail, WhatsApp or RCS.")
class Contact(Node):
    row: strawberry.Private[models.Contact]
    # Parts read ahead by api.prefetch, by want.
    parts: strawberry.Private[dict[Want, Any]] = field(default_factory=dict)
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

    def _part(self, info: Info, want: Want, then: Callable[[Any], Any]) -> Any:
        """`then` of the part: at once when it was prefetched (api.prefetch), else once the loader read it."""
        parts = self.parts
        if want in parts:
            return then(parts[want])

        async def loaded() -> Any:
            return then(await info.context.loaders.contact_parts.load((self.row.id, want)))

        return loaded()

    # Sync resolvers: they return the value, or an awaitable when the part was not prefetched.
    @strawberry.field
    def company(self, info: Info) -> Company | None:
        if self.row.company_id is None:
            return None
        return self._part(info, _plain("company"), lambda row: maybe(Company.from_row, row))

    @strawberry.field
    def department(self, info: Info) -> Department | None:
        if self.row.department_id is None:
            return None
        return self._part(info, _plain("department"), lambda row: maybe(Department.from_row, row))

    @strawberry.field(description="Null when the contact is assigned to nobody.")
    def assignment(self, info: Info) -> Assignment | None:
        if self.row.assigned_agent_id is None and self.row.assigned_group_id is None:
            return None
        return self._part(
            info, _plain("assignment"),
            lambda pair: Assignment(agent=maybe(User.from_row, pair[0]), group=maybe(Group.from_row, pair[1])),
        )

    @strawberry.field
    def channels(self, info: Info) -> list[ChannelSubscription]:
        return self._part(info, _plain("channels"), lambda rows: [ChannelSubscription.from_row(r) for r in rows])

    @strawberry.field
    def lists(self, info: Info) -> list[ContactList]:
        return self._part(info, _plain("lists"), lambda rows: [ContactList.from_row(r) for r in rows])

    @strawberry.field
    def groups(self, info: Info) -> list[Group]:
        return self._part(info, _plain("groups"), lambda rows: [Group.from_row(r) for r in rows])

    @strawberry.field(description="The flows the contact is enrolled in, newest enrolment first, with its status.")
    def flows(self, info: Info) -> list[FlowEnrolment]:
        return self._part(info, _plain("flows"), lambda rows: [FlowEnrolment.from_row(r) for r in rows])

    @strawberry.field
    def tags(self, info: Info) -> list[Tag]:
        return self._part(info, _plain("tags"), lambda rows: [Tag.from_row(r) for r in rows])

    @strawberry.field
    def custom_fields(self, info: Info) -> list[CustomFieldValue]:
        return self._part(info, _plain("custom_fields"), lambda rows: [CustomFieldValue.from_row(r) for r in rows])

    @strawberry.field(description="Newest first.")
    def notes(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Note] | None:
        with domain_errors_as_graphql():
            want = _notes(first, after)
        return self._part(info, want, lambda page: _connection(page, Note.from_row, after is not None))

    @strawberry.field(description="The latest NPS answer; null if the contact never answered.")
    def happiness(self, info: Info) -> Happiness | None:
        return self._part(info, _plain("happiness"), lambda row: maybe(Happiness.from_row, row))

    @strawberry.field(
        description="Satisfaction inferred from the conversations started in the last `days` days; null until a "
        "classifier has scored at least one of them."
    )
    def satisfaction(self, info: Info, days: int = DEFAULT_WINDOW_DAYS) -> Satisfaction | None:
        with domain_errors_as_graphql():
            want = _satisfaction(days)
        return self._part(info, want, lambda conversations: maybe(Satisfaction.from_domain, aggregate(conversations)))

    @strawberry.field(description="Conversations with the contact, newest first.")
    async def conversations(self, info: Info, first: int = 10, after: str | None = None) -> Connection[Conversation] | None:
        with domain_errors_as_graphql():
            validate_first(first)
            page = await info.context.loaders.conversations_page.load((self.row.id, first, _offset(after)))
        return _connection(page, Conversation.from_row, after is not None)

    @strawberry.field
    def message_metrics(self, info: Info, days: int = DEFAULT_WINDOW_DAYS) -> MessageMetrics | None:
        with domain_errors_as_graphql():
            want = _metrics(days)
        return self._part(info, want, lambda counters: MessageMetrics.from_domain(compute_metrics(counters, days)))

    @strawberry.field
    def tickets(self, info: Info) -> TicketCounts:
        return self._part(info, _plain("tickets"), _ticket_counts)

    @strawberry.field(description="Items the contact interacted with, most recent first.")
    def items(self, info: Info, first: int = 10, after: str | None = None) -> Connection[ContactItem] | None:
        with domain_errors_as_graphql():
            want = _items(first, after)
        return self._part(info, want, lambda page: _connection(page, ContactItem.from_row, after is not None))

    @strawberry.field(description="Message events on every channel, newest first.")
    def activity(self, info: Info, first: int = 20, after: str | None = None) -> ActivityConnection | None:
        with domain_errors_as_graphql():
            want = _activity(first, after)

        def connection(page: Any) -> ActivityConnection:
            return ActivityConnection(
                page_info=page_info(page.cursors, page.has_next_page, after is not None),
                edges=[Edge(cursor=c, node=ActivityEvent.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)],
            )

        return self._part(info, want, connection)

    @strawberry.field(description="Every change to the contact (who, when, which fields, old and new values), newest first.")
    async def history(self, info: Info, first: int = 20, after: str | None = None) -> ContactHistoryConnection | None:
        with domain_errors_as_graphql():
            validate_first(first)
            try:
                page = await info.context.loaders.history_page.load((self.row.id, first, after))
            except InvalidCursor as exc:
                raise InvalidInput(str(exc), field="after") from exc
        return ContactHistoryConnection.from_page(self.row.id, page, after is not None)


