"""apiKeyCreate: a new key for a user of the workspace, or for the caller (ADMIN)."""

import strawberry

from api.access.payloads import ApiKeyCreatePayload
from api.access.types import ApiKey
from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import attempt
from domain.services import api_keys


@strawberry.input
class ApiKeyCreateInput:
    user_id: strawberry.ID | None = strawberry.field(default=None, description="Whom it acts as; default: you.")
    label: str | None = strawberry.field(default=None, description="What it is for (at most 200 characters).")
    expires_in_days: int | None = strawberry.field(default=None, description="1 to 3650; default: it never expires.")


@strawberry.type
class ApiKeyCreateMutation:
    @strawberry.mutation(description="Mint an API key (ADMIN). The key is in the payload this once, never again.")
    async def api_key_create(self, info: Info, input: ApiKeyCreateInput | None = None) -> ApiKeyCreatePayload:
        ctx = info.context
        given = input or ApiKeyCreateInput()
        issued, errors = await attempt(info, lambda: api_keys.create_key(
            session=ctx.session.raw, principal=ctx.caller, workspace_id=ctx.caller.workspace_id,
            user_id=None if given.user_id is None else parse_typed_id(given.user_id, "User", field="userId"),
            label=given.label, expires_in_days=given.expires_in_days, now=ctx.now,
        ))
        if issued is None:
            return ApiKeyCreatePayload(api_key=None, key=None, user_errors=errors)
        key = ApiKey.from_row(issued.row, user_active=True, now=ctx.now)
        return ApiKeyCreatePayload(api_key=key, key=issued.key, user_errors=[])
