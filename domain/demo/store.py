"""Database work of the demo loader: bulk inserts, finding and deleting demo workspaces."""

import asyncio

from sqlalchemy import ColumnElement, Table, delete, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

import domain.models  # noqa: F401  (registers every table on the metadata)
from domain.models import Workspace
from domain.repositories.counters import COUNTER_TABLES

# Parents before children, so foreign keys hold at every insert; children first for deletes.
TABLES_IN_FK_ORDER = list(SQLModel.metadata.sorted_tables)
TABLES = {table.name: table for table in TABLES_IN_FK_ORDER}
INSERT_SLICE = 10_000
# PostgreSQL loads by COPY; tests turn it off to check that both ways store the same values.
COPY_ON_POSTGRES = True
LOADING_SUFFIX = "~loading"


async def insert_rows(connection: AsyncConnection, rows_by_table: dict[str, list[dict]]) -> int:
    """Insert every table's rows, parents first; returns the row count.

    PostgreSQL gets them by COPY through the connection's asyncpg driver (the parallel loader's
    writer, domain.demo.parallel.writers): against a Core executemany it spares both SQLAlchemy's
    per-row parameter handling and the server's per-row statement execution, and the statement-level
    count triggers fire once per COPY as they do once per INSERT. SQLite gets Core executemany.
    """
    if COPY_ON_POSTGRES and connection.dialect.name == "postgresql":
        # Imported here: the writers take the table order from this module.
        from domain.demo.parallel.writers import PostgresWriter, TableTimes

        # The driver's transaction starts with the first statement SQLAlchemy sends; COPY must be inside it.
        await connection.execute(text("SELECT 1"))
        driver = (await connection.get_raw_connection()).driver_connection
        return await PostgresWriter(driver, TableTimes()).write(rows_by_table)
    inserted = 0
    for table in TABLES_IN_FK_ORDER:
        rows = rows_by_table.get(table.name)
        if not rows:
            continue
        statement = insert(table)
        for start in range(0, len(rows), INSERT_SLICE):
            await connection.execute(statement, rows[start : start + INSERT_SLICE])
        inserted += len(rows)
    return inserted


async def insert_in_lanes(engine: AsyncEngine, lanes: list[dict[str, list[dict]]]) -> int:
    """Insert each lane in its own transaction, all lanes at once; returns the row count.

    On a server database this overlaps one lane's statement preparation (Python) with another
    lane's execution (the server). Every lane may only reference rows that are already committed.
    """

    async def one_lane(rows_by_table: dict[str, list[dict]]) -> int:
        async with engine.begin() as connection:
            return await insert_rows(connection, rows_by_table)

    return sum(await asyncio.gather(*(one_lane(lane) for lane in lanes)))


async def find_workspaces(connection: AsyncConnection, slugs: list[str]) -> dict[str, tuple[int, str]]:
    """slug -> (id, name) of the workspaces with these slugs."""
    table = Workspace.__table__
    result = await connection.execute(select(table.c.slug, table.c.id, table.c.name).where(table.c.slug.in_(slugs)))
    return {slug: (workspace_id, name) for slug, workspace_id, name in result}


async def delete_workspaces(connection: AsyncConnection, workspace_ids: list[int]) -> None:
    """Delete these workspaces and every row they own, children first; other workspaces are untouched.

    On PostgreSQL, when these are all the workspaces there are, every table is emptied at once
    instead (_empty_every_table): a million-contact demo deleted row by row through the count
    triggers takes many minutes.
    """
    if not workspace_ids:
        return
    if connection.dialect.name == "postgresql":
        everyone = set((await connection.execute(select(Workspace.__table__.c.id))).scalars())
        if everyone <= set(workspace_ids):
            await _empty_every_table(connection)
            return
    # The trigger-maintained counts last: deleting contacts and memberships writes to them.
    children_first = [t for t in reversed(TABLES_IN_FK_ORDER) if t.name not in COUNTER_TABLES]
    for table in children_first + [TABLES[name] for name in COUNTER_TABLES]:
        owned = _owned_rows(table, workspace_ids)
        if owned is not None:
            await connection.execute(delete(table).where(owned))
    workspace = Workspace.__table__
    await connection.execute(delete(workspace).where(workspace.c.id.in_(workspace_ids)))


async def _empty_every_table(connection: AsyncConnection) -> None:
    """PostgreSQL, for a database whose every workspace goes: empty every table the workspaces own,
    and the workspaces, in one TRUNCATE (the migration state and anything still owed by a bulk load
    stay); the counts are emptied with what they counted."""
    owned = [table for table in TABLES_IN_FK_ORDER if table.name == "workspace" or _owned_rows(table, [0]) is not None]
    await connection.execute(text("TRUNCATE " + ", ".join(f'"{table.name}"' for table in owned)))


def _owned_rows(table: Table, workspace_ids: list[int]) -> ColumnElement[bool] | None:
    """Which rows of `table` belong to the workspaces: by their workspace_id, or else through a
    parent that has one (job items belong to a job of the workspace). None: the table has neither."""
    if "workspace_id" in table.c:
        return table.c.workspace_id.in_(workspace_ids)
    through_parents = [
        fk.parent.in_(select(fk.column).where(fk.column.table.c.workspace_id.in_(workspace_ids)))
        for fk in table.foreign_keys
        if "workspace_id" in fk.column.table.c
    ]
    return or_(*through_parents) if through_parents else None


async def publish_workspace(connection: AsyncConnection, workspace_id: int, slug: str) -> None:
    """Give a fully loaded workspace its real slug: from then on it counts as loaded."""
    workspace = Workspace.__table__
    await connection.execute(update(workspace).where(workspace.c.id == workspace_id).values(slug=slug))


async def refresh_statistics(engine: AsyncEngine) -> None:
    """ANALYZE every table: freshly loaded tables otherwise keep the planner's empty-table estimates
    (on PostgreSQL until autovacuum gets to them), and the profile's statements pick poor plans."""
    async with engine.begin() as connection:
        await connection.execute(text("ANALYZE"))
