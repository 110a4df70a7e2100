"""The Node interface and Relay-style connections."""

from typing import Generic, TypeVar

import strawberry

T = TypeVar("T")


@strawberry.interface(description="An object with an opaque global id, resolvable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = False
    start_cursor: str | None = None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a collection, with the size of the whole collection.")
class Connection(Generic[T]):
    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]


def page_info(cursors: list[str] | tuple[str, ...], has_next_page: bool, had_cursor: bool = False) -> PageInfo:
    return PageInfo(
        has_next_page=has_next_page,
        end_cursor=cursors[-1] if cursors else None,
        has_previous_page=had_cursor,
        start_cursor=cursors[0] if cursors else None,
    )
