"""API keys: minting (the key is shown once) and resolving a presented key to a Principal."""

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ApiKey, User
from domain.policies import Principal

KEY_PREFIX = "rpk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def mint_key(*, session: AsyncSession, user: User, now: datetime, label: str = "") -> str:
    """Create an API key for `user` and return it; only its hash is stored."""
    key = new_key()
    session.add(
        ApiKey(
            workspace_id=user.workspace_id,
            user_id=user.id,
            key_hash=hash_key(key),
            prefix=key[: len(KEY_PREFIX) + 6],
            label=label,
            created_at=now,
        )
    )
    await session.flush()
    return key


async def authenticate(*, session: AsyncSession, key: str | None) -> Principal | None:
    """The Principal behind a presented key, or None when the key is missing, unknown or revoked."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = (
        await session.execute(
            select(User.id, User.workspace_id, User.role)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
        )
    ).first()
    if row is None:
        return None
    return Principal(workspace_id=row.workspace_id, user_id=row.id, role=row.role)
