"""What access mutations return: the changed user or key, or userErrors (nothing changed then)."""

import strawberry

from api.access.types import ApiKey, User
from api.mutations.common import UserError


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None
    user_errors: list[UserError]


@strawberry.type
class ApiKeyCreatePayload:
    api_key: ApiKey | None
    key: str | None = strawberry.field(
        description="The new key, shown this once (only its hash is stored): send it as `Authorization: Bearer <key>`."
    )
    user_errors: list[UserError]
