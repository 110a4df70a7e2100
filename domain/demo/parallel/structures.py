"""PostgreSQL only: what a bulk load sets aside while it COPYs, and how it is put back.

Building an index once over loaded rows is several times cheaper than maintaining it row by row, and
checking a foreign key once with a join is cheaper than a lookup per row; the count triggers are
paused likewise and the counts computed from the rows at the end. Primary keys stay. Definitions are
read from the catalogue (`pg_get_indexdef`, `pg_get_constraintdef`) right before they are dropped,
so what comes back is what the migrations created, whatever that is.

Nothing of it is only in memory: the statements that put each thing back are written to
`deferred_ddl` in the very transaction that drops it, and `put_back_owed` runs them and deletes them
in one transaction. A load killed halfway therefore leaves exactly what is still owed on record, and
the next migration (`domain.migrate.upgrade`: `rapport migrate`, `rapport demo`) pays it.
Only a database that holds nothing but the data being loaded may be treated so (the demo checks);
every other workspace would lose its indexes for the duration.
"""

import time

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.repositories.counters import rebuild_counters

# Where nearly all the rows go; small tables keep their indexes.
BULK_TABLES = (
    "contact", "message_event", "contact_channel_daily", "conversation", "conversation_turn", "item_interaction",
    "contact_item", "custom_field_value", "channel_subscription", "note",
)
# The tables whose triggers maintain the contacts module's counts (domain/repositories/counters.py).
COUNTED_TABLES = ("contact", "contact_tag", "contact_list_member", "contact_group_member")
# A statement owed after the others: the counts, which the paused triggers did not keep.
REBUILD_COUNTS = "-- rebuild maintained counts"


async def _owe(connection: asyncpg.Connection, statements: list[str]) -> None:
    """Append statements to what the database is owed (in the caller's transaction)."""
    start = await connection.fetchval("SELECT coalesce(max(position), 0) FROM deferred_ddl")
    await connection.executemany(
        "INSERT INTO deferred_ddl (position, statement) VALUES ($1, $2)",
        [(start + offset, statement) for offset, statement in enumerate(statements, start=1)],
    )


async def set_aside(connection: asyncpg.Connection) -> int:
    """Drop the bulk tables' unique/foreign-key constraints and secondary indexes, recording the
    statements that recreate them in a valid order (indexes and unique keys before foreign keys);
    returns how many. One transaction: all of it is set aside and recorded, or none."""
    async with connection.transaction():
        constraints = await connection.fetch(
            """
            SELECT c.conrelid::regclass::text AS tab, c.conname, c.contype::text AS contype,
                   pg_get_constraintdef(c.oid) AS definition
            FROM pg_constraint c
            WHERE c.conrelid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) AS t) AND c.contype IN ('u', 'f')
            """,
            list(BULK_TABLES),
        )
        indexes = await connection.fetch(
            """
            SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i
            WHERE i.indrelid = ANY(SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
              AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))
            """,
            list(BULK_TABLES),
        )
        restore = [row["definition"] for row in indexes]
        restore += [f'ALTER TABLE {r["tab"]} ADD CONSTRAINT "{r["conname"]}" {r["definition"]}'
                    for r in constraints if r["contype"] == "u"]
        restore += [f'ALTER TABLE {r["tab"]} ADD CONSTRAINT "{r["conname"]}" {r["definition"]}'
                    for r in constraints if r["contype"] == "f"]
        await _owe(connection, restore)
        # Foreign keys first: a unique key may be what another table's foreign key points at.
        for row in sorted(constraints, key=lambda r: r["contype"] == "f", reverse=True):
            await connection.execute(f'ALTER TABLE {row["tab"]} DROP CONSTRAINT "{row["conname"]}"')
        for row in indexes:
            await connection.execute(f"DROP INDEX {row['name']}")
        return len(restore)


async def pause_counters(connection: asyncpg.Connection) -> None:
    """Switch the count triggers off, owing their switch back on and a recount of every workspace."""
    async with connection.transaction():
        await _owe(connection, [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in COUNTED_TABLES] + [REBUILD_COUNTS])
        for table in COUNTED_TABLES:
            await connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")


async def owed(connection: AsyncConnection) -> int:
    """How many statements the database is owed (0 on SQLite, which never sets anything aside)."""
    if connection.dialect.name != "postgresql":
        return 0
    return int((await connection.execute(text("SELECT count(*) FROM deferred_ddl"))).scalar_one())


async def put_back_owed(connection: AsyncConnection) -> float:
    """Run every owed statement in order and forget them, in the caller's transaction; returns seconds.

    The recount of the maintained counts (owed by pause_counters) covers every workspace: a database
    treated so holds only what was bulk-loaded into it.
    """
    started = time.perf_counter()
    if connection.dialect.name != "postgresql":
        return 0.0
    statements = (await connection.execute(text("SELECT statement FROM deferred_ddl ORDER BY position"))).scalars().all()
    if not statements:
        return 0.0
    # More memory per index build than the server default: fewer passes over the sorted runs.
    await connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '1GB'")
    for statement in statements:
        if statement == REBUILD_COUNTS:
            for workspace_id in (await connection.execute(text("SELECT id FROM workspace ORDER BY id"))).scalars():
                await rebuild_counters(connection, workspace_id)
        else:
            await connection.exec_driver_sql(statement)
    await connection.execute(text("DELETE FROM deferred_ddl"))
    return time.perf_counter() - started
