"""Reading the workspace catalogue (tags, lists, groups, segments, flows, companies, departments, users)."""

from collections.abc import Sequence
from typing import Any, TypeVar

from domain.db import RequestSession
from domain.errors import InvalidInput
from domain.models import Workspace
from domain.policies import Action, Principal, authorize
from domain.repositories import catalog as catalog_repo
from domain.repositories.paging import InvalidCursor, Page
from domain.services.contacts import validate_first

M = TypeVar("M")


async def get_many(*, session: RequestSession, principal: Principal, model: type[M], ids: Sequence[int]) -> list[M]:
    authorize(principal, Action.READ)
    return await catalog_repo.get_many(session, model, workspace_id=principal.workspace_id, ids=ids)


async def list_by_name(
    *, session: RequestSession, principal: Principal, model: type[M], first: int, after: str | None
) -> Page[M]:
    authorize(principal, Action.READ)
    validate_first(first)
    try:
        return await catalog_repo.page_by_name(
            session, model, workspace_id=principal.workspace_id, first=first, after=after
        )
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


async def member_counts(
    *, session: RequestSession, principal: Principal, model: Any, ids: Sequence[int]
) -> dict[int, int]:
    authorize(principal, Action.READ)
    return await catalog_repo.member_counts(session, model, workspace_id=principal.workspace_id, ids=ids)


async def viewer_workspace(*, session: RequestSession, principal: Principal) -> Workspace:
    authorize(principal, Action.READ)
    workspace = await catalog_repo.get_workspace(session, workspace_id=principal.workspace_id)
    assert workspace is not None, "a principal always belongs to an existing workspace"
    return workspace
