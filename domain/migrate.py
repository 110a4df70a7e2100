"""Schema migrations, run programmatically so that the CLI and the tests share one path."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

ALEMBIC_INI = Path(__file__).with_name("alembic.ini")


def alembic_config() -> Config:
    return Config(str(ALEMBIC_INI))


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database behind `engine` to `revision` (the newest by default).

    At the newest revision on PostgreSQL, whatever an interrupted bulk load set aside (indexes, keys,
    count triggers: domain.demo.parallel.structures) is put back first.

    On SQLite the migrations run with foreign keys off (a migration that rebuilds a table drops it,
    and a drop with foreign keys on deletes, and cascades, first), and every foreign key is checked
    before the upgrade commits: a violation rolls it all back.
    """

    def _run(sync_connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = sync_connection
        command.upgrade(config, revision)

    if engine.dialect.name != "sqlite":
        async with engine.begin() as connection:
            await connection.run_sync(_run)
        if revision == "head":
            await put_back_what_a_load_set_aside(engine)
        return
    async with engine.connect() as connection:
        # Outside any transaction, or SQLite ignores it.
        await connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await connection.commit()
        try:
            await connection.run_sync(_run)
            broken = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
            if broken:
                await connection.rollback()
                raise RuntimeError(f"the migration left {len(broken)} rows whose foreign keys point nowhere; rolled back")
            await connection.commit()
        finally:
            await connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            await connection.commit()


async def put_back_what_a_load_set_aside(engine: AsyncEngine) -> None:
    """Run the statements an interrupted demo load still owes the database (none: nothing happens)."""
    from domain.demo.parallel.structures import owed, put_back_owed

    async with engine.begin() as connection:
        if await owed(connection):
            await put_back_owed(connection)
