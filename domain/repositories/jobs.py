"""SQL of background jobs: read one, snapshot its contacts, find unfinished ones, claim, fail."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import RequestSession, UtcDateTime
from domain.enums import JobKind, JobStatus
from domain.models import Contact, Job, JobItem

UNFINISHED = (JobStatus.PENDING, JobStatus.RUNNING)


async def get(session: RequestSession, *, workspace_id: int, job_id: int, kind: JobKind) -> Job | None:
    return await session.scalar(
        select(Job).where(Job.workspace_id == workspace_id, Job.id == job_id, Job.kind == kind)
    )


async def snapshot_contacts(
    session: AsyncSession, *, job_id: int, workspace_id: int, conditions: Sequence[ColumnElement[bool]]
) -> int:
    """Fix the contacts a job works on: positions 1..N in id order, in one INSERT ... SELECT.

    Returns N. Contacts created or changed after this no longer affect the job (its `total`).
    """
    position = func.row_number().over(order_by=Contact.id)
    chosen = select(literal(job_id), position, Contact.id).where(Contact.workspace_id == workspace_id, *conditions)
    result = await session.execute(insert(JobItem).from_select(["job_id", "position", "contact_id"], chosen))
    return int(result.rowcount)


async def unfinished(session: AsyncSession) -> list[tuple[int, JobKind]]:
    """(id, kind) of every job not yet completed or failed, oldest first, of every workspace."""
    rows = await session.execute(select(Job.id, Job.kind).where(Job.status.in_(UNFINISHED)).order_by(Job.id))
    return [(int(i), JobKind(k)) for i, k in rows]


async def claim(session: AsyncSession, *, job_id: int, now: datetime) -> bool:
    """Mark the job RUNNING if it is still unfinished; False when it is not (someone finished it).

    This UPDATE opens the batch's transaction on purpose: it takes the job's row lock (PostgreSQL)
    or the database write lock (SQLite) until commit, so concurrent runners take turns per batch.
    """
    result = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(UNFINISHED))
        .values(status=JobStatus.RUNNING, started_at=func.coalesce(Job.started_at, literal(now, UtcDateTime())))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def mark_failed(session: AsyncSession, *, job_id: int, error: str, now: datetime) -> None:
    await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(UNFINISHED))
        .values(status=JobStatus.FAILED, error=error, finished_at=now)
        .execution_options(synchronize_session=False)
    )
