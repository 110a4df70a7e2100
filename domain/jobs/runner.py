"""The job runner: processes unfinished jobs in the background, one batch per transaction.

State lives only in the database (job.status, job.cursor), so a restarted server simply carries on:
unfinished jobs (PENDING, or RUNNING when the process died mid-job) are picked up in id order.

Two server processes may run at once. Each batch transaction opens with a conditional UPDATE of
the job row (`repositories.jobs.claim`): that holds the row lock (PostgreSQL) or the write lock
(SQLite) until the batch commits, and the job is read only after it, so two runners never process
the same batch: the second waits, then sees the advanced cursor or a finished job. A process that
dies mid-batch leaves no lease to expire: its transaction rolls back and releases the lock.
"""

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.clock import Clock
from domain.db import database_unavailable
from domain.enums import JobKind, JobStatus
from domain.errors import DomainError
from domain.jobs.registry import JobHandler, JobServices, handler_for
from domain.models import Job
from domain.repositories import jobs as jobs_repo
from domain.unique_keys import violated_key

log = logging.getLogger(__name__)

# Jobs queued by another process never call our wake(); polling finds them (and orphans) soon.
POLL_SECONDS = 0.5
# A batch refused by a unique key lost a race: a request created the contact (or name) the batch was
# creating, after the batch looked. The batch rolled back whole; run again, it finds that row and
# matches it, as it would have had the request come first. Only a conflict that keeps coming back
# (a bug, not a race) fails the job.
CONFLICT_RETRIES = 3


def _handler(kind: JobKind) -> JobHandler | None:
    try:
        return handler_for(kind)
    except KeyError:
        return None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    # Internals (SQL, stack) go to the log, not to API clients.
    return f"unexpected {type(exc).__name__}; the server log has the details"


class JobRunner:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        services: JobServices | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self._sessions = sessions
        self._services = services or JobServices()
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._warned: set[JobKind] = set()
        self._conflicts: dict[int, int] = {}  # job id -> batches in a row refused by a unique key

    def start(self) -> None:
        """Run in the background from now on; unfinished jobs of an earlier run resume at once."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="rapport-job-runner")

    async def stop(self) -> None:
        """Let the batch in progress commit, then stop; its job resumes on the next start."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        await task

    def wake(self) -> None:
        """A job was queued: look now instead of at the next poll."""
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self.run_pending()
            except Exception:  # noqa: BLE001 - e.g. the database is down; try again later
                log.exception("job runner: a pass failed; retrying after %.1f s", self._poll_seconds)
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
            except TimeoutError:
                pass

    async def run_pending(self) -> int:
        """Run unfinished jobs until none is left (or stop() is called); returns the batches run."""
        batches = 0
        while not self._stopping:
            async with self._sessions() as session:
                jobs = await jobs_repo.unfinished(session)
            runnable = [job_id for job_id, kind in jobs if self._can_run(kind)]
            if not runnable:
                return batches
            for job_id in runnable:
                finished = False
                while not finished and not self._stopping:
                    finished = await self.run_batch(job_id)
                    batches += 1
                    # Let whatever is ready (requests of every workspace) run between two batches.
                    await asyncio.sleep(0)
        return batches

    def _can_run(self, kind: JobKind) -> bool:
        if _handler(kind) is not None:
            return True
        if kind not in self._warned:  # left PENDING for a process that has the handler
            self._warned.add(kind)
            log.warning("job runner: no handler for %s jobs in this process; leaving them", kind.value)
        return False

    async def run_batch(self, job_id: int) -> bool:
        """Claim the job and run its next batch in one transaction; True once the job is finished."""
        now = self._clock.now()
        try:
            async with self._sessions() as session, session.begin():
                if not await jobs_repo.claim(session, job_id=job_id, now=now):
                    return True  # completed or failed meanwhile, by another runner
                job = await session.get(Job, job_id)
                assert job is not None, "a claimed job exists"
                handler = _handler(job.kind)
                assert handler is not None, "only jobs with a handler are run"
                done = await handler.run_batch(session, job, now=now, services=self._services)
                if done:
                    job.status, job.finished_at = JobStatus.COMPLETED, now
            self._conflicts.pop(job_id, None)
            return done
        except Exception as exc:  # noqa: BLE001 - any failure of a batch fails its job
            if database_unavailable(exc):
                # Not the job's fault: the batch rolled back; the loop retries and the job resumes.
                raise
            if violated_key(exc) is not None and self._conflicts.get(job_id, 0) < CONFLICT_RETRIES:
                self._conflicts[job_id] = self._conflicts.get(job_id, 0) + 1
                log.info("job runner: job %s lost a race for a unique key; running its batch again", job_id)
                return False
            self._conflicts.pop(job_id, None)
            log.exception("job runner: job %s failed", job_id)
            # The failed batch rolled back with its transaction; earlier batches stay committed.
            async with self._sessions() as session, session.begin():
                await jobs_repo.mark_failed(session, job_id=job_id, error=_error_text(exc), now=now)
            return True


async def run_until_idle(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, *, services: JobServices | None = None
) -> int:
    """Process every unfinished job to completion in this process (for the CLI and tests)."""
    return await JobRunner(sessions, clock, services=services).run_pending()
