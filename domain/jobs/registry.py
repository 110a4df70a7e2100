"""Which code processes which kind of job.

A handler processes the batch after `job.cursor` and, in the same transaction, advances the
cursor and the job's counters; the runner commits. So a batch's effects and the record that it was
done land together, and a restarted server never applies a batch twice.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import JobKind
from domain.models import Job
from ml.serving import ModelServer


@dataclass(frozen=True)
class JobServices:
    """What a handler may need beyond the database: the process's satisfaction models."""

    models: ModelServer | None = None


class JobHandler(Protocol):
    async def run_batch(self, session: AsyncSession, job: Job, *, now: datetime, services: JobServices) -> bool:
        """Process the next batch of `job`; True when nothing is left to do."""
        ...


_HANDLERS: dict[JobKind, JobHandler] = {}


def register(kind: JobKind, handler: JobHandler) -> None:
    _HANDLERS[kind] = handler


def handler_for(kind: JobKind) -> JobHandler:
    from domain.jobs.handlers import load_all

    load_all()
    return _HANDLERS[kind]
