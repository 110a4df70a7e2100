"""Loading whole workspaces in parallel: catalogues, then contacts by worker processes, then what was
set aside put back, the workspaces published and the planner statistics refreshed.

Used by `rapport demo` for large demos on PostgreSQL in a database of its own (domain.demo.load
decides) and by the benchmark seed (bench/seed.py). SQLite runs the same steps with one worker in
this process (one writer at a time) and sets nothing aside.
"""

import asyncio
import random
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing import get_context

import asyncpg
from sqlalchemy.engine import make_url

from domain.db import create_engine
from domain.demo.catalog import Catalog, build_catalog, catalog_sizes
from domain.demo.parallel import structures
from domain.demo.parallel.workers import WorkerPlan, WorkerResult, run_worker, run_worker_process
from domain.demo.parallel.writers import PostgresWriter, SqliteWriter, TableTimes, asyncpg_dsn
from domain.demo.profiles import WorkspaceProfile
from domain.demo.store import LOADING_SUFFIX, publish_workspace, refresh_statistics


@dataclass
class LoadReport:
    """Seconds per phase, rows and write seconds per table, and the workers' own accounts."""

    workers: int
    workspace_ids: list[int] = field(default_factory=list)
    phases: dict[str, float] = field(default_factory=dict)
    tables: TableTimes = field(default_factory=TableTimes)
    results: list[WorkerResult] = field(default_factory=list)


async def load_parallel(
    url: str,
    plan: list[tuple[WorkspaceProfile, int]],
    *,
    seed: int,
    now: datetime,
    workers: int,
    model_spec: str,
    models_dir: str | None = None,
    tag_skew: float | None = None,
    say: Callable[[str], None] = lambda _message: None,
    progress: bool = True,
) -> LoadReport:
    """Load every planned workspace (under its loading slug, published at the end) into a migrated
    database that holds nothing else worth its indexes during the load; returns what it took."""
    postgres = make_url(url).get_backend_name() == "postgresql"
    report = LoadReport(workers=workers if postgres else 1)
    phase = time.perf_counter()
    catalogs: list[Catalog] = []
    for profile, count in plan:
        rng = random.Random(f"{seed}:{profile.slug}:catalog")
        async with _writer(url, postgres, report.tables) as writer:
            ids = {table: await writer.reserve(table, size) for table, size in catalog_sizes(profile, count).items()}
            catalog = build_catalog(rng, profile, ids=ids, now=now, slug_in_progress=profile.slug + LOADING_SUFFIX)
            await writer.write(catalog.rows)
        catalog.rows = {}
        catalogs.append(catalog)
    report.workspace_ids = [catalog.workspace_id for catalog in catalogs]
    report.phases["catalogue"] = time.perf_counter() - phase

    phase = time.perf_counter()
    reserved: list[list[list[int] | None]] = [[None] * report.workers for _ in plan]
    if postgres:
        connection = await asyncpg.connect(asyncpg_dsn(url))
        try:
            await structures.set_aside(connection)
            await structures.pause_counters(connection)
            # Each workspace's contact ids up front, the lowest to worker 0: its first contact is the
            # showcase, which is then the workspace's lowest id whichever worker writes first.
            for position, (_, count) in enumerate(plan):
                ids = await PostgresWriter(connection, TableTimes()).reserve("contact", count)
                reserved[position] = [ids[start:end] for start, end in _shares(count, report.workers)]
        finally:
            await connection.close()
    report.phases["set indexes and counters aside"] = time.perf_counter() - phase

    plans = [
        WorkerPlan(
            database_url=url, postgres=postgres, profile=profile, catalog=catalog, contacts=end - start,
            worker=worker, workers=report.workers, seed=seed, now=now, model_spec=model_spec, models_dir=models_dir,
            tag_skew=tag_skew, contact_ids=reserved[position][worker], progress=progress,
        )
        for position, ((profile, count), catalog) in enumerate(zip(plan, catalogs, strict=True))
        for worker, (start, end) in enumerate(_shares(count, report.workers))
    ]
    phase = time.perf_counter()
    say(f"Loading {sum(count for _, count in plan):,} contacts with {report.workers} worker process(es)…")
    report.results = await _run_workers(plans, parallel=postgres)
    report.phases["contacts (generate, score, write)"] = time.perf_counter() - phase
    for result in report.results:
        report.tables.merge(result.times)

    engine = create_engine(url)
    try:
        phase = time.perf_counter()
        if postgres:
            say("Rebuilding indexes and keys, counting…")
            async with engine.begin() as connection:
                await structures.put_back_owed(connection)
        report.phases["rebuild indexes + keys, counts"] = time.perf_counter() - phase
        async with engine.begin() as connection:
            for (profile, _), catalog in zip(plan, catalogs, strict=True):
                await publish_workspace(connection, catalog.workspace_id, profile.slug)
        say("Updating the planner statistics…")
        phase = time.perf_counter()
        if postgres:
            # VACUUM as well: freshly loaded pages are not all-visible, so index-only scans would visit the heap.
            connection = await asyncpg.connect(asyncpg_dsn(url))
            try:
                await connection.execute("VACUUM (ANALYZE)")
            finally:
                await connection.close()
        else:
            await refresh_statistics(engine)
        report.phases["vacuum analyze" if postgres else "analyze"] = time.perf_counter() - phase
    finally:
        await engine.dispose()
    return report


def _shares(count: int, workers: int) -> list[tuple[int, int]]:
    """[start, end) of each worker's share of `count` contacts, as even as can be."""
    bounds, start = [], 0
    for worker in range(workers):
        end = start + count // workers + (1 if worker < count % workers else 0)
        bounds.append((start, end))
        start = end
    return bounds


@asynccontextmanager
async def _writer(url: str, postgres: bool, times: TableTimes):
    """One transaction with a writer for this engine."""
    if postgres:
        connection = await asyncpg.connect(asyncpg_dsn(url))
        try:
            async with connection.transaction():
                yield PostgresWriter(connection, times)
        finally:
            await connection.close()
        return
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            yield SqliteWriter(connection, times)
    finally:
        await engine.dispose()


async def _run_workers(plans: list[WorkerPlan], *, parallel: bool) -> list[WorkerResult]:
    """PostgreSQL: one process per worker (all workspaces' workers at once, at most the largest
    count at a time); SQLite: one after another, here."""
    if not parallel:
        return [await run_worker(plan) for plan in plans]
    loop = asyncio.get_running_loop()
    size = max(plan.workers for plan in plans)
    # spawn, not fork: the parent has an event loop and open connections a child must not share.
    with ProcessPoolExecutor(max_workers=size, mp_context=get_context("spawn")) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, run_worker_process, plan) for plan in plans)))
