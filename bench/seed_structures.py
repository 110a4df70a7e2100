"""PostgreSQL only: secondary indexes and constraints of the big tables are set aside while the seed
COPYs into them, then rebuilt exactly as the migrations made them.

Building an index once over loaded rows is several times cheaper than maintaining it row by row, and
checking a foreign key once with a join is cheaper than a lookup per row. Primary keys stay, and so
do triggers (the app's own counters, if any, must see every row). The definitions are read from the
catalogue (`pg_get_indexdef`, `pg_get_constraintdef`) right before they are dropped, so what comes
back is what the migrations created, whatever that is. A load that dies halfway leaves its
workspaces marked as loading, and the next seed recreates the database from the migrations.
"""

import time

import asyncpg

# Where nearly all the rows go; small tables keep their indexes.
BULK_TABLES = (
    "contact", "message_event", "contact_channel_daily", "conversation", "conversation_turn", "item_interaction",
    "contact_item", "custom_field_value", "channel_subscription", "note",
)


async def set_aside(connection: asyncpg.Connection) -> list[str]:
    """Drop the bulk tables' unique/foreign-key constraints and secondary indexes; returns the
    statements that recreate them, in a valid order (indexes and unique keys before foreign keys)."""
    constraints = await connection.fetch(
        """
        SELECT c.conrelid::regclass::text AS tab, c.conname, c.contype::text AS contype, pg_get_constraintdef(c.oid) AS definition
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
    restore: list[str] = []
    for row in sorted(constraints, key=lambda r: r["contype"] == "f", reverse=True):
        # Foreign keys first: a unique key may be what another table's foreign key points at.
        await connection.execute(f'ALTER TABLE {row["tab"]} DROP CONSTRAINT "{row["conname"]}"')
    for row in indexes:
        await connection.execute(f"DROP INDEX {row['name']}")
        restore.append(row["definition"])
    for row in constraints:
        if row["contype"] == "u":
            restore.append(f'ALTER TABLE {row["tab"]} ADD CONSTRAINT "{row["conname"]}" {row["definition"]}')
    for row in constraints:
        if row["contype"] == "f":
            restore.append(f'ALTER TABLE {row["tab"]} ADD CONSTRAINT "{row["conname"]}" {row["definition"]}')
    return restore


async def put_back(connection: asyncpg.Connection, statements: list[str]) -> float:
    """Recreate what `set_aside` dropped; returns the seconds it took."""
    started = time.perf_counter()
    # More memory per index build than the server default: fewer passes over the sorted runs.
    await connection.execute("SET maintenance_work_mem = '1GB'")
    for statement in statements:
        await connection.execute(statement)
    return time.perf_counter() - started
