"""`load_demo`: migrate, then load (or reuse) the two demo workspaces and mint their keys.

A workspace is loaded under a temporary slug and renamed to its real slug in the last step, so a
load that was interrupted is recognised as incomplete and loaded again on the next run instead of
being mistaken for finished data.
"""

import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.clock import FixedClock
from domain.db import create_engine, session_factory
from domain.demo.ahead import write_while_generating
from domain.demo.catalog import build_catalog, catalog_sizes
from domain.demo.contact_rows import Batch, ContactGenerator
from domain.demo.ids import IdReserver
from domain.demo.keys import renew_role_keys
from domain.demo.parallel.loader import load_parallel
from domain.demo.profiles import WorkspaceProfile, demo_plan
from domain.demo.store import (
    LOADING_SUFFIX,
    delete_workspaces,
    find_workspaces,
    insert_in_lanes,
    insert_rows,
    publish_workspace,
    refresh_statistics,
)
from domain.demo.traits import random_traits, showcase_traits
from domain.enums import Role
from domain.migrate import upgrade
from domain.models import Job, Workspace
from domain.services.satisfaction_models import rescore_workspaces
from ml.serving import ModelServer

# Contacts generated and inserted per transaction: bounds memory (about 30 events per contact)
# while keeping the number of commits small.
CONTACTS_PER_TRANSACTION = 2_000
# Rows that other rows of a batch point at.
PARENT_TABLES = ("contact", "conversation")
# From this many contacts on PostgreSQL, a demo in a database of its own loads with worker processes
# while indexes and count triggers are set aside (domain.demo.parallel): below it, starting the
# processes and rebuilding the indexes costs more than it saves.
PARALLEL_FROM = 50_000
MAX_WORKERS = 4
# The advisory lock key that keeps two `rapport demo` runs on one PostgreSQL database apart.
DEMO_LOCK = 0x5261_7070_6F72  # "Rappor"


@dataclass
class DemoWorkspace:
    """A loaded demo workspace and fresh API keys of its role users."""

    name: str
    slug: str
    keys: dict[Role, str]  # ADMIN, OPERATOR, AGENT, in that order
    revoked_keys: int = 0  # earlier demo keys revoked when these were minted


async def _score(engine: AsyncEngine, slugs: list[str], *, models: ModelServer, now: datetime, console: Console) -> None:
    """Label every demo conversation (and customer turn) as the server would, with progress."""
    sessions = session_factory(engine)
    columns = (TextColumn("scoring conversations of {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        tasks: dict[str, TaskID] = {}

        def on_batch(workspace: Workspace, job: Job) -> None:
            if workspace.slug not in tasks:
                tasks[workspace.slug] = progress.add_task(workspace.slug, total=job.total)
            progress.update(tasks[workspace.slug], completed=job.processed)

        for slug in slugs:
            await rescore_workspaces(sessions, FixedClock(now), models=models, slug=slug, on_batch=on_batch)


async def load_demo(
    *,
    database_url: str,
    contacts: int,
    reset: bool = False,
    seed: int = 7,
    console: Console,
    now: datetime | None = None,
    models: ModelServer | None = None,
) -> list[DemoWorkspace]:
    """Make sure both demo workspaces exist and return fresh keys for them, the main one first.

    Existing demo workspaces are kept unless `reset`; then they (and only they) are deleted and
    loaded again. The same `seed` and `now` give the same data. With `models`, freshly loaded
    conversations are scored by the serving satisfaction model (a rescore job per workspace).
    """
    if contacts < 1:
        raise ValueError("contacts must be at least 1")
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    # Daily rollups are per UTC day, so every instant is generated in UTC.
    now = now.astimezone(UTC)
    plan = demo_plan(contacts)
    slugs = [profile.slug for profile, _ in plan]
    engine = create_engine(database_url)
    try:
        async with _one_load_at_a_time(engine, console):
            return await _load_or_reuse(
                engine, database_url, plan, slugs, contacts=contacts, reset=reset, seed=seed, now=now,
                console=console, models=models,
            )
    finally:
        await engine.dispose()


@asynccontextmanager
async def _one_load_at_a_time(engine: AsyncEngine, console: Console) -> AsyncIterator[None]:
    """PostgreSQL: one `rapport demo` at a time per database (a session advisory lock, held on a
    connection of its own for the whole run). A second one waits, then finds the demo loaded and only
    mints keys; two at once would both clear, set aside and load the same workspaces. SQLite: no lock
    (its writers queue, and a demo there is a one-user affair)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as connection:
        lock = {"key": DEMO_LOCK}
        if not (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"), lock)).scalar_one():
            console.print("Another `rapport demo` is loading this database; waiting for it to finish…")
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), lock)
        await connection.commit()  # the lock is the session's: no transaction needs to stay open
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), lock)
            await connection.commit()


async def _load_or_reuse(
    engine: AsyncEngine, database_url: str, plan: list[tuple[WorkspaceProfile, int]], slugs: list[str], *,
    contacts: int, reset: bool, seed: int, now: datetime, console: Console, models: ModelServer | None,
) -> list[DemoWorkspace]:
    """The body of load_demo, under its lock."""
    console.print("Migrating the database…")
    await upgrade(engine)
    async with engine.connect() as connection:
        existing = await find_workspaces(connection, slugs)
    if reset or len(existing) < len(slugs):
        await _clear_demo(engine, slugs, console)
        if models is not None and await _parallel_load_fits(engine, contacts):
            try:
                loaded = await load_parallel(
                    database_url, plan, seed=seed, now=now, workers=min(os.cpu_count() or 1, MAX_WORKERS),
                    model_spec=models.default_spec, models_dir=str(models.models_dir), say=console.print,
                )
            except BaseException:  # Ctrl-C included: say what state the database is left in
                console.print(
                    "The demo load did not finish. Its workspaces stay marked as loading, and the next "
                    "`rapport demo` (or `rapport migrate`) first rebuilds the indexes and counts it set aside."
                )
                raise
            console.print(f"Loaded {sum(count for _, count in plan):,} contacts in "
                          f"{sum(loaded.phases.values()):.0f} s with {loaded.workers} worker processes.")
        else:
            await _load_all(engine, plan, seed=seed, now=now, console=console)
            if models is not None:
                await _score(engine, slugs, models=models, now=now, console=console)
            console.print("Updating the planner statistics…")
            await refresh_statistics(engine)
        async with engine.connect() as connection:
            existing = await find_workspaces(connection, slugs)
    else:
        console.print("Demo data is already loaded; minting new keys (use --reset to load it again).")
    workspaces = []
    for profile, _ in plan:
        workspace_id, name = existing[profile.slug]
        keys, revoked = await renew_role_keys(engine, workspace_id, now)
        workspaces.append(DemoWorkspace(name, profile.slug, keys, revoked))
    return workspaces


async def _parallel_load_fits(engine: AsyncEngine, contacts: int) -> bool:
    """Whether the demo may load in parallel (domain.demo.parallel): a large demo, on PostgreSQL, in a
    database that holds no other workspace. The parallel loader sets the bulk tables' indexes, keys
    and count triggers aside while it loads; any other workspace would be served without them."""
    if engine.dialect.name != "postgresql" or contacts < PARALLEL_FROM:
        return False
    async with engine.connect() as connection:
        others = (await connection.execute(select(func.count()).select_from(Workspace))).scalar_one()
    return others == 0


async def _clear_demo(engine: AsyncEngine, slugs: list[str], console: Console) -> None:
    """Delete the demo workspaces, finished or interrupted, before loading them."""
    async with engine.begin() as connection:
        found = await find_workspaces(connection, slugs + [slug + LOADING_SUFFIX for slug in slugs])
        if found:
            console.print(f"Deleting the previous demo data ({', '.join(sorted(found))})…")
            await delete_workspaces(connection, [workspace_id for workspace_id, _ in found.values()])


async def _load_all(
    engine: AsyncEngine, plan: list[tuple[WorkspaceProfile, int]], *, seed: int, now: datetime, console: Console
) -> None:
    """Load every planned workspace behind one progress display."""
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("contacts"),
        TimeElapsedColumn(), TextColumn("{task.fields[rows]:,} rows"),
    )
    with Progress(*columns, console=console) as progress:
        for profile, count in plan:
            task = progress.add_task(profile.name, total=count, rows=0)
            started = time.perf_counter()
            rows = await load_workspace(engine, profile, count, seed=seed, now=now, progress=progress, task=task)
            elapsed = time.perf_counter() - started
            progress.console.print(f"{profile.name}: {count:,} contacts, {rows:,} rows in {elapsed:.1f} s")


async def load_workspace(
    engine: AsyncEngine, profile: WorkspaceProfile, contacts: int, *, seed: int, now: datetime,
    progress: Progress | None = None, task: TaskID | None = None,
) -> int:
    """Load one workspace with `contacts` contacts; returns the number of rows inserted (the next
    chunk generated while one is inserted: domain.demo.ahead)."""
    rng = random.Random(f"{seed}:{profile.slug}")
    reserver = IdReserver(engine.dialect.name)
    async with engine.begin() as connection:
        sizes = catalog_sizes(profile, contacts)
        ids = {table: await reserver.reserve(connection, table, count) for table, count in sizes.items()}
        catalog = build_catalog(rng, profile, ids=ids, now=now, slug_in_progress=profile.slug + LOADING_SUFFIX)
        total = await insert_rows(connection, catalog.rows)
    generator = ContactGenerator(rng, profile, catalog, now)

    def generate(first: int, size: int) -> Batch:
        batch = Batch()
        for index in range(first, first + size):
            # The lowest id of the workspace is the showcase contact the demo opens on.
            generator.add(batch, showcase_traits() if index == 0 else random_traits(rng))
        return batch

    step = CONTACTS_PER_TRANSACTION
    chunks = [(first, min(step, contacts - first)) for first in range(0, contacts, step)]

    async def write(_position: int, batch: Batch, size: int) -> None:
        nonlocal total
        total += await _insert_batch(engine, reserver, batch, size)
        if progress is not None and task is not None:
            progress.update(task, advance=size, rows=total)

    await write_while_generating(chunks, generate, write)
    async with engine.begin() as connection:
        await publish_workspace(connection, catalog.workspace_id, profile.slug)
    return total


async def _insert_batch(engine: AsyncEngine, reserver: IdReserver, batch: Batch, size: int) -> int:
    """Reserve the batch's ids and insert its rows; returns the row count.

    SQLite takes one writer at a time: everything goes in one transaction. PostgreSQL gets the
    rows other rows point at (contacts, conversations) committed first, then the rest in two
    concurrent lanes (message events, everything else). A batch cut short by an error leaves the
    workspace under its loading slug, so it is deleted and loaded again on the next run.
    """
    async with engine.begin() as connection:
        contact_ids = await reserver.reserve(connection, "contact", size)
        conversation_ids = await reserver.reserve(connection, "conversation", len(batch.conversations))
        batch.bind_ids(contact_ids, conversation_ids)
        if engine.dialect.name != "postgresql":
            return await insert_rows(connection, batch.rows)
        parents = {table: batch.rows.pop(table, []) for table in PARENT_TABLES}
        inserted = await insert_rows(connection, parents)
    events = {"message_event": batch.rows.pop("message_event", [])}
    return inserted + await insert_in_lanes(engine, [events, dict(batch.rows)])
