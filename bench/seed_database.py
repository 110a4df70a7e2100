"""The seed's database as a whole: find an earlier seed, drop and recreate, migrate. Loading it is the
demo's parallel loader (domain.demo.parallel.loader)."""

import re
import time
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.demo.parallel.writers import asyncpg_dsn
from domain.db import create_engine
from domain.migrate import upgrade

# Database names the seed is willing to create and drop (it builds SQL with them).
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$")


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
