"""The demo loader's COPY path on PostgreSQL stores exactly what Core INSERTs would.

COPY (domain.demo.parallel.writers, which the in-process loader uses too) bypasses SQLAlchemy's
statement execution, so a column type whose value needs converting (an enum, JSON, a timezone-aware
datetime, a date, a boolean) could land differently.
The same demo (same seed, same clock) is loaded twice, once each way, and every table is compared
row for row. API keys, and the audit entries of their minting, differ by design (fresh secrets
each load); the trigger-maintained counters
are compared as the counts they mean (their split between totals and pending deltas depends on how
many statements wrote the rows).
"""

import io
from datetime import UTC, datetime

import pytest
from rich.console import Console
from sqlalchemy import text

from domain.db import create_engine
from domain.demo import load_demo, store
from domain.demo.parallel.writers import copy_columns
from domain.repositories.counters import COUNTER_TABLES
from tests.count_checks import counter_state
from tests.scratch import scratch_database

NOW = datetime(2026, 11, 21, 12, 30, tzinfo=UTC)
SKIPPED = {"api_key", "audit_entry"}


async def _load(url: str) -> None:
    await load_demo(database_url=url, contacts=120, seed=5, console=Console(file=io.StringIO()), now=NOW)


async def _tables(url: str) -> dict[str, list[tuple]]:
    """Every table's rows (counters excepted), in a stable order."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            contents = {}
            for table in store.TABLES_IN_FK_ORDER:
                if table.name in SKIPPED or table.name in COUNTER_TABLES:
                    continue
                result = await connection.execute(text(f'SELECT * FROM "{table.name}"'))
                contents[table.name] = sorted((tuple(row) for row in result), key=repr)
            return contents
    finally:
        await engine.dispose()


async def _counters(url: str) -> list[dict]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            workspaces = (await connection.execute(text("SELECT id FROM workspace ORDER BY id"))).scalars().all()
        return [await counter_state(engine, workspace) for workspace in workspaces]
    finally:
        await engine.dispose()


async def test_copy_stores_what_insert_stores(tmp_path, monkeypatch):
    async with scratch_database("postgresql", tmp_path) as copied_url, scratch_database("postgresql", tmp_path) as inserted_url:
        await _load(copied_url)
        monkeypatch.setattr(store, "COPY_ON_POSTGRES", False)
        await _load(inserted_url)
        copied, inserted = await _tables(copied_url), await _tables(inserted_url)
        assert copied.keys() == inserted.keys()
        assert sum(map(len, copied.values())) > 5_000, "the demo loaded little: the comparison proves nothing"
        for name in copied:
            assert copied[name] == inserted[name], f"{name} differs between COPY and INSERT"
        assert await _counters(copied_url) == await _counters(inserted_url)


def test_rows_without_a_column_that_has_a_client_side_default_are_refused_for_copy():
    """COPY applies only server defaults: rows that leave out such a column would lose its value."""
    from domain.models import Tag

    table = Tag.__table__
    assert table.c.name_key.default is not None, "the example needs a column with a client-side default"
    row = {"workspace_id": 1, "name": "VIP", "created_at": NOW}
    with pytest.raises(ValueError, match="name_key"):
        copy_columns(table, row)
    assert copy_columns(table, {**row, "name_key": "vip"}) == ["workspace_id", "name", "created_at", "name_key"]
