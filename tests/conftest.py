"""Fixtures shared by the whole suite.

Every test that touches the database runs twice through one parametrized fixture: on SQLite, and
on PostgreSQL when TEST_DATABASE_URL points at a server (each run gets a scratch database).
Tests share one migrated database per engine; each test creates its own workspace, so tests cannot
see each other's rows (the tenant isolation the product promises).
"""

import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from domain.settings import DEFAULT_SATISFACTION_MODEL
from ml.registry import DEFAULT_MODELS_DIR
from ml.serving import ModelServer
from domain.clock import FixedClock
from domain.db import create_engine, create_postgres_database, drop_postgres_database
from domain.migrate import upgrade
from tests.factories import WorkspaceFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _postgres_scratch_database() -> tuple[str, str] | None:
    """Create a scratch database on TEST_DATABASE_URL's server; (url, name) or None if unreachable."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    name = f"rapport_test_{uuid.uuid4().hex[:10]}"
    return await create_postgres_database(base, name), name


async def _drop_postgres_database(name: str) -> None:
    await drop_postgres_database(os.environ["TEST_DATABASE_URL"], name)


@pytest_asyncio.fixture(scope="session", params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    """A freshly migrated database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set."""
    scratch_name = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'rapport.db'}"
    else:
        if not os.environ.get("TEST_DATABASE_URL"):
            pytest.skip("PostgreSQL case: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)")
        try:
            created = await _postgres_scratch_database()
        except OSError as exc:
            pytest.skip(f"PostgreSQL case: TEST_DATABASE_URL does not answer ({exc})")
        assert created is not None
        url, scratch_name = created
    db = create_engine(url)
    await upgrade(db)
    yield db
    await db.dispose()
    if scratch_name:
        await _drop_postgres_database(scratch_name)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def models() -> ModelServer:
    """The shipped models as a server process holds them: loaded once for the whole run."""
    return ModelServer(models_dir=DEFAULT_MODELS_DIR, default_spec=DEFAULT_SATISFACTION_MODEL)


@pytest_asyncio.fixture
async def client(engine: AsyncEngine, clock: FixedClock, models: ModelServer) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the real ASGI app (no network, no mocks)."""
    app = create_app(engine=engine, clock=clock, models=models)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rapport.test") as http:
        yield http


@pytest.fixture
def workspaces(engine: AsyncEngine) -> WorkspaceFactory:
    """Creates isolated workspaces (with ADMIN, OPERATOR and AGENT keys) and their data."""
    return WorkspaceFactory(engine, now=NOW)
