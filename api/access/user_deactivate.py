"""userDeactivate and userReactivate: take a person's access away, or give it back (ADMIN)."""

import strawberry

from api.access.payloads import UserPayload
from api.access.types import User
from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import attempt
from domain.services import users


async def _set_active(info: Info, id: strawberry.ID, active: bool) -> UserPayload:
    ctx = info.context
    row, errors = await attempt(info, lambda: users.set_active(
        session=ctx.session.raw, principal=ctx.caller, workspace_id=ctx.caller.workspace_id,
        user_id=parse_typed_id(id, "User"), active=active, now=ctx.now, authenticator=ctx.authenticator,
    ))
    return UserPayload(user=None if row is None else User.from_row(row), user_errors=errors)


@strawberry.type
class UserDeactivateMutation:
    @strawberry.mutation(
        description="Deactivate a user (ADMIN): every key of theirs is revoked and their tokens are refused. "
        "Deactivating the workspace's last active ADMIN is a CONFLICT."
    )
    async def user_deactivate(self, info: Info, id: strawberry.ID) -> UserPayload:
        return await _set_active(info, id, active=False)

    @strawberry.mutation(
        description="Reactivate a deactivated user (ADMIN): their tokens work again; their revoked keys stay revoked."
    )
    async def user_reactivate(self, info: Info, id: strawberry.ID) -> UserPayload:
        return await _set_active(info, id, active=True)
