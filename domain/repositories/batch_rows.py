"""A batch of rows as a table that a statement joins, bound as one value per column.

Set-based writes join their table to the batch (UPDATE ... FROM the batch). Built with
`values(...).data(rows)`, every row becomes bound literals, so each batch is a new statement to
compile: for 1,000 rows that compilation cost more than the database's work. On PostgreSQL the SQL
here is the same whatever the batch (compiled once and cached) and the rows travel as parameters:

- PostgreSQL: `unnest` of one array per column (asyncpg sends arrays in binary);
- SQLite: a VALUES list (compiled per batch: SQLite's planner joins a table-valued function such as
  json_each by scanning the other table for each of its rows, which is far worse).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import column, text, values
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.type_api import TypeEngine


# One column of a batch: its name and its type (as the table's column it is compared with).
BatchColumn = tuple[str, TypeEngine[Any]]


def _plain(type_: TypeEngine[Any], dialect: Dialect) -> Any:
    """The function that turns a Python value into what the engine is sent for this type."""
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


async def batch_rows(
    session: AsyncSession, name: str, columns: Sequence[BatchColumn], rows: Sequence[Sequence[Any]]
) -> Any:
    """`rows` (tuples in the order of `columns`) as a subquery named `name`, with typed columns `.c`."""
    dialect = (await session.connection()).dialect
    names = [c for c, _ in columns]
    typed = [column(c, t) for c, t in columns]
    if dialect.name == "postgresql":
        # Each array cast to its column's own type, as fast_insert.insert_tuples casts its arrays.
        arrays = ", ".join(f"CAST(:{name}_{i} AS {t.compile(dialect=dialect)}[])" for i, (_, t) in enumerate(columns))
        sql = f"SELECT * FROM unnest({arrays}) AS {name}({', '.join(names)})"
        processors = [_plain(t, dialect) for _, t in columns]
        params = {
            f"{name}_{i}": [None if v is None else processors[i](v) for v in values]
            for i, values in enumerate(zip(*rows, strict=True) if rows else [[] for _ in columns])
        }
        return text(sql).bindparams(**params).columns(*typed).subquery(name)
    # SQLite plans a join to json_each() as a scan of the other table per batch row (a 20k-contact
    # workspace took seconds per batch), but a VALUES list as a small table it looks rows up from.
    return values(*typed, name=name).data([tuple(row) for row in rows]).cte(name)
