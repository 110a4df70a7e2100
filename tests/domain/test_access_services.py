"""Access services under concurrency: the last-admin rule and unique e-mails hold whatever the timing."""

import asyncio
import uuid

import pytest

from domain.db import session_factory
from domain.enums import Role
from domain.errors import Conflict
from domain.policies import Principal
from domain.repositories import access as repo
from domain.services import api_keys, users
from domain.services import workspaces as workspaces_service
from tests.conftest import NOW


async def _promote_operator(engine, ws) -> None:
    async with session_factory(engine)() as session:
        await users.set_role(session=session, principal=None, workspace_id=ws.id, user_id=ws.users[Role.OPERATOR],
                             role=Role.ADMIN, now=NOW)


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(engine, workspaces):
    # given two ADMINs
    ws = await workspaces.create()
    await _promote_operator(engine, ws)
    admins = [ws.users[Role.ADMIN], ws.users[Role.OPERATOR]]

    async def demote(actor: int, target: int) -> object:
        async with session_factory(engine)() as session:
            principal = Principal(workspace_id=ws.id, user_id=actor, role=Role.ADMIN)
            try:
                return await users.set_role(session=session, principal=principal, workspace_id=ws.id, user_id=target,
                                            role=Role.AGENT, now=NOW)
            except Conflict as refused:
                return refused

    # when each demotes the other at the same moment
    outcomes = await asyncio.gather(demote(admins[0], admins[1]), demote(admins[1], admins[0]))

    # then exactly one change went through
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "User"]
    async with session_factory(engine)() as session:
        assert await repo.active_admins(session, workspace_id=ws.id) == 1


async def test_the_same_email_created_twice_at_once_is_one_user_and_one_conflict(engine, workspaces):
    ws = await workspaces.create()

    async def create() -> object:
        async with session_factory(engine)() as session:
            try:
                return await users.create_user(session=session, principal=None, workspace_id=ws.id,
                                               email="twin@example.com", name="Twin", role=Role.AGENT, now=NOW)
            except Conflict as refused:
                return refused

    outcomes = await asyncio.gather(*(create() for _ in range(4)))

    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Conflict", "Conflict", "User"]


async def test_the_same_workspace_slug_created_four_times_at_once_is_one_workspace_and_three_conflicts(engine):
    # given a slug no workspace has
    slug = f"twin-{uuid.uuid4().hex[:8]}"

    async def create() -> object:
        async with session_factory(engine)() as session:
            try:
                return await workspaces_service.create_workspace(session=session, slug=slug, name="Twin", now=NOW)
            except Conflict as refused:
                return refused

    # when the operator's command runs four times at once
    outcomes = await asyncio.gather(*(create() for _ in range(4)))

    # then
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "Conflict", "Conflict", "Workspace"]


async def test_a_key_is_found_by_id_prefix_or_whole_and_an_ambiguous_prefix_is_refused(engine, workspaces):
    from domain.errors import InvalidInput
    from domain.models import ApiKey

    ws = await workspaces.create()
    async with session_factory(engine)() as session:
        issued = await api_keys.create_key(session=session, principal=None, workspace_id=ws.id,
                                           user_id=ws.users[Role.AGENT], label="", expires_in_days=None, now=NOW)
        for reference in (str(issued.row.id), issued.row.prefix, issued.key):
            assert (await api_keys.find_key(session, reference)).id == issued.row.id
        # a second key whose prefix collides (48 random bits make this rare, but it must not revoke the wrong one)
        twin = ApiKey(workspace_id=ws.id, user_id=ws.users[Role.AGENT], key_hash="0" * 64, prefix=issued.row.prefix,
                      created_at=NOW)
        session.add(twin)
        await session.commit()
        with pytest.raises(InvalidInput, match="share this prefix"):
            await api_keys.find_key(session, issued.row.prefix)
