"""`rapport demo` leaves the planner statistics up to date, so a fresh demo is not served with
empty-table estimates (the profile's statements took 90-150 ms on PostgreSQL until an ANALYZE)."""

import asyncio

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app as cli
from domain.db import create_engine
from domain.settings import get_settings
from tests.scratch import scratch_database

ANALYZED_TABLES = ("contact", "message_event", "contact_tag", "channel_subscription")


@pytest.fixture(params=["sqlite", "postgresql"])
async def demo_database(request, tmp_path, monkeypatch):
    async with scratch_database(request.param, tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        yield url
        get_settings.cache_clear()


async def test_demo_leaves_planner_statistics_for_the_loaded_tables(demo_database):
    # when
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["demo", "--contacts", "80"])

    # then every big table has statistics that match what was loaded
    assert result.exit_code == 0, result.output
    engine = create_engine(demo_database)
    try:
        async with engine.connect() as connection:
            for table in ANALYZED_TABLES:
                rows = (await connection.execute(text(f'SELECT count(*) FROM "{table}"'))).scalar_one()
                assert rows > 0
                assert await _statistics(connection, table) == rows, table
    finally:
        await engine.dispose()


async def _statistics(connection, table: str) -> int | None:
    """The row count the planner believes, as recorded by an explicit ANALYZE (None: never analyzed)."""
    if connection.dialect.name == "sqlite":
        # sqlite_stat1 exists only after ANALYZE; its `stat` starts with the index's row count, which for a
        # partial index is only the rows it holds: the table's count is the largest.
        exists = await connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        if exists.first() is None:
            return None
        stats = (await connection.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})).scalars()
        counts = [int(stat.split()[0]) for stat in stats]
        return max(counts) if counts else None
    row = (
        await connection.execute(
            text(
                "SELECT c.reltuples, s.last_analyze FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.relname = :t"
            ),
            {"t": table},
        )
    ).one()
    reltuples, last_analyze = row
    # last_analyze is set by an explicit ANALYZE only (autovacuum sets last_autoanalyze).
    return int(reltuples) if last_analyze is not None else None
