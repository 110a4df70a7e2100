"""apiKeyRevoke: a key stops working (ADMIN)."""

import strawberry

from api.access.payloads import ApiKeyPayload
from api.access.types import ApiKey
from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import attempt
from domain.services import api_keys


@strawberry.type
class ApiKeyRevokeMutation:
    @strawberry.mutation(
        description="Revoke an API key of your workspace (ADMIN): refused from the next request on in this server "
        "process, within AUTH_CACHE_SECONDS in the others; its open WebSockets are closed (4403). Revoking twice "
        "changes nothing."
    )
    async def api_key_revoke(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        ctx = info.context
        row, errors = await attempt(info, lambda: api_keys.revoke_key(
            session=ctx.session.raw, principal=ctx.caller, key_id=parse_typed_id(id, "ApiKey"), now=ctx.now,
            authenticator=ctx.authenticator,
        ))
        if row is None:
            return ApiKeyPayload(api_key=None, user_errors=errors)
        user = await ctx.loaders.user_by_id.load(row.user_id)
        key = ApiKey.from_row(row, user_active=user is not None and user.deactivated_at is None, now=ctx.now)
        return ApiKeyPayload(api_key=key, user_errors=[])
