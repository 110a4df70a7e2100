"""Contacts by id for the read path: the columns the API shows, as plain rows (no ORM objects)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, select, text

from domain.db import RequestSession
from domain.models import Contact
from domain.policies import Action, Principal, authorize
from domain.reads.json_sql import POSTGRESQL, SQLITE, ids_match, ids_param, ids_value

_table = Contact.__table__
_COLUMNS = [column for column in _table.c if column.name not in ("search_text", "name_key")]


def _by_ids(dialect: str) -> Any:
    """Built once per engine: only the bound values change from one request to the next."""
    match = text(ids_match(dialect, "contact.id")).bindparams(ids_param(dialect))
    return select(*_COLUMNS).where(_table.c.workspace_id == bindparam("ws"), match)


_BY_IDS = {POSTGRESQL: _by_ids(POSTGRESQL), SQLITE: _by_ids(SQLITE)}


async def contact_rows(session: RequestSession, *, principal: Principal, ids: Sequence[int]) -> list[Any]:
    """The caller's workspace's contacts among `ids` (others are absent), in no particular order."""
    authorize(principal, Action.READ)
    if not ids:
        return []
    dialect = POSTGRESQL if session.raw.bind.dialect.name == "postgresql" else SQLITE
    statement = _BY_IDS[dialect]
    return list(await session.all(statement, {"ws": principal.workspace_id, "ids": ids_value(dialect, ids)}))
