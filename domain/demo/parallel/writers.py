"""How seed rows reach the database: COPY on PostgreSQL, Core executemany on SQLite.

Both writers take rows as the demo generator builds them (dicts keyed by column name, enum members,
aware UTC datetimes, JSON values as Python lists/dicts), insert parents before children, and time
each table, so the seed can print rows/s per table.
"""

import json
import time
from collections import defaultdict
from operator import itemgetter

import asyncpg
from sqlalchemy import JSON, Table
from sqlalchemy.engine import make_url
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.db import normalize_database_url
from domain.demo.store import TABLES_IN_FK_ORDER
from domain.repositories.fast_insert import insert_many


class TableTimes:
    """Rows and seconds spent writing, per table; added up over chunks and worker processes."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] += rows
        self.seconds[table] += seconds

    def merge(self, other: "TableTimes") -> None:
        for table, rows in other.rows.items():
            self.add(table, rows, other.seconds[table])


def asyncpg_dsn(database_url: str) -> str:
    """The plain libpq-style URL asyncpg connects with (no SQLAlchemy driver suffix)."""
    url = make_url(normalize_database_url(database_url)).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _json_columns(table: Table, names: list[str]) -> list[int]:
    """Positions of the JSON columns: asyncpg's COPY takes their values as JSON text."""
    return [index for index, name in enumerate(names) if isinstance(table.c[name].type, JSON)]


def copy_columns(table: Table, row: dict) -> list[str]:
    """The columns a COPY of rows shaped like `row` names (every row of a table has the same keys).

    COPY applies server defaults only: a row that leaves out a column whose default only the client
    computes (the folded catalogue names, say) would be stored without it, so that is refused.
    """
    names = list(row)
    missing = [
        column.name for column in table.columns
        if column.name not in row and column.default is not None and column.server_default is None
    ]
    if missing:
        raise ValueError(f"rows of {table.name} leave out {', '.join(missing)}: only an INSERT fills those in")
    return names


class PostgresWriter:
    """Writes through one asyncpg connection; the caller opens the transaction."""

    def __init__(self, connection: asyncpg.Connection, times: TableTimes) -> None:
        self.connection = connection
        self.times = times

    async def reserve(self, table: str, count: int) -> list[int]:
        """`count` fresh ids from the table's own sequence (safe with other writers running)."""
        if count == 0:
            return []
        rows = await self.connection.fetch(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", table, count
        )
        return sorted(row[0] for row in rows)

    async def write(self, rows_by_table: dict[str, list[dict]]) -> int:
        written = 0
        for table in TABLES_IN_FK_ORDER:
            rows = rows_by_table.get(table.name)
            if rows:
                written += await self._copy(table, rows)
        return written

    async def _copy(self, table: Table, rows: list[dict]) -> int:
        started = time.perf_counter()
        names = copy_columns(table, rows[0])
        # Enum members go as they are: they are str subclasses whose text is the stored value
        # (domain.db.enum_type), which asyncpg's text encoder writes as is.
        pick = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        records: list = list(map(pick, rows))
        json_columns = _json_columns(table, names)
        if json_columns:
            for position, record in enumerate(records):
                values = list(record)
                for index in json_columns:
                    if values[index] is not None:
                        values[index] = json.dumps(values[index])
                records[position] = values
        await self.connection.copy_records_to_table(table.name, records=records, columns=names)
        self.times.add(table.name, len(rows), time.perf_counter() - started)
        return len(rows)


SQLITE_CACHE_KIB = 512 * 1024


class SqliteWriter:
    """Writes through a SQLAlchemy connection inside the caller's transaction (SQLite: one writer).

    Rows go through the project's own bulk insert (domain.repositories.fast_insert): the statement is
    rendered once and values pass through SQLAlchemy's type processors, as Core would store them,
    several times faster than Core's executemany.
    """

    def __init__(self, connection: AsyncConnection, times: TableTimes) -> None:
        self.connection = connection
        self.times = times
        self._session = AsyncSession(bind=connection)

    async def reserve(self, table: str, count: int) -> list[int]:
        """Ids after the largest one: nobody else writes while this transaction holds SQLite's lock."""
        # Table names come from the model metadata, never from input.
        largest = (await self.connection.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"'))).scalar_one()
        return list(range(largest + 1, largest + 1 + count))

    async def write(self, rows_by_table: dict[str, list[dict]]) -> int:
        # A page cache that holds the indexes being filled (SQLite's default is 2 MB): inserting in
        # key order of no index, each row otherwise rereads index pages from the file.
        await self.connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        written = 0
        for table in TABLES_IN_FK_ORDER:
            rows = rows_by_table.get(table.name)
            if rows:
                started = time.perf_counter()
                await insert_many(self._session, table, rows)
                written += len(rows)
                self.times.add(table.name, len(rows), time.perf_counter() - started)
        return written
