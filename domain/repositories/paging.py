"""Cursor helpers shared by repositories: opaque cursors and "first N per parent" windows."""

import base64
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, select

from domain.db import RequestSession

T = TypeVar("T")

MAX_PAGE_SIZE = 100


class InvalidCursor(ValueError):
    pass


def encode_cursor(payload: dict[str, Any]) -> str:
    raw = json.dumps(payload, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("the cursor is not one this API issued") from exc
    if not isinstance(payload, dict):
        raise InvalidCursor("the cursor is not one this API issued")
    return payload


def offset_from_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    payload = decode_cursor(cursor)
    offset = payload.get("o")
    if not isinstance(offset, int) or offset < 0:
        raise InvalidCursor("the cursor is not one this API issued")
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
