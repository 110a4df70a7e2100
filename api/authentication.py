"""Authentication at the HTTP edge: the request's credential becomes its Principal before GraphQL runs.

It runs right after the rate limit and the body-size checks, and before anything parses the
document: a request without a valid API key or token is answered here, cheaply, with
UNAUTHENTICATED (no parsing, validation or resolver work). Only the GraphiQL page itself (a
browser's GET without a query) passes without one; its requests then carry the key.

The refusal is `{"data": null, "errors": [...]}` with 200 under application/json (what GraphQL
clients of the legacy media type expect), and 401 with `WWW-Authenticate: Bearer` and no `data`
under application/graphql-response+json, as the GraphQL-over-HTTP draft asks for request errors.
"""

import logging
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from api.headers import bearer_credential, header
from api.errors import DATABASE_UNAVAILABLE_MESSAGE, INTERNAL_ERROR_MESSAGE
from api.http_conformance import GRAPHQL_RESPONSE_JSON, negotiate
from api.http_errors import graphql_error_response
from api.observability import current_request_id, note_refusal
from api.ratelimit import note_authenticated
from domain.db import database_unavailable
from domain.errors import ErrorCode
from domain.services.auth import Authenticator
from domain.services.jwt_tokens import SigningKeysUnavailable

log = logging.getLogger("api.errors")

PRINCIPAL_STATE = "principal"
IDENTITY_STATE = "identity"  # the caller's user and workspace rows, read with the credential
UNAUTHENTICATED_MESSAGE = (
    "a valid API key or token is required: send the header `Authorization: Bearer <key or token>`"
)
IDENTITY_PROVIDER_DOWN = "The identity provider's signing keys cannot be fetched right now; try again shortly."


def _is_graphiql_page(scope: Scope) -> bool:
    """A browser asking for the IDE (Strawberry's rule: GET, no `query` parameter, accepts HTML)."""
    if scope["method"] != "GET":
        return False
    query_string = scope.get("query_string", b"").decode("latin-1")
    if any(part.split("=", 1)[0] == "query" for part in query_string.split("&")):
        return False
    accept = header(scope, b"accept") or ""
    return "text/html" in accept or "*/*" in accept


class AuthenticationStep:
    """ASGI step: authenticate, then hand the request (with `scope["state"]["principal"]`) to GraphQL."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app, self.authenticator = app, authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "POST") or _is_graphiql_page(scope):
            # WebSockets authenticate in `connection_init` (api/app.py, on_ws_connect); other methods
            # are refused (405) by the view without reading anything; the IDE page needs no key.
            await self.app(scope, receive, send)
            return
        credential = bearer_credential(header(scope, b"authorization"))
        unavailable = {"Retry-After": "5"}
        try:
            identified = await self.authenticator.identify(credential)
        except SigningKeysUnavailable:
            await _refuse(scope, receive, send, 503, IDENTITY_PROVIDER_DOWN, ErrorCode.SERVICE_UNAVAILABLE, unavailable)
            return
        except Exception as exc:
            if database_unavailable(exc):  # authentication needs the database: 503, not a 500
                await _refuse(scope, receive, send, 503, DATABASE_UNAVAILABLE_MESSAGE, ErrorCode.SERVICE_UNAVAILABLE, unavailable)
                return
            request_id = current_request_id()
            log.exception("internal error request_id=%s in authentication", request_id, extra={"request_id": request_id})
            await _refuse(scope, receive, send, 500, INTERNAL_ERROR_MESSAGE, ErrorCode.INTERNAL_SERVER_ERROR, {},
                          extensions={"requestId": request_id})
            return
        if identified is None:
            await _unauthenticated(scope, receive, send)
            return
        note_authenticated(scope)
        state = scope.setdefault("state", {})
        state[PRINCIPAL_STATE], state[IDENTITY_STATE] = identified
        await self.app(scope, receive, send)


def _prefers_graphql_response_json(scope: Scope) -> bool:
    return negotiate(header(scope, b"accept")) == GRAPHQL_RESPONSE_JSON


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, message: str, code: ErrorCode, headers: dict[str, str],
    extensions: dict[str, Any] | None = None,
) -> None:
    note_refusal(scope, code.value)
    response = graphql_error_response(status, message, code=code.value, headers=headers, extensions=extensions)
    if _prefers_graphql_response_json(scope):
        response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    await response(scope, receive, send)


async def _unauthenticated(scope: Scope, receive: Receive, send: Send) -> None:
    if _prefers_graphql_response_json(scope):
        headers = {"WWW-Authenticate": "Bearer"}
        await _refuse(scope, receive, send, 401, UNAUTHENTICATED_MESSAGE, ErrorCode.UNAUTHENTICATED, headers)
        return
    note_refusal(scope, ErrorCode.UNAUTHENTICATED.value)
    error = {"message": UNAUTHENTICATED_MESSAGE, "extensions": {"code": ErrorCode.UNAUTHENTICATED.value}}
    await JSONResponse({"data": None, "errors": [error]})(scope, receive, send)
