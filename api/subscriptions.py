"""Subscriptions over WebSocket (graphql-transport-ws at /graphql): a background job's progress.

A browser cannot put an `Authorization` header on a WebSocket handshake, so the key travels in the
`connection_init` payload (`{"Authorization": "Bearer <key>"}`); a non-browser client may send the
header instead. Without a valid key the connection is closed (4403) before any subscription starts.
Handshakes from another origin are accepted only from CORS_ORIGINS (strawberry checks the Origin
header against the view's `allowed_origins`); same-origin pages and clients without Origin (not
browsers, so no ambient credentials to abuse) are accepted.

Each subscription polls its job with a short session of its own (the request's session of an HTTP
request does not exist here), sends the job's state at once and then whenever it changes, and
completes once the job has finished.
"""

import asyncio
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any

import strawberry

from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import parse_global_id, to_global_id
from api.types.jobs import JobStatus
from domain.db import request_session
from domain.enums import JobKind
from domain.enums import JobStatus as DomainJobStatus
from domain.errors import InvalidInput, NotFound
from domain.models import Job
from domain.services import jobs as jobs_service
from domain.settings import Settings, get_settings

_JOB_KINDS = {
    "BulkJob": JobKind.BULK_ACTION,
    "ImportJob": JobKind.IMPORT,
    "SatisfactionRescoreJob": JobKind.SATISFACTION_RESCORE,
}
_FINISHED = {DomainJobStatus.COMPLETED, DomainJobStatus.FAILED}


@strawberry.type(description="Where a background job stands: what `jobProgress` sends at each change.")
class JobProgress:
    id: strawberry.ID = strawberry.field(description="The job's global id (a BulkJob, ImportJob or SatisfactionRescoreJob).")
    status: JobStatus
    total: int
    processed: int
    failed: int
    finished_at: datetime | None
    error: str | None

    @classmethod
    def from_row(cls, type_name: str, row: Job) -> "JobProgress":
        return cls(
            id=strawberry.ID(to_global_id(type_name, row.id)), status=row.status, total=row.total,
            processed=row.processed, failed=row.failed, finished_at=row.finished_at, error=row.error,
        )

    def key(self) -> tuple[Any, ...]:
        return (self.status, self.total, self.processed, self.failed, self.finished_at, self.error)


def _settings(info: Info) -> Settings:
    app = getattr(info.context.request, "app", None)
    settings = getattr(getattr(app, "state", None), "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A background job of your workspace (bulk action, import, rescore): its state at once, then at "
        "every change, until it has finished. Over WebSocket (graphql-transport-ws) at /graphql."
    )
    async def job_progress(self, info: Info, id: strawberry.ID) -> AsyncGenerator[JobProgress, None]:
        ctx = info.context
        with domain_errors_as_graphql():
            type_name, pk = parse_global_id(id)
            if type_name not in _JOB_KINDS:
                raise InvalidInput("the id is not a job's (BulkJob, ImportJob or SatisfactionRescoreJob)", field="id")
        assert ctx.sessions is not None, "WebSocket contexts carry the session factory"
        interval = _settings(info).job_progress_poll_seconds
        sent: tuple[Any, ...] | None = None
        while True:
            async with request_session(ctx.sessions) as session:
                with domain_errors_as_graphql():
                    row = await jobs_service.get_job(session=session, principal=ctx.caller, job_id=pk, kind=_JOB_KINDS[type_name])
            if row is None:
                with domain_errors_as_graphql():
                    raise NotFound("no job of your workspace has this id", field="id")
            progress = JobProgress.from_row(type_name, row)
            if progress.key() != sent:
                sent = progress.key()
                yield progress
            if row.status in _FINISHED:
                return
            await asyncio.sleep(interval)
