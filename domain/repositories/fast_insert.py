"""INSERT of many rows through the driver's executemany, values processed by SQLAlchemy's own types.

Why not Core `session.execute(table.insert(), rows)`: for a 100k-row import its per-row parameter
handling costs more than the database's own work. Here the statement is rendered once, each row
becomes a tuple, and only the columns whose type converts values (dates, enums, booleans on
SQLite...) go through their bind processors, so values are stored exactly as Core would store
them, on SQLite and PostgreSQL alike.
"""

from collections.abc import Collection, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession


def _placeholders(paramstyle: str, count: int) -> str:
    if paramstyle == "qmark":
        return ", ".join("?" * count)
    if paramstyle == "numeric_dollar":
        return ", ".join(f"${i}" for i in range(1, count + 1))
    if paramstyle in ("format", "pyformat"):
        return ", ".join(["%s"] * count)
    if paramstyle == "numeric":
        return ", ".join(f":{i}" for i in range(1, count + 1))
    raise NotImplementedError(f"paramstyle {paramstyle}")


async def insert_many(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    constants: dict[str, Any] | None = None,
    serialized: Collection[str] = (),
    ignore_conflicts: bool = False,
) -> None:
    """Insert `rows` (dicts, all with the keys of the first) plus `constants` (the same on every row).

    `serialized` names JSON columns whose values are already JSON text (not processed again).
    With `ignore_conflicts`, rows hitting a unique key are skipped.
    """
    if not rows:
        return
    names = list(rows[0])
    pick = itemgetter(*names)
    values = [pick(r) for r in rows] if len(names) > 1 else [(pick(r),) for r in rows]
    await insert_tuples(
        session, table, names, values, constants=constants, serialized=serialized, ignore_conflicts=ignore_conflicts
    )


async def insert_tuples(
    session: AsyncSession,
    table: Table,
    names: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    constants: dict[str, Any] | None = None,
    serialized: Collection[str] = (),
    ignore_conflicts: bool = False,
) -> None:
    """Like insert_many, with each row a tuple of values for `names`."""
    if not rows:
        return
    connection = await session.connection()
    dialect = connection.dialect
    fixed = dict(constants or {})
    columns = [table.c[n] for n in [*names, *fixed]]

    def processor(column: Any) -> Any:
        return None if column.name in serialized else column.type.dialect_impl(dialect).bind_processor(dialect)

    converting = [(i, p) for i, p in enumerate(map(processor, columns[: len(names)])) if p is not None]
    fixed_processors = map(processor, columns[len(names):])
    tail = tuple(v if p is None or v is None else p(v) for p, v in zip(fixed_processors, fixed.values()))
    params: list[tuple[Any, ...]] = []
    for row in rows:
        if converting:
            row = list(row)  # type: ignore[assignment]
            for i, p in converting:
                # NULL needs no processing (every type binds None as NULL); most optional columns are NULL.
                if row[i] is not None:
                    row[i] = p(row[i])  # type: ignore[index]
            row = tuple(row)
        params.append(row + tail if tail else row)
    quote = dialect.identifier_preparer
    target = f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)}) "
    conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    if dialect.name == "postgresql":
        # PostgreSQL runs an executemany row by row; one INSERT ... SELECT FROM unnest(column arrays)
        # inserts the whole batch in one statement, several times faster.
        arrays = ", ".join(f"${i}::{c.type.compile(dialect=dialect)}[]" for i, c in enumerate(columns, start=1))
        sql = f"{target}SELECT * FROM unnest({arrays}){conflict}"
        await connection.exec_driver_sql(sql, tuple(list(column) for column in zip(*params, strict=True)))
        return
    values = _placeholders(dialect.paramstyle, len(columns))
    await connection.exec_driver_sql(f"{target}VALUES ({values}){conflict}", params)
