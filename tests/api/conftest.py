"""Fixtures of the satisfaction API tests: a models/ with a second version, and a server over it."""

from pathlib import Path

import pytest
import pytest_asyncio

from tests.api.satisfaction_helpers import app_client, models_dir_with_alt, server


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """support-v1 (the default), alt-1 trained once per run, and the tampered broken-1."""
    return models_dir_with_alt(tmp_path_factory)


@pytest.fixture
def alt_models(models_dir):
    """A server process's model server over that models/ (fresh per test: nothing loaded yet)."""
    return server(models_dir)


@pytest_asyncio.fixture
async def alt_client(engine, clock, alt_models):
    async with app_client(engine, clock, alt_models) as http:
        yield http
