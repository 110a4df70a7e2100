"""Sending identical requests at the same moment through the real ASGI app, and reading what they did.

Each request runs as its own task with its own database connection (PostgreSQL really runs them in
parallel; SQLite lets one write at a time, which still interleaves their reads and writes).
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from domain import models
from tests.api.action_helpers import operation_text, root_field, rows
from tests.graphql_client import gql

# Below PostgreSQL's pool (10 + 20 overflow per engine), so every request gets its own connection at once.
AT_ONCE = 8


def outcome(result: dict[str, Any], field: str) -> str:
    """"OK", the payload's userError code, or the top-level error code of one answer."""
    if result.get("errors"):
        return result["errors"][0].get("extensions", {}).get("code", "?")
    errors = result["data"][field].get("userErrors") or []
    return errors[0]["code"] if errors else "OK"


async def at_once(send: Callable[[], Awaitable[dict[str, Any]]], n: int = AT_ONCE) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(send() for _ in range(n))))


async def each_at_once(
    client: httpx.AsyncClient, query: str, variables: list[dict[str, Any]], *, key: str
) -> list[dict[str, Any]]:
    """`query` once per variables, all at the same moment (e.g. the same change to different contacts)."""
    return list(await asyncio.gather(*(gql(client, query, v, key=key) for v in variables)))


async def outcomes_at_once(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], *, key: str, field: str, n: int = AT_ONCE
) -> Counter[str]:
    """Send `query` n times at once; how many answers were OK, CONFLICT, INTERNAL_SERVER_ERROR..."""
    answers = await at_once(lambda: gql(client, query, variables, key=key), n)
    return Counter(outcome(a, field) for a in answers)


async def contract_at_once(
    client: httpx.AsyncClient, operation: str, variables: dict[str, Any], *, key: str, n: int = AT_ONCE
) -> Counter[str]:
    """The same for one operation of actions.graphql, sent unchanged."""
    return await outcomes_at_once(client, operation_text(operation), variables, key=key, field=root_field(operation), n=n)


async def audit_actions(engine: AsyncEngine, workspace_id: int) -> Counter[str]:
    """How many audit entries of each action the workspace has."""
    entry = models.AuditEntry
    found = await rows(
        engine, select(entry.action, func.count()).where(entry.workspace_id == workspace_id).group_by(entry.action)
    )
    return Counter({action: n for action, n in found})


async def count(engine: AsyncEngine, model: Any, *conditions: Any) -> int:
    ((n,),) = await rows(engine, select(func.count()).select_from(model).where(*conditions))
    return int(n)


async def blocked_on_a_lock(engine: AsyncEngine, *, polls: int = 3000) -> None:
    """Return once a session of the test database waits for a lock another one holds.

    PostgreSQL shows it in pg_stat_activity. On SQLite a writer waits for the database's one write
    lock inside its driver thread, out of sight: there is nothing to wait for here, and a test must
    hold whichever order the two writers end up in.
    """
    if engine.dialect.name != "postgresql":
        return
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(polls):
        async with engine.connect() as connection:
            if await connection.scalar(waiting):
                return
        await asyncio.sleep(0.01)  # a poll interval, not a bet on timing: the loop ends on the condition
    raise AssertionError("no session ever waited for a lock")
