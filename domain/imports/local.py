"""Running an import in this process, for the CLI and the benchmark: same service, same job, same runner.

The job is queued exactly as the API queues it and driven batch by batch through the runner's own
`run_batch` (claim, batch, commit, COMPLETED or FAILED), so a server running alongside simply
takes turns with us on it; only the progress callback is extra.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.db import RequestSession
from domain.errors import NotFound
from domain.imports.options import ImportOptions
from domain.jobs.runner import JobRunner
from domain.models import Job, JobRowError
from domain.policies import Principal
from domain.repositories import import_errors
from domain.repositories import imports as repo
from domain.services import imports as imports_service

DEMO_SLUG = "demo-main"


@dataclass(frozen=True)
class LocalImport:
    job: Job
    errors: list[JobRowError]


async def principal_for(session: AsyncSession, slug: str | None) -> Principal:
    """The first ADMIN of the workspace `slug`; without a slug, of the only workspace, else of the demo one."""
    if slug is None:
        slugs = await repo.workspace_slugs(session)
        slug = slugs[0] if len(slugs) == 1 else DEMO_SLUG
    found = await repo.workspace_admin(session, slug=slug)
    if found is None:
        raise NotFound(
            f"no workspace {slug!r} with an ADMIN user (choose one with --workspace SLUG)", field="workspace"
        )
    workspace_id, user_id, role = found
    return Principal(workspace_id=workspace_id, user_id=user_id, role=role)


async def import_file(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    *,
    slug: str | None,
    filename: str,
    data: bytes,
    options: ImportOptions,
    on_batch: Callable[[Job], None] | None = None,
    first_errors: int = 20,
    max_rows: int = imports_service.MAX_IMPORT_ROWS,
) -> LocalImport:
    """Queue the import and run it to the end; raises InvalidInput/NotFound like the API would answer."""
    async with sessions() as session:
        principal = await principal_for(session, slug)
        job = await imports_service.start_import(
            session=RequestSession(session), principal=principal, filename=filename, data=data, options=options,
            now=clock.now(), max_rows=max_rows,
        )
    if on_batch is not None:
        on_batch(job)
    runner = JobRunner(sessions, clock)
    done = False
    while not done:
        done = await runner.run_batch(job.id)
        async with sessions() as session:
            job = await session.get(Job, job.id) or job
        if on_batch is not None:
            on_batch(job)
    async with sessions() as session:
        errors = await import_errors.first_row_errors(session, job_id=job.id, limit=first_errors)
    return LocalImport(job=job, errors=errors)
