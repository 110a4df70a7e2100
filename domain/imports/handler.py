"""The IMPORT job handler: reads the stored CSV in batches after `job.cursor` (a file row number).

The open file is kept between batches of the same job, so a 100k-row import parses its file once,
and a large file's next batches are validated in helper processes while this one is written.
That memory is only a shortcut: after a restart (or on another worker) it is rebuilt from the
stored file and the cursor, replaying validation of the rows already done so that in-file
duplicates are still recognised.
"""

import asyncio
import threading
from collections import deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import JobKind
from domain.errors import DomainError, InvalidInput
from domain.imports import csv_file, parallel
from domain.imports.batch import BatchWriter, ImportContext
from domain.imports.columns import ColumnPlan, plan_columns
from domain.imports.matching import Seen
from domain.imports.options import ImportOptions
from domain.imports.rows import FieldRule, ImportRow, RowError, RowValidator
from domain.jobs.registry import JobServices, register
from domain.models import Job
from domain.repositories import contact_writes
from domain.repositories import import_errors
from domain.repositories import imports as repo

# Rows and cells per batch (and transaction). A batch holds the job's row lock, and on SQLite the
# database's one write lock, from its first statement to its commit: other writers wait that long,
# so a batch stays well under a second's work (10,000-row batches took seconds on a busy machine).
# A batch looks its e-mails and phones up in one statement: 2 x BATCH_ROWS stays under 32k parameters.
BATCH_ROWS = 2_000
BATCH_CELLS = 40_000
# Below this many rows a helper process costs more than it saves.
PARALLEL_MIN_ROWS = 30_000
# Errors a job stores (rows in job_row_error, what `rowErrors` pages through); beyond them it only
# counts (job.omitted_errors). `failed` counts every rejected row either way.
MAX_STORED_ERRORS = 1_000


class ImportFileGone(DomainError):
    """The job's file is missing: the job cannot go on (the runner shows this message on the job)."""


@dataclass
class OpenImport:
    cursor: int
    reader: csv_file.BatchReader
    plan: ColumnPlan
    validator: RowValidator
    field_ids: dict[str, int]
    parallel: bool
    # Required custom field keys, each with the file's column for it (None: the file has none).
    required: dict[str, str | None] = field(default_factory=dict)
    # The rules the validator checks the file's custom columns by (each batch checks they still hold).
    rules: dict[str, FieldRule] = field(default_factory=dict)
    seen: Seen = field(default_factory=Seen)
    exhausted: bool = False
    taken: int = 0
    # Batches handed to the helper processes, oldest first.
    prefetched: "deque[tuple[list[csv_file.Record], Future[list[Any]]]]" = field(default_factory=deque)

    def take(self, n: int) -> tuple[list[csv_file.Record], int, str]:
        records, first_row, text = self.reader.take(n)
        self.exhausted = len(records) < n
        self.taken += 1
        return records, first_row, text

    def next_size(self, full: int) -> int:
        """Rows for the next batch: with helpers, the first batches ramp up (a quarter, a half, then full),
        so the first validated rows are ready sooner after the helpers start."""
        return full if not self.parallel else min(full, max(1, full // 4) << (self.taken // 2))

    @property
    def done(self) -> bool:
        return self.exhausted and not self.prefetched


class ImportHandler:
    def __init__(
        self, batch_rows: int = BATCH_ROWS, parallel_min_rows: int = PARALLEL_MIN_ROWS, batch_cells: int = BATCH_CELLS
    ) -> None:
        self.batch_rows = batch_rows
        self.batch_cells = batch_cells
        self.parallel_min_rows = parallel_min_rows
        self._open: dict[int, OpenImport] = {}

    def _rows_per_batch(self, state: OpenImport) -> int:
        """BATCH_ROWS, fewer for a wide file: the work of a batch grows with its cells."""
        return max(1, min(self.batch_rows, self.batch_cells // max(1, len(state.plan.headers))))

    async def _open_file(self, session: AsyncSession, job: Job) -> OpenImport:
        # Taken out while a batch runs: a batch that raises leaves nothing half-read behind.
        cached = self._open.pop(job.id, None)
        if cached is not None and cached.cursor == job.cursor:
            return cached
        stored = await repo.job_file(session, job_id=job.id)
        if stored is None:
            raise ImportFileGone(f"the file of import job {job.id} is gone")
        definitions = await contact_writes.field_definitions(session, workspace_id=job.workspace_id)
        # Plain values for the thread below (ORM rows stay on this side).
        rules = {k: FieldRule.of(d) for k, d in definitions.items()}
        field_ids = {k: d.id for k, d in definitions.items()}
        data, cursor, separator = stored.data, job.cursor, job.params.get("separator")
        in_parallel = job.total - job.processed >= self.parallel_min_rows

        def read() -> OpenImport:
            text = csv_file.decode(data)
            sep = separator or csv_file.sniff_separator(text)
            # Checked when the job was queued; fails only if custom fields changed since (a domain error).
            plan = plan_columns(csv_file.header(text, sep), rules.keys())
            state = OpenImport(
                cursor=cursor, reader=csv_file.BatchReader(text, sep), plan=plan,
                validator=RowValidator(plan, {k: rules[k] for k in plan.custom}),
                field_ids={k: field_ids[k] for k in plan.custom}, parallel=in_parallel,
                required={k: plan.label(plan.custom[k]) if k in plan.custom else None
                          for k, rule in sorted(rules.items()) if rule.required},
                rules={k: rules[k] for k in plan.custom},
            )
            self._replay(state, cursor)
            return state

        try:
            # Decoding 50 MB and replaying the rows done before a restart take seconds: off the event loop.
            state = await asyncio.to_thread(read)
        except csv_file.ImportFileError as exc:
            raise InvalidInput(str(exc), field="file") from None
        if state.parallel:
            threading.Thread(target=parallel.warm_up, name="import-helpers", daemon=True).start()
        return state

    @staticmethod
    def _replay(state: OpenImport, cursor: int) -> None:
        """Skip the rows already done, remembering the e-mails and phones their valid rows claimed."""
        while cursor > 1 and not state.exhausted:
            records, _, _ = state.take(1)
            for checked in state.validator.validate_all(records):
                if isinstance(checked, ImportRow):
                    state.seen.remember(checked)
            if records and records[-1].row >= cursor:
                return

    async def _next_checked(self, state: OpenImport) -> tuple[list[csv_file.Record], list[Any]]:
        """This batch's records and their validation; large files keep the helpers busy with the next ones."""
        future = None
        full = self._rows_per_batch(state)
        if state.prefetched:
            records, future = state.prefetched.popleft()
        else:
            records, _, _ = state.take(state.next_size(full))
        # Hand out the following batches first, so the helpers work while this one is finished here.
        helpers = state.parallel and parallel.ready()
        while helpers and not state.exhausted and len(state.prefetched) < parallel.WORKERS:
            upcoming, first_row, text = state.take(state.next_size(full))
            if upcoming:
                state.prefetched.append(
                    (upcoming, parallel.submit(state.validator, text, state.reader.separator, first_row))
                )
        if future is None:
            # Until the helpers are up (see _open_file), the short first batches are validated here,
            # in a thread: the event loop keeps serving requests meanwhile.
            return records, await asyncio.to_thread(parallel.validate_all, state.validator, records)
        try:
            return records, await asyncio.wrap_future(future)
        except BrokenProcessPool:  # a helper died: validate here instead
            parallel.release()
            return records, await asyncio.to_thread(parallel.validate_all, state.validator, records)

    async def run_batch(self, session: AsyncSession, job: Job, *, now: datetime, services: JobServices) -> bool:
        try:
            done = await self._run_batch(session, job, now)
        except BaseException:
            self._release_if_idle()  # the job fails (or is retried later): no helpers left waiting
            raise
        if done:
            self._release_if_idle()
        return done

    def _release_if_idle(self) -> None:
        if not self._open:
            parallel.release()

    async def _run_batch(self, session: AsyncSession, job: Job, now: datetime) -> bool:
        state = await self._open_file(session, job)
        await repo.widen_sqlite_cache(session)
        records, checked = await self._next_checked(state)
        rows = [c for c in checked if isinstance(c, ImportRow)]
        errors: list[RowError] = [e for c in checked if not isinstance(c, ImportRow) for e in c]
        notes: list[RowError] = []
        if job.cursor == 0:
            # Reported once, with the first batch: columns the import could not place anywhere.
            notes = [RowError(1, label, "unknown column: ignored") for _, label in state.plan.unknown]
        ctx = ImportContext(
            workspace_id=job.workspace_id, actor_user_id=job.created_by_user_id,
            options=ImportOptions.from_params(job.params), field_ids=state.field_ids,
            columns={k: self._label(state.plan, k) for k in ("email", "phone")}, required=state.required,
            rules=state.rules,
        )
        result = await BatchWriter(session, ctx, now).apply(rows, errors, state.seen)
        await self._store_errors(session, job, notes + result.errors)
        job.created += result.created
        job.previously_deleted += result.previously_deleted
        job.updated += result.updated
        job.skipped += result.skipped
        job.failed += result.failed
        job.processed += len(records)
        if records:
            job.cursor = records[-1].row
        state.cursor = job.cursor
        if not state.done:
            self._open[job.id] = state
            return False
        # The upload is kept only until the job is done (job_file); the counts and errors stay.
        await repo.delete_job_file(session, job_id=job.id)
        return True

    @staticmethod
    async def _store_errors(session: AsyncSession, job: Job, errors: list[RowError]) -> None:
        """Store errors up to MAX_STORED_ERRORS per job; count the ones beyond."""
        room = 0 if job.omitted_errors else MAX_STORED_ERRORS - await import_errors.count_row_errors(session, job_id=job.id)
        kept = errors[: max(0, room)]
        job.omitted_errors += len(errors) - len(kept)
        await import_errors.insert_row_errors(session, job_id=job.id, errors=kept)

    @staticmethod
    def _label(plan: ColumnPlan, name: str) -> str | None:
        index = plan.fields.get(name)
        return None if index is None else plan.label(index)


handler = ImportHandler()
register(JobKind.IMPORT, handler)
