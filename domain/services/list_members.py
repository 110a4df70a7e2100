"""Adding contacts to a contact list and removing them, from the list's side (many contacts per call).

Every contact whose lists changed gets its own history entry (the list added or removed, as
domain.audit_shape writes set changes); contacts already in (or already out of) the list are left alone and get none. What
changed is what the INSERT or DELETE itself reports (RETURNING), not a read made before it: five
identical requests at once change a membership once, and write one entry.
"""

from collections.abc import Sequence
from datetime import datetime

from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction
from domain.models import ContactList
from domain.policies import Action, Principal, authorize
from domain.repositories import audit as audit_repo
from domain.repositories import contact_links as links_repo
from domain.repositories import contact_writes as repo
from domain.services import audit, lookups


async def add_contacts(
    *, session: RequestSession, principal: Principal, list_id: int, contact_ids: Sequence[int], now: datetime
) -> ContactList:
    authorize(principal, Action.WRITE)
    return await _change(session, principal, list_id, contact_ids, add=True, now=now)


async def remove_contacts(
    *, session: RequestSession, principal: Principal, list_id: int, contact_ids: Sequence[int], now: datetime
) -> ContactList:
    authorize(principal, Action.WRITE)
    return await _change(session, principal, list_id, contact_ids, add=False, now=now)


async def _change(
    session: RequestSession, principal: Principal, list_id: int, contact_ids: Sequence[int], *, add: bool, now: datetime
) -> ContactList:
    ids = lookups.unique_ids(contact_ids, "contactIds")
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        contact_list = await lookups.one(session, principal, ContactList, list_id, field="listId")
        await lookups.contacts(session, principal, ids, field="contactIds")
        if add:
            done = await repo.add_members(session.raw, "lists", workspace_id=ws, pairs=[(c, list_id) for c in ids], now=now)
        else:
            done = await repo.remove_members(session.raw, "lists", workspace_id=ws, contact_ids=ids, target_ids=[list_id])
        changed = sorted(c for c, _ in done)
        if not changed:
            return contact_list
        await links_repo.touch(session.raw, workspace_id=ws, contact_ids=changed, now=now)
        change = [audit.set_change("list_ids", added=[list_id] if add else (), removed=() if add else [list_id])]
        await audit_repo.insert_entries(
            session.raw, workspace_id=ws, actor_user_id=principal.user_id,
            action=AuditAction.CONTACT_LISTS_ADDED if add else AuditAction.CONTACT_LISTS_REMOVED, at=now,
            changes_by_contact=dict.fromkeys(changed, change),
        )
    return contact_list
