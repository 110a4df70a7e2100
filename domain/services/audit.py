"""The audit history: every change to a contact, with who, when, which fields, old and new values."""

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import RequestSession
from domain.enums import AuditAction, AuditSource
from domain.errors import InvalidInput
from domain.models import AuditEntry
from domain.policies import Action, Principal, authorize, is_allowed
from domain.repositories import audit as audit_repo
from domain.repositories import catalog as catalog_repo
from domain.repositories.paging import InvalidCursor, Page
from domain.services.contacts import validate_first


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The fields whose value changed, as audit changes (JSON-ready)."""
    return [
        {"field": key, "old": _jsonable(old.get(key)), "new": _jsonable(new[key])}
        for key in new
        if _jsonable(old.get(key)) != _jsonable(new[key])
    ]


def record(
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
    """Add an audit entry to the caller's transaction (it commits or rolls back with the change).

    `subject` names what an entry that is not about a contact changed (("User", id), ("ApiKey", id));
    `source` is API for a caller (its user is the actor) and CLI for the installation's operator.
    """
    ws = workspace_id if workspace_id is not None else principal.workspace_id if principal else None
    assert ws is not None, "an audit entry belongs to a workspace"
    if source is None and principal is not None:
        source = AuditSource.API
    session.add(
        AuditEntry(
            workspace_id=ws,
            contact_id=contact_id,
            actor_user_id=principal.user_id if principal else None,
            action=AuditAction(action).value,
            at=at,
            changes=changes,
            subject_type=subject[0] if subject else None,
            subject_id=subject[1] if subject else None,
            source=source.value if source is not None else None,
        )
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
