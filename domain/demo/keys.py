"""Fresh API keys for the three role users of each demo workspace; the earlier demo keys are revoked."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import session_factory
from domain.enums import Role
from domain.models import User
from domain.repositories import access as access_repo
from domain.services import api_keys

# The order the CLI prints them in.
KEY_ROLES = (Role.ADMIN, Role.OPERATOR, Role.AGENT)
DEMO_LABEL = "demo"


async def renew_role_keys(engine: AsyncEngine, workspace_id: int, now: datetime) -> tuple[dict[Role, str], int]:
    """Revoke the workspace's earlier demo keys, then mint one per role for the first user holding it.

    Returns the new keys and how many were revoked: restarting `make run` never piles up valid keys.
    Keys made with `rapport key create` (another label) are left alone.
    """
    async with session_factory(engine)() as session:
        old = await access_repo.demo_keys_to_revoke(session, workspace_ids=[workspace_id], label=DEMO_LABEL)
        for key_id in old:
            await api_keys.revoke_key(session=session, principal=None, key_id=key_id, now=now)
        users = (
            await session.execute(
                select(User).where(User.workspace_id == workspace_id, User.deactivated_at.is_(None)).order_by(User.id)
            )
        ).scalars().all()
        keys: dict[Role, str] = {}
        for role in KEY_ROLES:
            user = next(u for u in users if u.role == role)
            issued = await api_keys.create_key(
                session=session, principal=None, workspace_id=workspace_id, user_id=user.id, label=DEMO_LABEL,
                expires_in_days=None, now=now,
            )
            keys[role] = issued.key
    return keys, len(old)
