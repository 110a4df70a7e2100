"""A tiny helper to send GraphQL over HTTP to the ASGI app, as a client would."""

from typing import Any

import httpx


async def gql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, *, key: str | None,
    operation_name: str | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body: dict[str, Any] = {"query": query, "variables": variables or {}}
    if operation_name:
        body["operationName"] = operation_name
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def data_of(result: dict[str, Any]) -> dict[str, Any]:
    """The `data` of a response that must have no errors."""
    assert not result.get("errors"), result.get("errors")
    return result["data"]
