"""Dialect-specific statements that SQLite and PostgreSQL spell the same way in SQLAlchemy."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Table) -> Any:
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(table)


def insert_ignore(session: AsyncSession, table: Table, conflict_columns: Sequence[str]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING on the given unique columns."""
    return dialect_insert(session, table).on_conflict_do_nothing(index_elements=list(conflict_columns))
