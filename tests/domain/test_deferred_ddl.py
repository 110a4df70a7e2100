"""What the parallel demo loader sets aside is on record, and the next migration puts it back.

A load killed halfway (here: set aside, rows written with the triggers off, then nothing more) must
not leave a database without its indexes, keys or count triggers, nor with counts that miss rows.
"""

from datetime import UTC, datetime

import asyncpg
from sqlalchemy import text

from domain.db import create_engine
from domain.demo.parallel import structures
from domain.demo.parallel.writers import asyncpg_dsn
from domain.migrate import upgrade
from tests.count_checks import maintained, truth
from tests.scratch import scratch_database

SHAPE = {
    "indexes": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    "triggers": "SELECT tgrelid::regclass::text, tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2",
}


async def _shape(connection: asyncpg.Connection) -> dict[str, list[tuple]]:
    return {name: [tuple(row) for row in await connection.fetch(sql)] for name, sql in SHAPE.items()}


async def test_an_interrupted_load_is_put_back_by_the_next_migration(tmp_path):
    async with scratch_database("postgresql", tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            connection = await asyncpg.connect(asyncpg_dsn(url))
            try:
                before = await _shape(connection)
                assert await structures.set_aside(connection) > 10
                await structures.pause_counters(connection)
                during = await _shape(connection)
                # A row written while the triggers are off: the counts do not see it.
                await connection.execute("INSERT INTO workspace (name, slug, created_at) VALUES ('W', 'w', now())")
                workspace = await connection.fetchval("SELECT id FROM workspace")
                await connection.execute(
                    "INSERT INTO contact (workspace_id, name, name_key, search_text, origin, contact_since, created_at, "
                    "updated_at) VALUES ($1, 'Ana', 'ana', 'ana', 'MANUAL', now(), now(), now())", workspace,
                )
            finally:
                await connection.close()
            assert len(during["indexes"]) < len(before["indexes"])
            assert len(during["constraints"]) < len(before["constraints"])
            assert {row[2] for row in during["triggers"] if row[0] in structures.COUNTED_TABLES} == {b"D"}  # disabled
            async with engine.connect() as sa_connection:
                assert await structures.owed(sa_connection) > 10
            now = datetime.now(UTC)
            assert (await maintained(engine, workspace, now, []))[0]["total"] == 0, "the paused triggers counted Ana"

            await upgrade(engine)  # the next `rapport migrate` or `rapport demo`

            connection = await asyncpg.connect(asyncpg_dsn(url))
            try:
                assert await _shape(connection) == before
            finally:
                await connection.close()
            async with engine.connect() as sa_connection:
                assert await structures.owed(sa_connection) == 0
            assert await maintained(engine, workspace, now, []) == await truth(engine, workspace, now)
            assert (await truth(engine, workspace, now))[0]["total"] == 1
        finally:
            await engine.dispose()


async def test_nothing_owed_means_nothing_runs(tmp_path):
    async with scratch_database("sqlite", tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine)
            async with engine.begin() as connection:
                assert await structures.owed(connection) == 0
                assert await structures.put_back_owed(connection) == 0.0
                assert (await connection.execute(text("SELECT count(*) FROM deferred_ddl"))).scalar_one() == 0
        finally:
            await engine.dispose()
