"""userSetRole: change a person's role (ADMIN); the last active ADMIN keeps theirs."""

import strawberry

from api.access.payloads import UserPayload
from api.access.types import User
from api.context import Info
from api.ids import parse_typed_id
from api.mutations.common import attempt
from api.types.enums import Role
from domain.services import users


@strawberry.type
class UserSetRoleMutation:
    @strawberry.mutation(
        description="Change a user's role (ADMIN); it applies to their keys and tokens within AUTH_CACHE_SECONDS. "
        "Demoting the workspace's last active ADMIN is a CONFLICT."
    )
    async def user_set_role(self, info: Info, id: strawberry.ID, role: Role) -> UserPayload:
        ctx = info.context
        row, errors = await attempt(info, lambda: users.set_role(
            session=ctx.session.raw, principal=ctx.caller, workspace_id=ctx.caller.workspace_id,
            user_id=parse_typed_id(id, "User"), role=role, now=ctx.now, authenticator=ctx.authenticator,
        ))
        return UserPayload(user=None if row is None else User.from_row(row), user_errors=errors)
