"""Refusals answered before GraphQL runs (rate limit, body size, batching), shaped like GraphQL errors.

Clients read every failure the same way: `errors[0].extensions.code`, whatever the HTTP status.
"""

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from api.observability import note_refusal


def graphql_error_response(
    status: int,
    message: str,
    *,
    code: str,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """`{"errors": [{"message", "extensions": {"code", ...}}]}` with the given HTTP status."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **(extensions or {})}}]}
    return JSONResponse(body, status_code=status, headers=headers)


async def refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    message: str,
    *,
    code: str,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a refusal from an ASGI middleware; the request log and /metrics record its code."""
    note_refusal(scope, code)
    response = graphql_error_response(status, message, code=code, extensions=extensions, headers=headers)
    await response(scope, receive, send)
