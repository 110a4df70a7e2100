"""The URLs operators paste select an async driver; both PostgreSQL drivers serve the same schema."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from domain.db import create_engine, normalize_database_url
from domain.models import Contact


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@db:5432/rapport", "postgresql+asyncpg"),
        ("postgres://u@db/rapport", "postgresql+asyncpg"),
        ("postgresql+asyncpg://u@db/rapport", "postgresql+asyncpg"),
        ("postgresql+psycopg://u@db/rapport", "postgresql+psycopg"),
        ("sqlite:///var/rapport.db", "sqlite+aiosqlite"),
    ],
)
def test_urls_get_an_async_driver(given, driver):
    assert make_url(normalize_database_url(given)).drivername == driver


async def test_psycopg_reads_what_the_migrations_built(engine, workspaces):
    # given the migrated PostgreSQL scratch database of this run
    if engine.dialect.name != "postgresql":
        pytest.skip("psycopg is a PostgreSQL driver")
    ws = await workspaces.create()
    await workspaces.contact(ws, "Paula Psycopg", email="paula@example.com")
    url = make_url(engine.url.render_as_string(hide_password=False)).set(drivername="postgresql+psycopg")

    # when
    psycopg_engine = create_engine(url.render_as_string(hide_password=False))
    try:
        async with psycopg_engine.connect() as connection:
            count = (await connection.execute(select(func.count()).select_from(Contact))).scalar_one()
    finally:
        await psycopg_engine.dispose()

    # then it sees the same rows as the asyncpg engine, the new contact included
    async with engine.connect() as connection:
        assert count == (await connection.execute(select(func.count()).select_from(Contact))).scalar_one()
