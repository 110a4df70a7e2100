"""Running the contract's action operations unchanged, and reading the database around them."""

import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

import domain.models  # noqa: F401  (registers every table on the metadata)
from api.app import create_app
from domain.clock import FixedClock
from domain.db import session_factory
from tests.contract.documents import document, example_variables
from tests.graphql_client import data_of, gql

ACTIONS = document("actions")


def operation_text(operation: str) -> str:
    """One operation of actions.graphql, character for character.

    Sent alone because GraphQL validates a whole document: one operation of another area that is
    not built yet (or is being changed) would otherwise fail every request.
    """
    (node,) = [
        d for d in parse(ACTIONS).definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None and d.name.value == operation
    ]
    assert node.loc is not None
    return ACTIONS[node.loc.start:node.loc.end]


def root_field(operation: str) -> str:
    """The (first) mutation field an operation of actions.graphql calls: ContactAddTags -> contactAddTags."""
    (node,) = [
        d for d in parse(ACTIONS).definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None and d.name.value == operation
    ]
    first = node.selection_set.selections[0]
    return first.alias.value if first.alias else first.name.value  # type: ignore[union-attr]


async def act(client: httpx.AsyncClient, operation: str, variables: dict[str, Any], *, key: str) -> dict[str, Any]:
    """Send one operation of actions.graphql as written; its payload (must not be a top-level error)."""
    result = await gql(client, operation_text(operation), variables, key=key, operation_name=operation)
    return data_of(result)[root_field(operation)]


def example(operation: str, **replace: Any) -> dict[str, Any]:
    """variables.json's example for `operation`, with some top-level or `input` keys replaced.

    `input__name="x"` replaces input.name; placeholders such as "<id>" must all be replaced.
    """
    variables = copy.deepcopy(example_variables(operation))
    for key, value in replace.items():
        target, _, inner = key.partition("__")
        if inner:
            variables[target][inner] = value
        else:
            variables[target] = value
    assert "<" not in repr(variables), f"placeholder left in {variables}"
    return variables


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


# Bookkeeping that a request may write without changing anything a user owns: a key's last use.
BOOKKEEPING_COLUMNS = {("api_key", "last_used_at")}


def kept_columns(table: Any) -> list[Any]:
    """The columns of `table` a "nothing changed" snapshot compares."""
    return [c for c in table.c if (table.name, c.name) not in BOOKKEEPING_COLUMNS]


async def snapshot(engine: AsyncEngine, workspace_id: int) -> dict[str, list[str]]:
    """Every row of a workspace in every table (tables without a workspace column: all their rows)."""
    state: dict[str, list[str]] = {}
    async with session_factory(engine)() as session:
        for table in SQLModel.metadata.sorted_tables:
            stmt = select(*kept_columns(table))
            if "workspace_id" in table.c:
                stmt = stmt.where(table.c.workspace_id == workspace_id)
            rows = (await session.execute(stmt)).all()
            state[table.name] = sorted(repr(tuple(_plain(v) for v in row)) for row in rows)
    return state


async def all_text(engine: AsyncEngine) -> str:
    """The whole database as one string, to prove a value is stored nowhere."""
    parts = []
    async with session_factory(engine)() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                parts.append(repr(tuple(_plain(v) for v in row)))
    return "\n".join(parts)


async def rows(engine: AsyncEngine, stmt: Any) -> list[Any]:
    async with session_factory(engine)() as session:
        return list((await session.execute(stmt)).all())


@asynccontextmanager
async def client_at(engine: AsyncEngine, when: datetime) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose server believes it is `when` (to see changes land at different times)."""
    app = create_app(engine=engine, clock=FixedClock(when))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rapport.test") as http:
        yield http
