"""A request's session: queries read without a transaction of their own on PostgreSQL, and whatever
follows them in the same request (a batch's mutation) still writes all or nothing."""

import pytest
from sqlalchemy import func, insert, select

from domain import models
from domain.db import RequestSession, session_factory, write_transaction
from tests.conftest import NOW


async def _tags(engine, workspace_id: int) -> int:
    async with session_factory(engine)() as s:
        return await s.scalar(select(func.count()).select_from(models.Tag).where(models.Tag.workspace_id == workspace_id))


async def test_a_write_after_a_query_in_one_request_is_still_all_or_nothing(engine, workspaces):
    ws = await workspaces.create()
    async with session_factory(engine)() as raw:
        request = RequestSession(raw)
        # a query first: on PostgreSQL its statements run in autocommit mode
        await request.begin_operation(read_only=True)
        assert await request.scalar(select(func.count()).select_from(models.Tag)) is not None
        if engine.dialect.name == "postgresql":
            connection = await raw.connection()
            assert connection.sync_connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT"

        # then a mutation of the same request that fails half-way
        await request.begin_operation(read_only=False)
        with pytest.raises(RuntimeError):
            async with write_transaction(request.raw) as s:
                await s.execute(insert(models.Tag).values(workspace_id=ws.id, name="first", created_at=NOW))
                raise RuntimeError("the second write fails")
        assert await _tags(engine, ws.id) == 0  # the first write was rolled back with it

        # and one that succeeds writes everything
        async with write_transaction(request.raw) as s:
            await s.execute(insert(models.Tag).values(workspace_id=ws.id, name="a", created_at=NOW))
            await s.execute(insert(models.Tag).values(workspace_id=ws.id, name="b", created_at=NOW))
        assert await _tags(engine, ws.id) == 2
        await request.drain()
