"""The few SQL/JSON spellings that differ between PostgreSQL and SQLite, and decoding them back.

A part of a read is one correlated scalar subquery that returns JSON: arrays of arrays, each inner
array one row, its first element the row's rank (SQLite 3.40 cannot order inside an aggregate, so
the rank carries the order on both engines). Values come back as JSON scalars and are decoded by
the column's kind: times and dates as ISO text, floats exact (SQLite renders REAL in JSON with 15
digits, so floats travel there as 17-digit text), booleans as true/false or 0/1.
"""

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Integer, String, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter

POSTGRESQL = "postgresql"
SQLITE = "sqlite"


def row(dialect: str, values: Sequence[str]) -> str:
    """A JSON array of these SQL expressions."""
    function = "json_build_array" if dialect == POSTGRESQL else "json_array"
    return f"{function}({', '.join(values)})"


def rows(dialect: str, element: str) -> str:
    """The JSON array aggregate of `element` over the rows of the enclosing SELECT (NULL when none)."""
    return f"json_agg({element})" if dialect == POSTGRESQL else f"json_group_array({element})"


def exact_float(dialect: str, expression: str) -> str:
    if dialect == POSTGRESQL:
        return expression
    return f"CASE WHEN {expression} IS NULL THEN NULL ELSE printf('%!.17g', {expression}) END"


def ids_match(dialect: str, column: str) -> str:
    """`column` is one of the ids bound as :ids: one parameter however many ids, so the text never changes
    (an expanding IN is re-rendered on every execution, and each length is another prepared statement)."""
    if dialect == POSTGRESQL:
        return f"{column} = ANY(:ids)"
    return f"{column} IN (SELECT value FROM json_each(:ids))"


def ids_param(dialect: str) -> BindParameter[Any]:
    return bindparam("ids", type_=ARRAY(Integer()) if dialect == POSTGRESQL else String())


def ids_value(dialect: str, ids: Sequence[int]) -> Any:
    return list(ids) if dialect == POSTGRESQL else json.dumps(list(ids))


# -- decoding ---------------------------------------------------------------------------------------

Decoder = Callable[[Any], Any]


def as_time(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def as_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])


def as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def as_int(value: Any) -> int | None:
    return None if value is None else int(value)


def as_text(value: Any) -> str | None:
    return value


def as_enum(enum_cls: type[Enum]) -> Decoder:
    def decode(value: Any) -> Any:
        return None if value is None else enum_cls(value)

    return decode
