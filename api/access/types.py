"""Types of access: users, API keys and the workspace's audit trail."""

from datetime import datetime
from typing import Any

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.enums import AuditAction, AuditSource, Role
from api.types.changes import ContactHistoryChange, change_of
from api.types.node import Edge, Node, PageInfo, page_info
from domain import enums, models
from domain.repositories.paging import Page


@strawberry.type(description="A person who works in the workspace (agent, operator or admin).")
class User(Node):
    pk: strawberry.Private[int]
    name: str
    email: str = strawberry.field(description="The user's login name: a token's `sub` names them by it.")
    role: Role
    created_at: datetime
    deactivated_at: datetime | None = strawberry.field(
        description="When the user was deactivated: no key or token of theirs authenticates since."
    )

    @strawberry.field(description="False once deactivated.")
    def active(self) -> bool:
        return self.deactivated_at is None

    @classmethod
    def from_row(cls, row: models.User) -> "User":
        return cls(
            pk=row.id, id=to_global_id("User", row.id), name=row.name, email=row.email, role=row.role,
            created_at=row.created_at, deactivated_at=row.deactivated_at,
        )


@strawberry.type(
    description="An API key. It acts as its user, with the user's current role; the key itself is shown once, "
    "by apiKeyCreate (only its hash is stored)."
)
class ApiKey(Node):
    pk: strawberry.Private[int]
    user_id: strawberry.Private[int]
    prefix: str = strawberry.field(description="The key's first characters, to recognise it (`rapport key revoke` takes it).")
    label: str
    created_at: datetime
    expires_at: datetime | None = strawberry.field(description="Null: it never expires.")
    last_used_at: datetime | None = strawberry.field(description="Recorded at most once a minute.")
    revoked_at: datetime | None
    active: bool = strawberry.field(description="It authenticates now: not revoked, not expired, its user active.")

    @strawberry.field(description="Whom the key acts as.")
    async def user(self, info: Info) -> User:
        return User.from_row(await info.context.loaders.user_by_id.load(self.user_id))

    @classmethod
    def from_row(cls, row: models.ApiKey, *, user_active: bool, now: datetime) -> "ApiKey":
        expired = row.expires_at is not None and row.expires_at <= now
        return cls(
            pk=row.id, id=to_global_id("ApiKey", row.id), user_id=row.user_id, prefix=row.prefix, label=row.label,
            created_at=row.created_at, expires_at=row.expires_at, last_used_at=row.last_used_at,
            revoked_at=row.revoked_at, active=row.revoked_at is None and not expired and user_active,
        )

    @classmethod
    def from_listing(cls, row: Any, now: datetime) -> "ApiKey":
        return cls.from_row(row.ApiKey, user_active=row.user_deactivated_at is None, now=now)


@strawberry.type(description="A page of API keys, newest first.")
class ApiKeyConnection:
    total_count: int
    page_info: PageInfo
    edges: list[Edge[ApiKey]]

    @classmethod
    def from_page(cls, page: Page[Any], had_cursor: bool, now: datetime) -> "ApiKeyConnection":
        return cls(
            total_count=page.total_count or 0,
            page_info=page_info(page.cursors, page.has_next_page, had_cursor),
            edges=[Edge(cursor=c, node=ApiKey.from_listing(r, now)) for r, c in zip(page.items, page.cursors, strict=True)],
        )


_SUBJECT_TYPES = {"User", "ApiKey", "Workspace", "CustomFieldDefinition"}


@strawberry.type(
    description="One change in the workspace: to a contact (then `contactId` is set), to the catalogue, or to "
    "access (users and keys: `subjectId` names the user or key, resolvable with `node(id:)`)."
)
class AuditTrailEntry(Node):
    at: datetime
    action: AuditAction
    source: AuditSource | None = strawberry.field(
        description="API: made by `actor` over GraphQL; CLI: by the installation's operator on the command line."
    )
    contact_id: strawberry.ID | None
    subject_id: strawberry.ID | None
    changes: list[ContactHistoryChange]
    actor_id: strawberry.Private[int | None]

    @strawberry.field(description="Who made the change; null when the system or the command line made it.")
    async def actor(self, info: Info) -> User | None:
        if self.actor_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.actor_id)
        return None if row is None else User.from_row(row)

    @classmethod
    def from_row(cls, row: Any) -> "AuditTrailEntry":
        subject = None
        if row.subject_type in _SUBJECT_TYPES and row.subject_id is not None:
            subject = strawberry.ID(to_global_id(row.subject_type, row.subject_id))
        return cls(
            id=to_global_id("AuditTrailEntry", row.id), at=row.at, action=enums.AuditAction(row.action),
            source=None if row.source is None else enums.AuditSource(row.source),
            contact_id=None if row.contact_id is None else strawberry.ID(to_global_id("Contact", row.contact_id)),
            subject_id=subject, changes=[change_of(c) for c in row.changes or ()], actor_id=row.actor_user_id,
        )


@strawberry.type(description="The workspace's audit trail, newest first.")
class AuditTrailConnection:
    page_info: PageInfo
    edges: list[Edge[AuditTrailEntry]]

    @classmethod
    def from_page(cls, page: Page[Any], had_cursor: bool) -> "AuditTrailConnection":
        return cls(
            page_info=page_info(page.cursors, page.has_next_page, had_cursor),
            edges=[Edge(cursor=c, node=AuditTrailEntry.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)],
        )
