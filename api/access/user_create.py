"""userCreate: a new person in the workspace (ADMIN)."""

import strawberry

from api.access.payloads import UserPayload
from api.access.types import User
from api.context import Info
from api.mutations.common import attempt
from api.types.enums import Role
from domain.services import users


@strawberry.input
class UserCreateInput:
    email: str = strawberry.field(description="Their login name, unique in the workspace (stored lowercase).")
    name: str
    role: Role


@strawberry.type
class UserCreateMutation:
    @strawberry.mutation(description="Add a person to your workspace (ADMIN). A taken e-mail is a CONFLICT.")
    async def user_create(self, info: Info, input: UserCreateInput) -> UserPayload:
        ctx = info.context
        row, errors = await attempt(info, lambda: users.create_user(
            session=ctx.session.raw, principal=ctx.caller, workspace_id=ctx.caller.workspace_id,
            email=input.email, name=input.name, role=input.role, now=ctx.now,
        ))
        return UserPayload(user=None if row is None else User.from_row(row), user_errors=errors)
