"""Finding the rows a change names, inside the caller's workspace: absent or foreign ids are NOT_FOUND."""

from collections.abc import Sequence
from typing import Any, TypeVar

from domain.db import RequestSession
from domain.errors import InvalidInput, NotFound
from domain.models import Contact, ContactList, CustomFieldDefinition
from domain.policies import Principal
from domain.repositories import catalog as catalog_repo
from domain.repositories import contact_writes
from domain.repositories import contacts as contacts_repo
from domain.repositories.locks import lock_rows

M = TypeVar("M")

# How many ids one call may name; larger selections go through bulk actions (jobs).
MAX_IDS_PER_CALL = 1000

_NOUNS: dict[Any, str] = {ContactList: "contact list", CustomFieldDefinition: "custom field"}


def noun(model: Any) -> str:
    return _NOUNS.get(model, model.__name__.lower())


def unique_ids(ids: Sequence[int], field: str) -> list[int]:
    """The ids in the order given, each once; at most MAX_IDS_PER_CALL of them."""
    kept = list(dict.fromkeys(ids))
    if len(kept) > MAX_IDS_PER_CALL:
        raise InvalidInput(f"at most {MAX_IDS_PER_CALL:,} ids per call; use a bulk action for more", field=field)
    return kept


async def contact(session: RequestSession, principal: Principal, contact_id: int, *, field: str) -> Contact:
    """The contact a change is about, locked until its transaction ends: changes of one contact take turns."""
    found = await contact_writes.get_for_update(session.raw, workspace_id=principal.workspace_id, contact_id=contact_id)
    if found is None:
        raise NotFound("no contact with this id in this workspace", field=field)
    return found


async def contacts(session: RequestSession, principal: Principal, contact_ids: Sequence[int], *, field: str) -> list[Contact]:
    """All the contacts named, or NOT_FOUND naming the position of the first one missing.

    The position, not the key: primary keys never appear in messages (clients know global ids only).
    """
    rows = await contacts_repo.get_many(session, workspace_id=principal.workspace_id, ids=list(contact_ids))
    found = {c.id for c in rows}
    for index, contact_id in enumerate(contact_ids):
        if contact_id not in found:
            raise NotFound("no contact with this id in this workspace", field=f"{field}.{index}")
    return rows


async def one(session: RequestSession, principal: Principal, model: type[M], entity_id: int, *, field: str) -> M:
    rows = await catalog_repo.get_many(session, model, workspace_id=principal.workspace_id, ids=[entity_id])
    if not rows:
        raise NotFound(f"no {noun(model)} with this id in this workspace", field=field)
    return rows[0]


async def locked(session: RequestSession, principal: Principal, model: type[M], entity_id: int, *, field: str) -> M:
    """Like one(), with the row locked until the transaction ends (a rename or delete reads it, then changes it)."""
    mine = (model.workspace_id == principal.workspace_id, model.id == entity_id)  # type: ignore[attr-defined]
    if not await lock_rows(session.raw, model, *mine):
        raise NotFound(f"no {noun(model)} with this id in this workspace", field=field)
    return await one(session, principal, model, entity_id, field=field)


async def many(session: RequestSession, principal: Principal, model: type[M], ids: Sequence[int], *, field: str) -> list[M]:
    """All the entities named, in the order given, or NOT_FOUND naming the position of the first one missing."""
    if not ids:
        return []
    found = await catalog_repo.get_many(session, model, workspace_id=principal.workspace_id, ids=list(ids))
    rows = {r.id: r for r in found}  # type: ignore[attr-defined]
    for index, entity_id in enumerate(ids):
        if entity_id not in rows:
            raise NotFound(f"no {noun(model)} with this id in this workspace", field=f"{field}.{index}")
    return [rows[i] for i in ids]
