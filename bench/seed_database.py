"""The seed's database as a whole: find an earlier seed, drop and recreate, migrate, write the
catalogues, set indexes aside and back (PostgreSQL), refresh the planner statistics."""

import re
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.seed_structures import put_back, set_aside
from bench.seed_writers import PostgresWriter, SqliteWriter, TableTimes, asyncpg_dsn
from domain.db import create_engine
from domain.demo.catalog import Catalog
from domain.demo.store import refresh_statistics
from domain.migrate import upgrade
from domain.repositories.counters import rebuild_counters

# Database names the seed is willing to create and drop (it builds SQL with them).
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$")
# The tables whose triggers maintain the contacts module's counts (domain/repositories/counters.py).
COUNTED_TABLES = ("contact", "contact_tag", "contact_list_member", "contact_group_member")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        self.postgres = parsed.get_backend_name() == "postgresql"
        self.name = parsed.database or ""
        if self.postgres and not SAFE_NAME.match(self.name):
            raise ValueError("the PostgreSQL database name may only hold letters, digits, '_' and '-'")
        if not self.postgres and self.name in ("", ":memory:"):
            raise ValueError("a SQLite seed needs a file")
        self.catalog_times: list[TableTimes] = []

    def engine(self) -> AsyncEngine:
        return create_engine(self.url)

    def _server_dsn(self) -> str:
        """The server's maintenance database, from which this one is created and dropped."""
        return asyncpg_dsn(make_url(self.url).set(database="postgres").render_as_string(hide_password=False))

    async def published_workspaces(self, slugs: list[str]) -> dict[str, int]:
        """slug -> id of those workspaces that finished loading; empty when there is no database yet."""
        rows = await self._workspaces()
        return {slug: workspace_id for slug, workspace_id in rows if slug in slugs}

    async def _workspaces(self) -> list[tuple[str, int]]:
        if self.postgres:
            try:
                connection = await asyncpg.connect(asyncpg_dsn(self.url))
            except asyncpg.InvalidCatalogNameError:
                return []
            try:
                if await connection.fetchval("SELECT to_regclass('workspace')") is None:
                    return []
                return [(r["slug"], r["id"]) for r in await connection.fetch("SELECT slug, id FROM workspace")]
            finally:
                await connection.close()
        if not Path(self.name).exists():
            return []
        engine = self.engine()
        try:
            async with engine.connect() as connection:
                exists = await connection.execute(text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='workspace'"))
                if exists.first() is None:
                    return []
                return [(slug, wid) for slug, wid in await connection.execute(text("SELECT slug, id FROM workspace"))]
        finally:
            await engine.dispose()

    async def recreate(self, *, allowed_prefixes: tuple[str, ...]) -> None:
        """Drop the database (after checking it holds nothing but bench workspaces) and create it empty."""
        foreign = [slug for slug, _ in await self._workspaces() if not slug.startswith(allowed_prefixes)]
        if foreign:
            raise RuntimeError(
                f"the database holds {len(foreign)} workspace(s) that are not the bench seed's; "
                "give the seed a database of its own"
            )
        if not self.postgres:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(self.name + suffix).unlink(missing_ok=True)
            return
        server = await asyncpg.connect(self._server_dsn())
        try:
            await server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await server.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await server.close()

    async def migrate(self) -> float:
        """The project's own migrations (domain.migrate); returns the seconds taken."""
        started = time.perf_counter()
        engine = self.engine()
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
        return time.perf_counter() - started

    @asynccontextmanager
    async def _writer(self):
        """One transaction with a writer for this engine."""
        times = TableTimes()
        self.catalog_times.append(times)
        if self.postgres:
            connection = await asyncpg.connect(asyncpg_dsn(self.url))
            try:
                async with connection.transaction():
                    yield PostgresWriter(connection, times)
            finally:
                await connection.close()
            return
        engine = self.engine()
        try:
            async with engine.begin() as connection:
                yield SqliteWriter(connection, times)
        finally:
            await engine.dispose()

    async def write_catalog(self, build: Callable[[dict[str, list[int]]], Catalog], sizes: dict[str, int]) -> Catalog:
        """Reserve the catalogue's ids, build it and write its rows; returns it without the rows."""
        async with self._writer() as writer:
            ids = {table: await writer.reserve(table, count) for table, count in sizes.items()}
            catalog = build(ids)
            await writer.write(catalog.rows)
        catalog.rows = {}
        return catalog

    async def set_aside_indexes(self) -> list[str]:
        if not self.postgres:
            return []
        connection = await asyncpg.connect(asyncpg_dsn(self.url))
        try:
            async with connection.transaction():
                return await set_aside(connection)
        finally:
            await connection.close()

    async def put_back_indexes(self, statements: list[str]) -> float:
        connection = await asyncpg.connect(asyncpg_dsn(self.url))
        try:
            return await put_back(connection, statements)
        finally:
            await connection.close()

    async def pause_counters(self) -> None:
        """PostgreSQL: the count triggers stay off while the workers COPY (counted once, afterwards)."""
        if not self.postgres:
            return  # SQLite cannot switch a trigger off; its triggers count every row as it is written
        connection = await asyncpg.connect(asyncpg_dsn(self.url))
        try:
            for table in COUNTED_TABLES:
                await connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        finally:
            await connection.close()

    async def resume_counters(self, workspace_ids: list[int]) -> None:
        """Triggers back on, and the seeded workspaces' maintained counts computed from their rows."""
        if not self.postgres:
            return
        connection = await asyncpg.connect(asyncpg_dsn(self.url))
        try:
            for table in COUNTED_TABLES:
                await connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        finally:
            await connection.close()
        engine = self.engine()
        try:
            for workspace_id in workspace_ids:
                async with engine.begin() as session:
                    await rebuild_counters(session, workspace_id)
        finally:
            await engine.dispose()

    async def analyze(self) -> float:
        """Planner statistics for every table (and, on PostgreSQL, a vacuum so index-only scans work)."""
        started = time.perf_counter()
        if self.postgres:
            connection = await asyncpg.connect(asyncpg_dsn(self.url))
            try:
                await connection.execute("VACUUM (ANALYZE)")
            finally:
                await connection.close()
        else:
            engine = self.engine()
            try:
                await refresh_statistics(engine)
            finally:
                await engine.dispose()
        return time.perf_counter() - started
