"""The audit history: every change to a contact, with who, when, which fields, old and new values."""

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import AuditEntry
from domain.policies import Principal


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
    action: str,
    changes: list[dict[str, Any]],
    at: datetime,
    workspace_id: int | None = None,
) -> None:
    """Add an audit entry to the caller's transaction (it commits or rolls back with the change)."""
    ws = workspace_id if workspace_id is not None else principal.workspace_id if principal else None
    assert ws is not None, "an audit entry belongs to a workspace"
    session.add(
        AuditEntry(
            workspace_id=ws,
            contact_id=contact_id,
            actor_user_id=principal.user_id if principal else None,
            action=action,
            at=at,
            changes=changes,
        )
    )
