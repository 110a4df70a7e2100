"""Contacts by id for the read path: the columns the API shows, as plain rows (no ORM objects)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select

from domain.db import RequestSession
from domain.models import Contact
from domain.policies import Action, Principal, authorize

_table = Contact.__table__
# Built once: only the bound values change from one request to the next.
_BY_IDS = select(*(column for column in _table.c if column.name not in ("search_text", "name_key"))).where(
    _table.c.workspace_id == bindparam("ws"), _table.c.id.in_(bindparam("ids", expanding=True))
)


async def contact_rows(session: RequestSession, *, principal: Principal, ids: Sequence[int]) -> list[Any]:
    """The caller's workspace's contacts among `ids` (others are absent), in no particular order."""
    authorize(principal, Action.READ)
    if not ids:
        return []
    return list(await session.all(_BY_IDS, {"ws": principal.workspace_id, "ids": list(ids)}))
