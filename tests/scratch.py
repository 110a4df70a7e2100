"""An empty database of its own for a test that must not share the suite's (it breaks or fills it)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.db import create_engine
from domain.migrate import upgrade
from tests.conftest import _drop_postgres_database, _postgres_scratch_database


@asynccontextmanager
async def scratch_database(kind: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty SQLite file or PostgreSQL database (TEST_DATABASE_URL's server), removed afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    created = await _postgres_scratch_database()
    if created is None:
        pytest.skip("PostgreSQL case: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    url, name = created
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


@asynccontextmanager
async def database_at(kind: str, tmp_path: Path, revision: str) -> AsyncIterator[AsyncEngine]:
    """A scratch database (as scratch_database) migrated up to `revision`: for testing the migrations after it."""
    async with scratch_database(kind, tmp_path) as url:
        engine = create_engine(url)
        try:
            await upgrade(engine, revision)
            yield engine
        finally:
            await engine.dispose()
