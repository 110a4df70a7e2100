"""What every mutation shares: the userErrors type and the way expected failures become them."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.loaders import Loaders
from domain.errors import DomainError, ErrorCode
from domain.policies import Forbidden
from domain.services.contact_edit import DuplicateContact

T = TypeVar("T")

UserErrorCode = strawberry.enum(ErrorCode, name="ErrorCode")


@strawberry.type(description="An expected failure: bad input, not found, conflict or forbidden by role.")
class UserError:
    field: str | None
    message: str
    code: UserErrorCode


def user_error(exc: Exception) -> UserError:
    if isinstance(exc, Forbidden):
        return UserError(field=None, message=str(exc), code=ErrorCode.FORBIDDEN)
    if isinstance(exc, DuplicateContact):
        existing = to_global_id("Contact", exc.existing_id)
        return UserError(field=exc.field, message=f"{exc.message}: {existing}", code=exc.code)
    assert isinstance(exc, DomainError)
    return UserError(field=exc.field, message=exc.message, code=exc.code)


async def attempt(info: Info, action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Run a service call; expected failures come back as userErrors, anything else raises.

    After a change, the request's loaders start afresh so the payload shows the new state.
    """
    try:
        result = await action()
    except (DomainError, Forbidden) as exc:
        return None, [user_error(exc)]
    ctx = info.context
    ctx.loaders = Loaders(session=ctx.session, principal=ctx.caller, now=ctx.now)
    return result, []


def wake_job_runner(info: Info) -> Callable[[], None]:
    """What a service calls once it queued a job: wakes this process's runner, if it runs one."""
    runner = getattr(info.context.request.app.state, "job_runner", None)
    return runner.wake if runner is not None else (lambda: None)
