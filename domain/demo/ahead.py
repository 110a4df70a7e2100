"""Generating the next chunk of demo rows while the current one is written."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

B = TypeVar("B")


async def write_while_generating(
    chunks: Sequence[tuple[int, int]],
    generate: Callable[[int, int], B],
    write: Callable[[int, B, int], Awaitable[None]],
) -> None:
    """For each (first, size) chunk, `write(position, generate(first, size), size)`, in order.

    Generation is pure Python and needs no database, so the next chunk is generated in a worker
    thread while the current one is written: the database (a server process, or SQLite outside the
    GIL) works while Python builds rows.
    """
    if not chunks:
        return
    upcoming = asyncio.create_task(asyncio.to_thread(generate, *chunks[0]))
    try:
        for position, (_, size) in enumerate(chunks):
            batch = await upcoming
            if position + 1 < len(chunks):
                upcoming = asyncio.create_task(asyncio.to_thread(generate, *chunks[position + 1]))
            await write(position, batch, size)
    finally:
        # Never leave a generating thread behind when a write fails; its own outcome no longer matters.
        if not upcoming.done():
            await asyncio.wait([upcoming])
        if not upcoming.cancelled():
            upcoming.exception()
