"""SQL of access: workspaces, their users and API keys, and the lookups authentication makes."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import RequestSession, key_limit
from domain.enums import Role
from domain.models import ApiKey, User, Workspace
from domain.repositories.paging import Page, cursor_key, decode_cursor, encode_cursor


async def workspace_by_slug(session: AsyncSession, slug: str) -> Workspace | None:
    return await session.scalar(select(Workspace).where(Workspace.slug == slug))


async def workspaces_with_counts(session: AsyncSession, *, now: datetime) -> list[Any]:
    """Every workspace with its active users and valid keys, by slug (for `rapport workspace list`)."""
    users = (
        select(func.count()).where(User.workspace_id == Workspace.id, User.deactivated_at.is_(None)).scalar_subquery()
    )
    keys = (
        select(func.count())
        .select_from(ApiKey)
        .join(User, User.id == ApiKey.user_id)
        .where(ApiKey.workspace_id == Workspace.id, *_valid_key(now))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Workspace.id, Workspace.slug, Workspace.name, Workspace.created_at, users.label("users"), keys.label("keys"))
        .order_by(Workspace.slug)
    )
    return list(rows.all())


def _valid_key(now: datetime) -> list[Any]:
    return [
        ApiKey.revoked_at.is_(None),
        (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        User.deactivated_at.is_(None),
    ]


async def user_by_email(session: AsyncSession, *, workspace_id: int, email: str) -> User | None:
    return await session.scalar(select(User).where(User.workspace_id == workspace_id, User.email == email))


async def users_of(session: AsyncSession, *, workspace_id: int) -> list[User]:
    return list(await session.scalars(select(User).where(User.workspace_id == workspace_id).order_by(User.email)))


async def user_for_update(session: AsyncSession, *, workspace_id: int, user_id: int) -> User | None:
    return await session.scalar(
        select(User).where(User.workspace_id == workspace_id, User.id == user_id).with_for_update()
    )


async def active_admins(session: AsyncSession, *, workspace_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count()).where(
                User.workspace_id == workspace_id, User.role == Role.ADMIN, User.deactivated_at.is_(None)
            )
        )
    )


async def revoke_user_keys(session: AsyncSession, *, workspace_id: int, user_id: int, now: datetime) -> list[int]:
    """Revoke every unrevoked key of a user; returns their ids."""
    ids = list(
        await session.scalars(
            select(ApiKey.id).where(
                ApiKey.workspace_id == workspace_id, ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None)
            )
        )
    )
    if ids:
        await session.execute(update(ApiKey).where(ApiKey.id.in_(ids)).values(revoked_at=now))
    return ids


async def key_for_update(session: AsyncSession, *, key_id: int, workspace_id: int | None = None) -> ApiKey | None:
    stmt = select(ApiKey).where(ApiKey.id == key_id)
    if workspace_id is not None:
        stmt = stmt.where(ApiKey.workspace_id == workspace_id)
    return await session.scalar(stmt.with_for_update())


async def keys_by_prefix(session: AsyncSession, prefix: str) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).where(ApiKey.prefix == prefix).limit(2)))


async def key_by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))


async def demo_keys_to_revoke(session: AsyncSession, *, workspace_ids: Sequence[int], label: str) -> list[int]:
    return list(
        await session.scalars(
            select(ApiKey.id).where(
                ApiKey.workspace_id.in_(workspace_ids), ApiKey.label == label, ApiKey.revoked_at.is_(None)
            )
        )
    )


async def revoke_keys(session: AsyncSession, *, key_ids: Sequence[int], now: datetime) -> None:
    if key_ids:
        await session.execute(update(ApiKey).where(ApiKey.id.in_(key_ids)).values(revoked_at=now))


async def keys_page(
    session: RequestSession | AsyncSession, *, workspace_id: int, first: int, after: str | None,
    user_id: int | None = None, include_revoked: bool = True,
) -> Page[Any]:
    """Keys of a workspace with their user, newest first (keyset on id), with the total."""
    where: list[Any] = [ApiKey.workspace_id == workspace_id]
    if user_id is not None:
        where.append(ApiKey.user_id == user_id)
    if not include_revoked:
        where.append(ApiKey.revoked_at.is_(None))
    total = int(await session.scalar(select(func.count()).select_from(ApiKey).where(*where)))
    if after is not None:
        last = cursor_key(decode_cursor(after), "i", limit=key_limit(ApiKey))
        where.append(ApiKey.id < last)
    stmt = _key_listing().where(*where).order_by(ApiKey.id.desc()).limit(first + 1)
    rows = list((await session.execute(stmt)).all())
    kept = rows[:first]
    return Page(
        items=kept, cursors=[encode_cursor({"i": r.ApiKey.id}) for r in kept], has_next_page=len(rows) > first,
        total_count=total,
    )


def _key_listing() -> Any:
    return select(
        ApiKey, User.email.label("user_email"), User.role.label("user_role"), User.deactivated_at.label("user_deactivated_at")
    ).join(User, User.id == ApiKey.user_id)


async def key_with_user(session: RequestSession, *, workspace_id: int, key_id: int) -> Any:
    return (await session.execute(_key_listing().where(ApiKey.workspace_id == workspace_id, ApiKey.id == key_id))).first()


async def credential_row(session: AsyncSession, key_hash: str) -> Any:
    """What authentication needs to know of a presented API key, in one statement (None: no such key).

    The user and workspace rows come along: the request's `viewer` is answered from them.
    """
    result = await session.execute(
        select(
            ApiKey.id.label("key_id"), ApiKey.revoked_at, ApiKey.expires_at, ApiKey.last_used_at, User, Workspace
        )
        .join(User, User.id == ApiKey.user_id)
        .join(Workspace, Workspace.id == User.workspace_id)
        .where(ApiKey.key_hash == key_hash)
    )
    return result.first()


async def token_user_row(session: AsyncSession, *, slug: str, email: str) -> Any:
    """The user a token names, with its workspace: e-mail within the workspace of that slug (None: no such user)."""
    result = await session.execute(
        select(User, Workspace)
        .join(Workspace, Workspace.id == User.workspace_id)
        .where(Workspace.slug == slug, User.email == email)
    )
    return result.first()


async def record_last_used(session: AsyncSession, *, used: dict[int, datetime], every: timedelta) -> None:
    """Set `last_used_at` of many keys, skipping a key another process marked less than `every` before."""
    for key_id, at in used.items():
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == key_id, (ApiKey.last_used_at.is_(None)) | (ApiKey.last_used_at <= at - every))
            .values(last_used_at=at)
        )
