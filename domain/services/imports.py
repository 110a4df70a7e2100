"""Queueing a CSV import: check the file and options up front, then a PENDING job the runner works off.

Roles: Action.WRITE (OPERATOR and ADMIN), like creating contacts one by one.
What makes a file unusable as a whole (not UTF-8 CSV, no header, no name column, no e-mail or
phone column, over the size or row limit) is answered at once and no job is made; what is wrong with
single rows is reported per row by the job.
"""

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from domain.db import RequestSession, write_transaction
from domain.enums import JobKind, JobStatus
from domain.errors import InvalidInput, NotFound
from domain.imports import csv_file
from domain.imports.columns import plan_columns
from domain.imports.options import ImportOptions
from domain.models import ContactList, Job, JobFile, Tag
from domain.policies import Action, Principal, authorize
from domain.repositories import catalog as catalog_repo
from domain.repositories import contact_writes
from domain.repositories import import_errors
from domain.repositories.paging import Page
from domain.services.contacts import validate_first

MAX_FILE_BYTES = csv_file.MAX_FILE_BYTES
# Settings.max_import_rows is the configured limit; this is the default for callers that pass none.
MAX_IMPORT_ROWS = 1_000_000


def _nothing() -> None:
    return None


async def _check_ids(
    session: RequestSession, principal: Principal, model: type, ids: Sequence[int], field: str
) -> None:
    rows = await catalog_repo.get_many(session, model, workspace_id=principal.workspace_id, ids=list(ids))
    found = {r.id for r in rows}
    missing = sorted(set(ids) - found)
    if missing:
        raise NotFound(f"no {model.__name__.lower()} with id {missing[0]} in this workspace", field=field)


def authorize_import(*, principal: Principal) -> None:
    """Raises Forbidden for a caller who may not import (checked before the upload is read)."""
    authorize(principal, Action.WRITE)


async def start_import(
    *,
    session: RequestSession,
    principal: Principal,
    filename: str,
    data: bytes,
    options: ImportOptions,
    now: datetime,
    queued: Callable[[], None] = _nothing,
    max_rows: int = MAX_IMPORT_ROWS,
) -> Job:
    """A PENDING IMPORT job holding the file, with `total` = its data rows; InvalidInput when the file is unusable."""
    authorize(principal, Action.WRITE)
    try:
        # Reading 50 MB of CSV takes a moment: off the event loop, so other requests go on.
        summary = await asyncio.to_thread(csv_file.summarize, data, max_rows=max_rows)
        definitions = await contact_writes.field_definitions(session.raw, workspace_id=principal.workspace_id)
        plan_columns(summary.header, definitions.keys())
    except csv_file.ImportFileError as exc:
        raise InvalidInput(str(exc), field="file") from None
    await _check_ids(session, principal, Tag, options.tag_ids, "options.tagIds")
    await _check_ids(session, principal, ContactList, options.list_ids, "options.listIds")
    async with write_transaction(session.raw):
        job = Job(
            workspace_id=principal.workspace_id, kind=JobKind.IMPORT, status=JobStatus.PENDING,
            created_by_user_id=principal.user_id, created_at=now, total=summary.data_rows,
            params=options.to_params(separator=summary.separator),
        )
        session.raw.add(job)
        await session.raw.flush()
        session.raw.add(JobFile(job_id=job.id, filename=(filename or "import.csv")[:300], data=data))
    queued()
    return job


async def row_error_pages(
    *, session: RequestSession, principal: Principal, job_ids: Sequence[int], first: int, offset: int
) -> dict[int, Page[Any]]:
    """A page of the rejected rows of each import job of the caller's workspace, by job."""
    authorize(principal, Action.READ)
    validate_first(first)
    return await import_errors.row_error_pages(
        session, workspace_id=principal.workspace_id, job_ids=job_ids, first=first, offset=offset
    )
