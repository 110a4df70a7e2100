"""Which unique key a refused write hit, read from the driver's error on PostgreSQL and SQLite alike.

Services look for a duplicate before they write, but two requests can pass that check together; the
unique index then refuses the later write at flush or commit (on PostgreSQL, once the first commits).
Each service turns that refusal into the answer a sequential duplicate gets, so it needs to know which
key was hit; any other failure stays a fault.
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
# SQLite: "UNIQUE constraint failed: contact.workspace_id, contact.email"
_SQLITE_MESSAGE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w.]+(?:, [\w.]+)*)")
# PostgreSQL's detail: 'Key (workspace_id, email)=(1, a@example.com) already exists.' (values never leave here)
_POSTGRES_DETAIL = re.compile(r"^Key \((?P<columns>[^)]*)\)=")


@dataclass(frozen=True)
class UniqueKey:
    table: str
    columns: frozenset[str]

    @classmethod
    def of(cls, model: Any, *columns: str) -> "UniqueKey":
        return cls(model.__tablename__, frozenset(columns))


def violated_key(exc: BaseException) -> UniqueKey | None:
    """The unique key (or primary key) `exc` reports a duplicate of; None for any other failure."""
    if not isinstance(exc, IntegrityError):
        return None
    driver_error = exc.orig
    if getattr(driver_error, "sqlstate", None) == UNIQUE_VIOLATION:
        diag = getattr(driver_error, "diag", None)  # psycopg 3 carries the server's fields here
        if diag is not None:
            table, detail = diag.table_name, diag.message_detail
        else:  # asyncpg: SQLAlchemy's adapted error is caused by asyncpg's own, which has them
            cause = driver_error.__cause__
            table, detail = getattr(cause, "table_name", None), getattr(cause, "detail", None)
        found = _POSTGRES_DETAIL.match(detail or "")
        if not table or not found:
            return None
        return UniqueKey(table, frozenset(c.strip().strip('"') for c in found["columns"].split(",")))
    found = _SQLITE_MESSAGE.search(str(driver_error))
    if found is None:
        return None
    qualified = [c.strip().split(".", 1) for c in found["columns"].split(",")]
    return UniqueKey(qualified[0][0], frozenset(column for _, column in qualified))
