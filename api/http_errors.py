"""Refusals answered before GraphQL runs (rate limit, body size, batching), shaped like GraphQL errors.

Clients read every failure the same way: `errors[0].extensions.code`, whatever the HTTP status.
"""

from typing import Any

from starlette.responses import JSONResponse


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
