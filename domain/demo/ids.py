"""Primary keys for rows that other demo rows point at, reserved before the rows are built.

Reserving keys up front lets contacts, their conversations and the catalogue be generated as
plain dicts and inserted in bulk without reading ids back. Leaf rows (events, turns, notes...)
are left to the database.

- PostgreSQL: keys come from each table's own sequence (`nextval` over `generate_series`), so
  they are never handed out twice, even while the API inserts rows at the same time, and the
  sequence needs no adjustment afterwards.
- SQLite has no sequences: keys continue after the largest existing one, read again inside each
  write transaction (SQLite admits one writer at a time, so nobody else can take them meanwhile).
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


class IdReserver:
    """Hands out fresh primary keys of a table, in ascending order."""

    def __init__(self, dialect_name: str) -> None:
        self._postgres = dialect_name == "postgresql"
        self._next: dict[str, int] = {}

    async def reserve(self, connection: AsyncConnection, table: str, count: int) -> list[int]:
        """`count` unused ids of `table` (its `id` column)."""
        if count == 0:
            return []
        if self._postgres:
            result = await connection.execute(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
                {"table": table, "count": count},
            )
            return sorted(result.scalars().all())
        # Table names come from the model metadata, never from user input.
        largest = (await connection.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"'))).scalar_one()
        first = max(largest + 1, self._next.get(table, 0))
        self._next[table] = first + count
        return list(range(first, first + count))
