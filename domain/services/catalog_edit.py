"""Creating, renaming and deleting what contacts are organised by: tags, departments, groups, lists, companies.

Names are trimmed and unique per workspace ignoring case. Catalogue changes are audited too, with
no contact; a deletion that takes something away from contacts is also written in each one's history.
"""

import re
from collections import defaultdict
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction
from domain.errors import DomainError, ErrorCode, InvalidInput
from domain.models import Company, ContactList, ContactListMember, Department, Group, GroupMember, Tag
from domain.policies import Action, Principal, authorize
from domain.repositories import catalog_writes as repo
from domain.services import audit, lookups
from domain.unique_keys import UniqueKey, violated_key

M = TypeVar("M")

# The entities named by a plain unique name; segments (name + filter) live in services.segments.
NAMED = (Tag, Department, Group, ContactList, Company)
_DOMAIN = re.compile(r"^(?=.{1,200}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class NameTaken(DomainError):
    code = ErrorCode.CONFLICT


def clean_name(model: Any, raw: str | None, *, field: str = "name") -> str:
    name = (raw or "").strip()
    # The column decides the limit (200 characters for every catalogue name today).
    limit = model.__table__.c.name.type.length
    if not name:
        raise InvalidInput(f"a {lookups.noun(model)} needs a name", field=field)
    if len(name) > limit:
        raise InvalidInput(f"a {lookups.noun(model)} name is at most {limit} characters", field=field)
    return name


def clean_domain(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    domain = raw.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    if not _DOMAIN.match(domain):
        raise InvalidInput(f"{raw.strip()!r} is not a domain name such as example.com", field="domain")
    return domain


async def ensure_unique(
    session: RequestSession, principal: Principal, model: Any, name: str, *, exclude_id: int | None = None
) -> None:
    taken = await repo.find_same_name(
        session.raw, model, workspace_id=principal.workspace_id, name=name, exclude_id=exclude_id
    )
    if taken is not None:
        raise NameTaken(f"a {lookups.noun(model)} named {taken.name!r} already exists", field="name")


def _action(model: Any, verb: str) -> str:
    return f"{lookups.noun(model).upper().replace(' ', '_')}_{verb}"


async def flush_named(session: RequestSession, model: Any, name: str) -> None:
    """Flush, turning a same-name insert that raced past ensure_unique into a conflict (the same
    name, or one that folds alike: "Envío" against "envio")."""
    try:
        await session.raw.flush()
    except IntegrityError as exc:
        if violated_key(exc) not in (UniqueKey.of(model, "workspace_id", "name"), UniqueKey.of(model, "workspace_id", "name_key")):
            raise
        raise NameTaken(f"a {lookups.noun(model)} named {name!r} already exists", field="name") from None


async def create_named(
    *, session: RequestSession, principal: Principal, model: type[M], name: str, now: datetime, **extra: Any
) -> M:
    """A new tag, department, group, contact list or company."""
    assert model in NAMED
    authorize(principal, Action.WRITE)
    name = clean_name(model, name)
    async with write_transaction(session.raw):
        await ensure_unique(session, principal, model, name)
        entity = model(workspace_id=principal.workspace_id, name=name, created_at=now, **extra)
        session.raw.add(entity)
        await flush_named(session, model, name)
        await audit.record(
            session.raw, principal=principal, contact_id=None, action=_action(model, "CREATED"),
            changes=audit.diff({}, {"id": entity.id, "name": name, **extra}), at=now,  # type: ignore[attr-defined]
        )
    return entity


async def create_company(
    *, session: RequestSession, principal: Principal, name: str, domain: str | None, now: datetime
) -> Company:
    authorize(principal, Action.WRITE)
    return await create_named(
        session=session, principal=principal, model=Company, name=name, now=now, domain=clean_domain(domain)
    )


async def rename(
    *, session: RequestSession, principal: Principal, model: type[M], entity_id: int, name: str, now: datetime
) -> M:
    assert model in NAMED
    authorize(principal, Action.WRITE)
    name = clean_name(model, name)
    async with write_transaction(session.raw):
        entity: Any = await lookups.locked(session, principal, model, entity_id, field="id")
        # The entity itself may keep its name with another case ("vip" -> "VIP").
        await ensure_unique(session, principal, model, name, exclude_id=entity.id)
        if entity.name != name:
            old = entity.name
            entity.name = name
            await flush_named(session, model, name)
            # Catalogue entries have no contact: the unchanged id says which entity was renamed.
            await audit.record(
                session.raw, principal=principal, contact_id=None, action=_action(model, "RENAMED"),
                changes=[{"field": "id", "old": entity.id, "new": entity.id}, *audit.diff({"name": old}, {"name": name})],
                at=now,
            )
    return entity


async def update_company(
    *, session: RequestSession, principal: Principal, company_id: int, name: str, domain: str | None, now: datetime
) -> Company:
    """Rename a company and set its domain (None clears it), in one transaction."""
    authorize(principal, Action.WRITE)
    name, new_domain = clean_name(Company, name), clean_domain(domain)
    async with write_transaction(session.raw):
        company: Any = await lookups.locked(session, principal, Company, company_id, field="id")
        await ensure_unique(session, principal, Company, name, exclude_id=company.id)
        changes = audit.diff({"name": company.name, "domain": company.domain}, {"name": name, "domain": new_domain})
        if changes:
            company.name, company.domain = name, new_domain
            await flush_named(session, Company, name)
            await audit.record(
                session.raw, principal=principal, contact_id=None, action=AuditAction.COMPANY_RENAMED,
                changes=[{"field": "id", "old": company.id, "new": company.id}, *changes], at=now,
            )
    return company


# What deleting a group, list or company does to contacts: the memberships it holds (table, column)
# and the contact columns that point at it; the field the per-contact history entry names.
_DELETES: dict[Any, tuple[Any | None, str | None, tuple[str, ...], str]] = {
    Group: (GroupMember, "group_id", ("assigned_group_id",), "group_ids"),
    ContactList: (ContactListMember, "list_id", (), "list_ids"),
    Company: (None, None, ("company_id",), "company_id"),
}


async def delete_named(*, session: RequestSession, principal: Principal, model: Any, entity_id: int, now: datetime) -> int:
    """Delete a group, contact list or company (OPERATOR and ADMIN). Its contacts stay: they leave the
    group or list (or lose the company, or the group assignment), each with a history entry."""
    assert model in _DELETES
    authorize(principal, Action.WRITE)
    table, column, pointers, audit_field = _DELETES[model]
    ws = principal.workspace_id
    action = _action(model, "DELETED")
    async with write_transaction(session.raw):
        entity: Any = await lookups.locked(session, principal, model, entity_id, field="id")
        changes_by_contact: dict[int, list[dict[str, Any]]] = defaultdict(list)
        if table is not None:
            members = await repo.delete_memberships(session.raw, table, column, workspace_id=ws, target_id=entity_id, now=now)
            for contact_id in members:
                changes_by_contact[contact_id].append(audit.set_change(audit_field, removed=[entity_id]))
        for pointer in pointers:
            for contact_id in await repo.clear_column(session.raw, pointer, workspace_id=ws, value=entity_id, now=now):
                changes_by_contact[contact_id] += audit.diff({pointer: entity_id}, {pointer: None})
        await repo.delete_entity(session.raw, model, workspace_id=ws, entity_id=entity_id)
        await audit.record_deletion(
            session.raw, principal=principal, action=action, changes_by_contact=changes_by_contact, at=now,
            deleted=audit.diff({"id": entity_id, "name": entity.name}, {"id": None, "name": None}),
        )
    return entity_id


async def delete_tag(*, session: RequestSession, principal: Principal, tag_id: int, now: datetime) -> int:
    """Delete a tag (ADMIN only); each contact that carried it gets a history entry."""
    authorize(principal, Action.DELETE_TAG)
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        # Locked: a second delete at the same moment waits, then finds no tag (NOT_FOUND, no second audit).
        tag = await lookups.locked(session, principal, Tag, tag_id, field="id")
        await repo.touch_tagged(session.raw, workspace_id=ws, tag_id=tag_id, now=now)
        members = await repo.delete_tag_memberships(session.raw, workspace_id=ws, tag_id=tag_id)
        await repo.delete_entity(session.raw, Tag, workspace_id=ws, entity_id=tag_id)
        await audit.record_deletion(
            session.raw, principal=principal, action=AuditAction.TAG_DELETED, at=now,
            changes_by_contact=dict.fromkeys(members, [audit.set_change("tag_ids", removed=[tag_id])]),
            deleted=audit.diff({"id": tag_id, "name": tag.name}, {"id": None, "name": None}),
        )
    return tag_id


async def delete_department(*, session: RequestSession, principal: Principal, department_id: int, now: datetime) -> int:
    """Delete a department (ADMIN only); its contacts stay, with no department."""
    authorize(principal, Action.DELETE_DEPARTMENT)
    ws = principal.workspace_id
    async with write_transaction(session.raw):
        department = await lookups.locked(session, principal, Department, department_id, field="id")
        members = await repo.contacts_in_department(session.raw, workspace_id=ws, department_id=department_id)
        await repo.clear_department(session.raw, workspace_id=ws, department_id=department_id, now=now)
        await repo.delete_entity(session.raw, Department, workspace_id=ws, entity_id=department_id)
        await audit.record_deletion(
            session.raw, principal=principal, action=AuditAction.DEPARTMENT_DELETED, at=now,
            changes_by_contact=dict.fromkeys(members, audit.diff({"department_id": department_id}, {"department_id": None})),
            deleted=audit.diff({"id": department_id, "name": department.name}, {"id": None, "name": None}),
        )
    return department_id

