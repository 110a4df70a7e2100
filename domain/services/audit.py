"""The audit history: every change to a contact, with who, when, which fields, old and new values."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import audit_shape
from domain.db import RequestSession
from domain.enums import AuditAction, AuditSource
from domain.errors import InvalidInput
from domain.models import AuditEntry
from domain.policies import Action, Principal, authorize, is_allowed
from domain.repositories import audit as audit_repo
from domain.repositories import catalog as catalog_repo
from domain.repositories.paging import InvalidCursor, Page
from domain.services.contacts import validate_first


jsonable = audit_shape.jsonable
diff = audit_shape.diff
set_change = audit_shape.set_change


async def record(
    session: AsyncSession,
    *,
    principal: Principal | None,
    contact_id: int | None,
    action: AuditAction | str,
    changes: list[dict[str, Any]],
    at: datetime,
    workspace_id: int | None = None,
    subject: tuple[str, int] | None = None,
    source: AuditSource | None = None,
) -> None:
    """Write one audit entry in the caller's transaction (it commits or rolls back with the change).

    `subject` names what an entry that is not about a contact changed (("User", id), ("ApiKey", id));
    `source` is API for a caller (its user is the actor) and CLI for the installation's operator.
    """
    ws = workspace_id if workspace_id is not None else principal.workspace_id if principal else None
    assert ws is not None, "an audit entry belongs to a workspace"
    if source is None and principal is not None:
        source = AuditSource.API
    await audit_repo.write_entries(
        session, workspace_id=ws, actor_user_id=principal.user_id if principal else None, at=at,
        entries=[(contact_id, action, changes)], subject=subject, source=source,
    )


async def record_deletion(
    session: AsyncSession,
    *,
    principal: Principal,
    action: AuditAction | str,
    deleted: list[dict[str, Any]],
    changes_by_contact: Mapping[int, list[dict[str, Any]]],
    at: datetime,
    subject: tuple[str, int] | None = None,
) -> None:
    """A catalogue deletion in one write: the workspace's entry (what was deleted) and one entry per
    contact it took something from (what that contact lost)."""
    entries: list[audit_repo.Entry] = [(c, action, changes) for c, changes in changes_by_contact.items() if changes]
    await audit_repo.write_entries(
        session, workspace_id=principal.workspace_id, actor_user_id=principal.user_id, at=at,
        entries=[*entries, (None, action, deleted)], subject=subject, source=AuditSource.API,
    )


async def trail(
    *, session: RequestSession, principal: Principal, first: int, after: str | None, actions: list[AuditAction] | None
) -> Page[Any]:
    """The workspace's audit trail, newest first: its ADMIN reads who changed what, and when."""
    authorize(principal, Action.ADMINISTER_ACCESS)
    validate_first(first)
    try:
        return await audit_repo.trail_page(
            session, workspace_id=principal.workspace_id, first=first, after=after,
            actions=[AuditAction(a).value for a in actions or ()],
        )
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


async def visible_entry(*, session: RequestSession, principal: Principal, entry_id: int) -> AuditEntry | None:
    """One entry of the caller's audit trail, or None: not there, or the caller is not its ADMIN."""
    if not is_allowed(principal, Action.ADMINISTER_ACCESS):
        return None
    rows = await catalog_repo.get_many(session, AuditEntry, workspace_id=principal.workspace_id, ids=[entry_id])
    return rows[0] if rows else None
