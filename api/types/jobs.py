"""Background jobs as the API shows them: bulk actions and imports, polled through `node(id:)`."""

from datetime import datetime

import strawberry

from api.context import Info
from api.ids import to_global_id
from api.types.node import Node
from domain import models
from domain.enums import JobStatus as DomainJobStatus

JobStatus = strawberry.enum(DomainJobStatus)


@strawberry.type(description="A bulk action running in batches outside the request.")
class BulkJob(Node):
    pk: strawberry.Private[int]
    status: JobStatus
    action: str
    total: int
    processed: int
    failed: int
    created_at: datetime
    finished_at: datetime | None
    error: str | None

    @classmethod
    def from_row(cls, row: models.Job) -> "BulkJob":
        return cls(
            pk=row.id, id=to_global_id("BulkJob", row.id), status=row.status, action=str(row.params.get("action", "")),
            total=row.total, processed=row.processed, failed=row.failed, created_at=row.created_at,
            finished_at=row.finished_at, error=row.error,
        )


@strawberry.type(description="One rejected row of an import (rows are numbered from 1, the header is row 1).")
class ImportRowError:
    row: int
    column: str | None
    message: str


@strawberry.type(description="A CSV import: counts so far and every rejected row.")
class ImportJob(Node):
    pk: strawberry.Private[int]
    status: JobStatus
    total: int
    created: int
    updated: int
    skipped: int
    failed: int
    created_at: datetime
    finished_at: datetime | None

    @strawberry.field(description="Rejected rows, in row order.")
    async def errors(self, info: Info) -> list[ImportRowError]:
        rows = await info.context.loaders.import_errors_by_job.load(self.pk)
        return [ImportRowError(row=r.row, column=r.column, message=r.message) for r in rows]

    @classmethod
    def from_row(cls, row: models.Job) -> "ImportJob":
        return cls(
            pk=row.id, id=to_global_id("ImportJob", row.id), status=row.status, total=row.total, created=row.created,
            updated=row.updated, skipped=row.skipped, failed=row.failed, created_at=row.created_at,
            finished_at=row.finished_at,
        )
