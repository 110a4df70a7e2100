"""Background jobs as the API shows them: bulk actions and imports, polled through `node(id:)`."""

from datetime import datetime

import strawberry

from api.context import Info
from api.errors import domain_errors_as_graphql
from api.ids import to_global_id
from api.types.node import Connection, Edge, Node, page_info
from domain import models
from domain.enums import JobStatus as DomainJobStatus
from domain.errors import InvalidInput
from domain.imports.handler import MAX_STORED_ERRORS
from domain.repositories.paging import MAX_PAGE_SIZE, InvalidCursor, offset_from_cursor

JobStatus = strawberry.enum(DomainJobStatus)


@strawberry.type(description="A bulk action running in batches outside the request.")
class BulkJob(Node):
    pk: strawberry.Private[int]
    status: JobStatus
    action: str
    total: int
    processed: int
    failed: int
    skipped: int
    created_at: datetime
    finished_at: datetime | None
    error: str | None

    @classmethod
    def from_row(cls, row: models.Job) -> "BulkJob":
        return cls(
            pk=row.id, id=to_global_id("BulkJob", row.id), status=row.status, action=str(row.params.get("action", "")),
            total=row.total, processed=row.processed, failed=row.failed, skipped=row.skipped,
            created_at=row.created_at, finished_at=row.finished_at, error=row.error,
        )


@strawberry.type(description="One rejected row of an import (rows are numbered from 1, the header is row 1).")
class ImportRowError:
    row: int
    column: str | None
    message: str


def _row_error(row: models.JobRowError) -> ImportRowError:
    return ImportRowError(row=row.row, column=row.column, message=row.message)


def _offset(after: str | None) -> int:
    try:
        return offset_from_cursor(after)
    except InvalidCursor as exc:
        raise InvalidInput(str(exc), field="after") from exc


@strawberry.type(description="A CSV import: counts so far and its rejected rows.")
class ImportJob(Node):
    pk: strawberry.Private[int]
    status: JobStatus
    total: int
    created: int
    updated: int
    skipped: int
    failed: int
    omitted_errors: int = strawberry.field(
        description=f"Rejected rows and notes found beyond the first {MAX_STORED_ERRORS:,} a job keeps: counted, "
        "not stored (`failed` counts every rejected row)."
    )
    previously_deleted: int = strawberry.field(
        description="Of the `created` rows, those whose e-mail or phone belonged to a contact deleted before: "
        "they come back SUSPENDED (DISCARDED) until someone reactivates them."
    )
    created_at: datetime
    finished_at: datetime | None
    error: str | None = strawberry.field(
        description="Why the job as a whole FAILED (e.g. the file became unreadable, or the custom fields it fills "
        "changed while it ran); rows imported before that stay. Null otherwise."
    )

    @strawberry.field(
        description=f"The first rejected rows, in row order: at most `first` (1 to {MAX_PAGE_SIZE}). "
        "rowErrors pages through all of them."
    )
    async def errors(self, info: Info, first: int = MAX_PAGE_SIZE) -> list[ImportRowError]:
        with domain_errors_as_graphql():
            page = await info.context.loaders.import_errors_page.load((self.pk, first, 0))
        return [_row_error(r) for r in page.items]

    @strawberry.field(
        description=f"Rejected rows (and notes on the header), in row order; a job keeps the first "
        f"{MAX_STORED_ERRORS:,} (see omittedErrors)."
    )
    async def row_errors(self, info: Info, first: int = 25, after: str | None = None) -> Connection[ImportRowError]:
        with domain_errors_as_graphql():
            page = await info.context.loaders.import_errors_page.load((self.pk, first, _offset(after)))
        return Connection(
            total_count=page.total_count or 0,
            page_info=page_info(page.cursors, page.has_next_page, after is not None),
            edges=[Edge(cursor=c, node=_row_error(r)) for r, c in zip(page.items, page.cursors, strict=True)],
        )

    @classmethod
    def from_row(cls, row: models.Job) -> "ImportJob":
        return cls(
            pk=row.id, id=to_global_id("ImportJob", row.id), status=row.status, total=row.total, created=row.created,
            updated=row.updated, skipped=row.skipped, failed=row.failed, omitted_errors=row.omitted_errors,
            previously_deleted=row.previously_deleted,
            created_at=row.created_at, finished_at=row.finished_at, error=row.error,
        )
