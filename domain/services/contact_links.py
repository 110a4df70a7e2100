"""What a contact is linked to: its company, department, tags and assignment (agent and group).

Each change is one transaction with its audit entry; a call that changes nothing writes nothing.
Tag and group changes are audited as the ids added or removed (domain.audit_shape), as bulk jobs and
imports audit them.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction
from domain.models import Company, Contact, Department, Group, Tag, User
from domain.policies import Action, Principal, authorize
from domain.repositories import contact_writes as repo
from domain.services import audit, lookups


async def _set_columns(
    session: RequestSession,
    principal: Principal,
    contact_id: int,
    new: dict[str, int | None],
    references: dict[str, tuple[Any, str]],
    action: str,
    now: datetime,
) -> Contact:
    """Point columns of a contact at other rows (None clears), checking each target is in the workspace."""
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="contactId")
        for column, target in new.items():
            model, field = references[column]
            if target is not None:
                await lookups.one(session, principal, model, target, field=field)
        changes = audit.diff({column: getattr(contact, column) for column in new}, new)
        if changes:
            for column, target in new.items():
                setattr(contact, column, target)
            contact.updated_at = now
            await audit.record(session.raw, principal=principal, contact_id=contact.id, action=action, changes=changes, at=now)
    return contact


async def set_company(
    *, session: RequestSession, principal: Principal, contact_id: int, company_id: int | None, now: datetime
) -> Contact:
    """Link the contact to an existing company of the workspace; None unlinks it."""
    authorize(principal, Action.WRITE)
    return await _set_columns(
        session, principal, contact_id, {"company_id": company_id}, {"company_id": (Company, "companyId")},
        "CONTACT_COMPANY_SET", now,
    )


async def set_department(
    *, session: RequestSession, principal: Principal, contact_id: int, department_id: int | None, now: datetime
) -> Contact:
    authorize(principal, Action.WRITE)
    return await _set_columns(
        session, principal, contact_id, {"department_id": department_id},
        {"department_id": (Department, "departmentId")}, "CONTACT_DEPARTMENT_SET", now,
    )


async def assign(
    *, session: RequestSession, principal: Principal, contact_id: int, agent_id: int | None, group_id: int | None,
    now: datetime,
) -> Contact:
    """Set the whole assignment: the agent (a user of the workspace) and the group; both None unassigns."""
    authorize(principal, Action.WRITE)
    return await _set_columns(
        session, principal, contact_id, {"assigned_agent_id": agent_id, "assigned_group_id": group_id},
        {"assigned_agent_id": (User, "agentId"), "assigned_group_id": (Group, "groupId")}, "CONTACT_ASSIGNED", now,
    )


async def add_tags(
    *, session: RequestSession, principal: Principal, contact_id: int, tag_ids: Sequence[int], now: datetime
) -> Contact:
    authorize(principal, Action.WRITE)
    return await _change_members(session, principal, contact_id, "tags", tag_ids, add=True, now=now)


async def remove_tags(
    *, session: RequestSession, principal: Principal, contact_id: int, tag_ids: Sequence[int], now: datetime
) -> Contact:
    """Tags the contact does not carry are ignored; unknown tag ids are NOT_FOUND."""
    authorize(principal, Action.WRITE)
    return await _change_members(session, principal, contact_id, "tags", tag_ids, add=False, now=now)


async def add_to_groups(
    *, session: RequestSession, principal: Principal, contact_id: int, group_ids: Sequence[int], now: datetime
) -> Contact:
    authorize(principal, Action.WRITE)
    return await _change_members(session, principal, contact_id, "groups", group_ids, add=True, now=now)


async def remove_from_groups(
    *, session: RequestSession, principal: Principal, contact_id: int, group_ids: Sequence[int], now: datetime
) -> Contact:
    """Groups the contact is not in are ignored; unknown group ids are NOT_FOUND."""
    authorize(principal, Action.WRITE)
    return await _change_members(session, principal, contact_id, "groups", group_ids, add=False, now=now)


# kind -> (target model, input field, audit field, audit actions when added / removed)
_MEMBERSHIPS: dict[str, tuple[Any, str, str, AuditAction, AuditAction]] = {
    "tags": (Tag, "tagIds", "tag_ids", AuditAction.CONTACT_TAGS_ADDED, AuditAction.CONTACT_TAGS_REMOVED),
    "groups": (Group, "groupIds", "group_ids", AuditAction.CONTACT_GROUPS_ADDED, AuditAction.CONTACT_GROUPS_REMOVED),
}


async def _change_members(
    session: RequestSession, principal: Principal, contact_id: int, kind: str, target_ids: Sequence[int], *, add: bool,
    now: datetime,
) -> Contact:
    model, field, audit_field, added_action, removed_action = _MEMBERSHIPS[kind]
    ids = lookups.unique_ids(target_ids, field)
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        contact = await lookups.contact(session, principal, contact_id, field="contactId")
        await lookups.many(session, principal, model, ids, field=field)
        # What the statement itself inserted or deleted: bulk jobs and imports tag contacts without
        # taking the contact's lock, so a set read beforehand could already be out of date.
        if add:
            done = await repo.add_members(session.raw, kind, workspace_id=ws, pairs=[(contact.id, t) for t in ids], now=now)
        else:
            done = await repo.remove_members(session.raw, kind, workspace_id=ws, contact_ids=[contact.id], target_ids=ids)
        if not done:
            return contact
        changed = [t for _, t in done]
        contact.updated_at = now
        await audit.record(
            session.raw, principal=principal, contact_id=contact.id, action=added_action if add else removed_action,
            changes=[audit.set_change(audit_field, added=changed if add else (), removed=() if add else changed)],
            at=now,
        )
    return contact
