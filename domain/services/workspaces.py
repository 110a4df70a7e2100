"""Workspaces (tenants), created and listed by the installation's operator on the command line."""

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import access_rules
from domain.db import write_transaction
from domain.enums import AuditAction, AuditSource
from domain.errors import Conflict
from domain.models import Workspace
from domain.repositories import access as repo
from domain.services import audit
from domain.unique_keys import UniqueKey, violated_key


async def create_workspace(*, session: AsyncSession, slug: str, name: str, now: datetime) -> Workspace:
    slug = access_rules.clean_slug(slug)
    name = access_rules.clean_person_name(name, noun="workspace")
    taken = Conflict(f"a workspace with slug {slug!r} already exists", field="slug")
    async with write_transaction(session):
        if await repo.workspace_by_slug(session, slug) is not None:
            raise taken
        workspace = Workspace(slug=slug, name=name, created_at=now)
        session.add(workspace)
        try:
            await session.flush()
        except IntegrityError as exc:
            if violated_key(exc) != UniqueKey.of(Workspace, "slug"):
                raise
            raise taken from None
        assert workspace.id is not None
        await audit.record(
            session, principal=None, workspace_id=workspace.id, contact_id=None, action=AuditAction.WORKSPACE_CREATED,
            changes=audit.diff({}, {"slug": slug, "name": name}), at=now, subject=("Workspace", workspace.id),
            source=AuditSource.CLI,
        )
    return workspace


async def list_workspaces(*, session: AsyncSession, now: datetime) -> list[Any]:
    """Every workspace with its count of active users and valid keys, by slug."""
    return await repo.workspaces_with_counts(session, now=now)
