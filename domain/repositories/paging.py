"""Cursor helpers shared by repositories: opaque cursors and "first N per parent" windows.

A cursor comes back from the client, so whatever it holds is checked before it reaches SQL: keys
within what their table can hold, offsets within 32 bits, text without NUL (PostgreSQL cannot bind
it), times with their UTC offset. Anything else is InvalidCursor, which services turn into BAD_USER_INPUT.
"""

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select

from domain.db import INT32_MAX, RequestSession

T = TypeVar("T")

MAX_PAGE_SIZE = 100
# Far longer than any cursor we issue (a sort value of at most 200 characters, a key, an order).
MAX_CURSOR_LENGTH = 2_000
NOT_OURS = "the cursor is not one this API issued"


class InvalidCursor(ValueError):
    pass


def encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor(NOT_OURS)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError) as exc:
        raise InvalidCursor(NOT_OURS) from exc
    if not isinstance(payload, dict):
        raise InvalidCursor(NOT_OURS)
    return payload


def _whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def cursor_key(payload: dict[str, Any], name: str, *, limit: int) -> int:
    """A primary key carried by a cursor: a JSON integer from 1 to `limit` (see domain.db.key_limit)."""
    value = payload.get(name)
    if not _whole_number(value) or not 1 <= value <= limit:
        raise InvalidCursor(NOT_OURS)
    return value


def cursor_text(payload: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    """A sort value carried by a cursor: a string without NUL (or None, when `optional`)."""
    value = payload.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or "\x00" in value:
        raise InvalidCursor(NOT_OURS)
    return value


def cursor_time(payload: dict[str, Any], name: str, *, optional: bool = False) -> datetime | None:
    """A time carried by a cursor: ISO 8601 with its UTC offset, as every cursor we issue writes it."""
    text = cursor_text(payload, name, optional=optional)
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidCursor(NOT_OURS) from exc
    if value.tzinfo is None:
        raise InvalidCursor(NOT_OURS)
    return value


def offset_from_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    offset = decode_cursor(cursor).get("o")
    if not _whole_number(offset) or not 0 <= offset <= INT32_MAX:
        raise InvalidCursor(NOT_OURS)
    return offset


def offset_cursor(offset: int) -> str:
    return encode_cursor({"o": offset})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a connection: items with their cursors, and what lies beyond."""

    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool
    total_count: int | None = None

    @classmethod
    def empty(cls) -> "Page[T]":
        return cls(items=(), cursors=(), has_next_page=False, total_count=0)


async def first_n_per_parent(
    session: RequestSession,
    stmt: Select,
    *,
    parent: ColumnElement,
    order_by: Sequence[ColumnElement],
    first: int,
    offset: int = 0,
) -> dict[Any, Page[Any]]:
    """Run `stmt` once for many parents and cut it into one page per parent.

    `stmt` selects the rows of every parent; ranking and counting happen in SQL with window
    functions, so a batch of N parents costs one statement whatever N is.
    """
    ranked = stmt.add_columns(
        func.row_number().over(partition_by=parent, order_by=order_by).label("page_rn"),
        func.count().over(partition_by=parent).label("page_total"),
        parent.label("page_parent"),
    ).subquery()
    rows = await session.all(
        select(ranked).where(ranked.c.page_rn > offset, ranked.c.page_rn <= offset + first + 1).order_by(
            ranked.c.page_parent, ranked.c.page_rn
        )
    )
    grouped: dict[Any, list[Any]] = defaultdict(list)
    totals: dict[Any, int] = {}
    for row in rows:
        grouped[row.page_parent].append(row)
        totals[row.page_parent] = row.page_total
    pages: dict[Any, Page[Any]] = {}
    for key, group in grouped.items():
        kept = group[:first]
        pages[key] = Page(
            items=kept,
            cursors=[offset_cursor(r.page_rn) for r in kept],
            has_next_page=len(group) > first,
            total_count=totals[key],
        )
    return pages
