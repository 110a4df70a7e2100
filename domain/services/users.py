"""A workspace's people: create, change role, deactivate, reactivate, list.

Changes are made by the workspace's ADMIN (a Principal) or by the installation's operator on the
command line (principal None, source CLI). Every change is audited; a workspace always keeps at
least one active ADMIN (CONFLICT otherwise).
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import access_rules
from domain.db import RequestSession, write_transaction
from domain.enums import AuditAction, AuditSource, Role
from domain.errors import Conflict, InvalidInput, NotFound
from domain.models import User, Workspace
from domain.policies import Action, Principal, authorize
from domain.repositories import locks
from domain.repositories import access as repo
from domain.repositories import catalog as catalog_repo
from domain.repositories.paging import InvalidCursor, Page
from domain.services import audit
from domain.services.auth import Authenticator
from domain.services.contacts import validate_first
from domain.unique_keys import UniqueKey, violated_key

LAST_ADMIN = "the workspace must keep at least one active ADMIN: make another user ADMIN first"


def admit(principal: Principal | None, workspace_id: int) -> AuditSource:
    """Only the workspace's ADMIN (or the operator on the command line) administers access; returns the source."""
    if principal is None:
        return AuditSource.CLI
    authorize(principal, Action.ADMINISTER_ACCESS)
    if principal.workspace_id != workspace_id:
        raise NotFound("no such workspace")
    return AuditSource.API


def parse_role(value: str | Role, *, field: str = "role") -> Role:
    try:
        return Role(value.upper() if isinstance(value, str) else value)
    except ValueError:
        raise InvalidInput(f"{str(value)[:40]!r} is not a role: AGENT, OPERATOR or ADMIN", field=field) from None


async def workspace_by_slug(session: AsyncSession, slug: str) -> Workspace:
    workspace = await repo.workspace_by_slug(session, slug.strip())
    if workspace is None:
        raise NotFound(f"no workspace with slug {slug.strip()[:100]!r}", field="workspace")
    return workspace


async def user_by_email(session: AsyncSession, *, workspace: Workspace, email: str) -> User:
    user = await repo.user_by_email(session, workspace_id=workspace.id, email=access_rules.clean_login_email(email))  # type: ignore[arg-type]
    if user is None:
        raise NotFound(f"no user with this e-mail in workspace {workspace.slug!r}", field="email")
    return user


async def everyone(session: AsyncSession, *, workspace: Workspace) -> list[User]:
    """The workspace's users, active and deactivated, by e-mail (the command line's listing)."""
    return await repo.users_of(session, workspace_id=workspace.id)  # type: ignore[arg-type]


async def create_user(
    *, session: AsyncSession, principal: Principal | None, workspace_id: int, email: str, name: str,
    role: Role | str, now: datetime,
) -> User:
    source = admit(principal, workspace_id)
    email = access_rules.clean_login_email(email)
    name = access_rules.clean_person_name(name, noun="user")
    role = parse_role(role)
    duplicate = Conflict("a user with this e-mail already exists in this workspace", field="email")
    async with write_transaction(session):
        if await repo.user_by_email(session, workspace_id=workspace_id, email=email) is not None:
            raise duplicate
        user = User(workspace_id=workspace_id, email=email, name=name, role=role, created_at=now)
        session.add(user)
        try:
            await session.flush()
        except IntegrityError as exc:  # the same e-mail created at the same moment by someone else
            if violated_key(exc) != UniqueKey.of(User, "workspace_id", "email"):
                raise
            raise duplicate from None
        assert user.id is not None
        await audit.record(
            session, principal=principal, workspace_id=workspace_id, contact_id=None, action=AuditAction.USER_CREATED,
            changes=audit.diff({}, {"email": email, "name": name, "role": role}), at=now,
            subject=("User", user.id), source=source,
        )
    return user


async def _locked_user(session: AsyncSession, *, workspace_id: int, user_id: int) -> User:
    await locks.lock_workspace(session, workspace_id=workspace_id)
    user = await repo.user_for_update(session, workspace_id=workspace_id, user_id=user_id)
    if user is None:
        raise NotFound("no user with this id in this workspace", field="id")
    return user


async def _keeps_an_admin(session: AsyncSession, user: User) -> None:
    if user.role == Role.ADMIN and user.deactivated_at is None:
        if await repo.active_admins(session, workspace_id=user.workspace_id) <= 1:
            raise Conflict(LAST_ADMIN, field="id")


async def set_role(
    *, session: AsyncSession, principal: Principal | None, workspace_id: int, user_id: int, role: Role | str,
    now: datetime, authenticator: Authenticator | None = None,
) -> User:
    source = admit(principal, workspace_id)
    role = parse_role(role)
    async with write_transaction(session):
        user = await _locked_user(session, workspace_id=workspace_id, user_id=user_id)
        if user.role == role:
            return user
        if role != Role.ADMIN:
            await _keeps_an_admin(session, user)
        old, user.role = user.role, role
        await audit.record(
            session, principal=principal, workspace_id=workspace_id, contact_id=None, action=AuditAction.USER_ROLE_CHANGED,
            changes=audit.diff({"role": old}, {"role": role}), at=now, subject=("User", user_id), source=source,
        )
    if authenticator is not None:
        authenticator.forget_user(user_id)
    return user


async def set_active(
    *, session: AsyncSession, principal: Principal | None, workspace_id: int, user_id: int, active: bool,
    now: datetime, authenticator: Authenticator | None = None,
) -> User:
    """Deactivate (every key revoked, tokens refused) or reactivate (revoked keys stay revoked) a user."""
    source = admit(principal, workspace_id)
    async with write_transaction(session):
        user = await _locked_user(session, workspace_id=workspace_id, user_id=user_id)
        if (user.deactivated_at is None) == active:
            return user
        changes = audit.diff({"deactivated_at": user.deactivated_at}, {"deactivated_at": None if active else now})
        if not active:
            await _keeps_an_admin(session, user)
            revoked = await repo.revoke_user_keys(session, workspace_id=workspace_id, user_id=user_id, now=now)
            changes.append({"field": "revokedKeys", "old": None, "new": len(revoked)})
        user.deactivated_at = None if active else now
        await audit.record(
            session, principal=principal, workspace_id=workspace_id, contact_id=None,
            action=AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED,
            changes=changes, at=now, subject=("User", user_id), source=source,
        )
    if authenticator is not None:
        authenticator.forget_user(user_id)
    return user


async def list_users(
    *, session: RequestSession, principal: Principal, first: int, after: str | None, include_deactivated: bool
) -> Page[User]:
    """Everyone may list the active users (assignment pickers); deactivated ones are for the ADMIN."""
    authorize(principal, Action.ADMINISTER_ACCESS if include_deactivated else Action.READ)
    validate_first(first)
    conditions = [] if include_deactivated else [User.deactivated_at.is_(None)]
    try:
        return await catalog_repo.page_by_name(
            session, User, workspace_id=principal.workspace_id, first=first, after=after, conditions=conditions
        )
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc
