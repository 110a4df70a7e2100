"""Holding rows until the transaction ends, the same way on PostgreSQL and SQLite.

A change that reads the state it is about to change (is the contact suspended? which tags does it
carry? what is the tag called?) takes the lock first. Concurrent changes of the same rows then take
turns, and each reads what the one before it committed: its audit entry records what it really
changed, and a repeat finds nothing left to do.
"""

from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Workspace


async def lock_rows(session: AsyncSession, model: Any, *conditions: ColumnElement[bool]) -> list[int]:
    """Lock the rows of `model` matching `conditions`; their ids (none: no such rows).

    A write that changes nothing: PostgreSQL row-locks exactly these rows (a waiting writer re-reads
    them once we commit), and SQLite takes its one database write lock, which every write takes and
    holds to commit. Setting a non-key column keeps SQLite from checking the tables that point here.
    """
    stmt = (
        update(model)
        .where(*conditions)
        .values(workspace_id=model.workspace_id)
        .returning(model.id)
        .execution_options(synchronize_session=False)
    )
    return list((await session.execute(stmt)).scalars())


async def lock_workspace(session: AsyncSession, *, workspace_id: int) -> None:
    """Hold the workspace row (PostgreSQL) or the write lock (SQLite) until the transaction ends: for
    changes that check the whole workspace first (is there another admin? is a rescore queued?)."""
    await session.execute(update(Workspace).where(Workspace.id == workspace_id).values(id=Workspace.id))
