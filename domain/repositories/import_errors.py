"""The rejected rows of import jobs: stored a batch at a time, paged by the API, counted against the cap."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import RequestSession
from domain.models import Job, JobRowError
from domain.repositories.fast_insert import insert_many
from domain.repositories.paging import Page, first_n_per_parent


async def insert_row_errors(session: AsyncSession, *, job_id: int, errors: Iterable[Any]) -> None:
    rows = [{"job_id": job_id, "row": e.row, "column": e.column, "message": e.message[:500]} for e in errors]
    if rows:
        await insert_many(session, JobRowError.__table__, rows)


async def count_row_errors(session: AsyncSession, *, job_id: int) -> int:
    return int(await session.scalar(select(func.count()).select_from(JobRowError).where(JobRowError.job_id == job_id)))


async def row_error_pages(
    session: RequestSession, *, workspace_id: int, job_ids: Sequence[int], first: int, offset: int
) -> dict[int, Page[Any]]:
    """One page of the rejected rows of each of many import jobs of the workspace, in row order (one statement).

    Offsets are stable: a running job only appends errors of later rows.
    """
    stmt = (
        select(JobRowError.id, JobRowError.row, JobRowError.column, JobRowError.message)
        .join(Job, Job.id == JobRowError.job_id)
        .where(Job.workspace_id == workspace_id, JobRowError.job_id.in_(job_ids))
    )
    return await first_n_per_parent(
        session, stmt, parent=JobRowError.job_id, order_by=[JobRowError.row, JobRowError.id], first=first, offset=offset
    )


async def first_row_errors(session: AsyncSession, *, job_id: int, limit: int) -> list[JobRowError]:
    rows = await session.scalars(
        select(JobRowError).where(JobRowError.job_id == job_id).order_by(JobRowError.row, JobRowError.id).limit(limit)
    )
    return list(rows)
