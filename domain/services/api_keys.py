"""API keys: create (the key is shown once), list (never the key), revoke."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import access_rules
from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction, AuditSource
from domain.errors import Conflict, InvalidInput, NotFound
from domain.models import ApiKey, User
from domain.policies import Action, Principal, authorize, is_allowed
from domain.repositories import access as repo
from domain.repositories.locks import lock_rows
from domain.repositories.paging import InvalidCursor, Page
from domain.services import audit
from domain.services.auth import KEY_PREFIX, PREFIX_LENGTH, Authenticator, hash_key, issue_key
from domain.services.contacts import validate_first
from domain.services.users import admit


@dataclass(frozen=True)
class IssuedKey:
    key: str  # shown once: only its hash is stored
    row: ApiKey
    user: User


async def create_key(
    *, session: AsyncSession, principal: Principal | None, workspace_id: int, user_id: int | None,
    label: str | None, expires_in_days: int | None, now: datetime,
) -> IssuedKey:
    """A key for `user_id` (default: the caller), optionally expiring after some days."""
    source = admit(principal, workspace_id)
    owner_id = user_id if user_id is not None else principal.user_id if principal is not None else None
    if owner_id is None:
        raise InvalidInput("name the user the key acts as", field="userId")
    label = access_rules.clean_label(label)
    expires_at = access_rules.key_expiry(expires_in_days, now)
    async with write_transaction(session):
        user = await repo.user_for_update(session, workspace_id=workspace_id, user_id=owner_id)
        if user is None:
            raise NotFound("no user with this id in this workspace", field="userId")
        if user.deactivated_at is not None:
            raise Conflict("the user is deactivated: reactivate them before giving them a key", field="userId")
        key, row = await issue_key(session=session, user=user, now=now, label=label, expires_at=expires_at)
        assert row.id is not None
        await audit.record(
            session, principal=principal, workspace_id=workspace_id, contact_id=None, action=AuditAction.API_KEY_CREATED,
            changes=audit.diff({}, {"user_id": user.id, "prefix": row.prefix, "label": label, "expires_at": expires_at}),
            at=now, subject=("ApiKey", row.id), source=source,
        )
    return IssuedKey(key=key, row=row, user=user)


async def revoke_key(
    *, session: AsyncSession, principal: Principal | None, key_id: int, now: datetime,
    authenticator: Authenticator | None = None,
) -> ApiKey:
    """Revoke a key (of the caller's workspace; any, on the command line); revoking twice changes nothing."""
    source = admit(principal, principal.workspace_id) if principal is not None else AuditSource.CLI
    workspace_id = principal.workspace_id if principal is not None else None
    async with write_transaction(session):
        # FOR UPDATE alone holds nothing on SQLite: two revokes at once would both find the key
        # unrevoked and both audit. The lock makes the second wait and find it revoked.
        mine = [ApiKey.id == key_id] + ([ApiKey.workspace_id == workspace_id] if workspace_id is not None else [])
        await lock_rows(session, ApiKey, *mine)
        row = await repo.key_for_update(session, key_id=key_id, workspace_id=workspace_id)
        if row is None:
            raise NotFound("no API key with this id in this workspace", field="id")
        if row.revoked_at is not None:
            return row
        row.revoked_at = now
        await audit.record(
            session, principal=principal, workspace_id=row.workspace_id, contact_id=None,
            action=AuditAction.API_KEY_REVOKED, changes=audit.diff({"revoked_at": None}, {"revoked_at": now}), at=now,
            subject=("ApiKey", key_id), source=source,
        )
    if authenticator is not None:
        authenticator.forget_user(row.user_id)
    return row


async def find_key(session: AsyncSession, reference: str) -> ApiKey:
    """The key a command line names: its id, its prefix (as listed), or the whole key."""
    reference = reference.strip()
    if reference.isdigit() and 0 < int(reference) < 2**31:
        row = await repo.key_for_update(session, key_id=int(reference))
    elif reference.startswith(KEY_PREFIX) and len(reference) > PREFIX_LENGTH:
        row = await repo.key_by_hash(session, hash_key(reference))
    elif reference.startswith(KEY_PREFIX) and len(reference) == PREFIX_LENGTH:
        rows = await repo.keys_by_prefix(session, reference)
        if len(rows) > 1:
            raise InvalidInput("several keys share this prefix: name the key by its id (`rapport key list`)")
        row = rows[0] if rows else None
    else:
        raise InvalidInput(f"name a key by its id, its prefix ({KEY_PREFIX}xxxxxxxx) or the key itself")
    if row is None:
        raise NotFound("no such API key")
    return row


async def list_keys(
    *, session: RequestSession | AsyncSession, principal: Principal | None, workspace_id: int, first: int,
    after: str | None, user_id: int | None = None, include_revoked: bool = True,
) -> Page[Any]:
    """Keys with their user, newest first; rows carry `ApiKey`, `user_email`, `user_role`, `user_deactivated_at`."""
    if principal is not None:
        authorize(principal, Action.ADMINISTER_ACCESS)
        workspace_id = principal.workspace_id
    validate_first(first)
    try:
        return await repo.keys_page(
            session, workspace_id=workspace_id, first=first, after=after, user_id=user_id, include_revoked=include_revoked
        )
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


async def visible_key(*, session: RequestSession, principal: Principal, key_id: int) -> Any:
    """A key of the caller's workspace with its user (as `list_keys` rows), or None: not there, or not an ADMIN."""
    if not is_allowed(principal, Action.ADMINISTER_ACCESS):
        return None
    return await repo.key_with_user(session, workspace_id=principal.workspace_id, key_id=key_id)
