"""Fresh API keys for the three role users of a demo workspace."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import session_factory
from domain.enums import Role
from domain.models import User
from domain.services.auth import mint_key

# The order the CLI prints them in.
KEY_ROLES = (Role.ADMIN, Role.OPERATOR, Role.AGENT)


async def mint_role_keys(engine: AsyncEngine, workspace_id: int, now: datetime) -> dict[Role, str]:
    """One new key per role, for the first user holding that role (the one the demo names)."""
    async with session_factory(engine)() as session:
        users = (
            await session.execute(select(User).where(User.workspace_id == workspace_id).order_by(User.id))
        ).scalars().all()
        keys: dict[Role, str] = {}
        for role in KEY_ROLES:
            user = next(u for u in users if u.role == role)
            keys[role] = await mint_key(session=session, user=user, now=now, label="demo")
        await session.commit()
    return keys
