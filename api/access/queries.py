"""Reading access: the workspace's users (everyone: assignment pickers), API keys and audit trail (its ADMIN)."""

import strawberry

from api.access.types import ApiKeyConnection, AuditTrailConnection, User
from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import parse_typed_id
from api.types.enums import AuditAction
from api.types.node import Connection, Edge, page_info
from domain.services import api_keys, audit, users


@strawberry.type
class AccessQueries:
    @strawberry.field(
        description="People of your workspace, by name: the active ones (for assignment pickers); "
        "`includeDeactivated` (ADMIN) lists the deactivated ones too."
    )
    async def users(
        self, info: Info, first: int = 25, after: str | None = None, include_deactivated: bool = False
    ) -> Connection[User]:
        ctx = info.context
        with domain_errors_as_graphql():
            page = await users.list_users(
                session=ctx.session, principal=ctx.caller, first=first, after=after,
                include_deactivated=include_deactivated,
            )
        return Connection(
            total_count=page.total_count or 0,
            page_info=page_info(page.cursors, page.has_next_page, after is not None),
            edges=[Edge(cursor=c, node=User.from_row(r)) for r, c in zip(page.items, page.cursors, strict=True)],
        )

    @strawberry.field(description="Your workspace's API keys, newest first (ADMIN). Never the keys themselves.")
    async def api_keys(
        self, info: Info, first: int = 25, after: str | None = None, user_id: strawberry.ID | None = None,
        include_revoked: bool = True,
    ) -> ApiKeyConnection:
        ctx = info.context
        with domain_errors_as_graphql():
            owner = None if user_id is None else parse_typed_id(user_id, "User", field="userId")
            page = await api_keys.list_keys(
                session=ctx.session, principal=ctx.caller, workspace_id=ctx.caller.workspace_id, first=first,
                after=after, user_id=owner, include_revoked=include_revoked,
            )
        return ApiKeyConnection.from_page(page, after is not None, ctx.now)

    @strawberry.field(
        description="Who changed what in your workspace, and when (ADMIN): contacts, catalogue and access, "
        "newest first; `actions` keeps only those kinds."
    )
    async def audit_trail(
        self, info: Info, first: int = 25, after: str | None = None, actions: list[AuditAction] | None = None
    ) -> AuditTrailConnection:
        ctx = info.context
        with domain_errors_as_graphql():
            page = await audit.trail(session=ctx.session, principal=ctx.caller, first=first, after=after, actions=actions)
        return AuditTrailConnection.from_page(page, after is not None)
