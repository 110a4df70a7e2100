"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/) where Strawberry deviates.

Strawberry's ASGI view already serves queries over GET and POST application/json, refuses other
methods with 405 and malformed JSON bodies with 400, and always answers application/json with 200.
This mixin adds what the specification asks on top:

- content negotiation: `application/graphql-response+json` when the client's Accept prefers it,
  `application/json` (the legacy media type) for `application/json`, `*/*` or no Accept header,
  406 Not Acceptable when Accept lists neither;
- 415 Unsupported Media Type for a POST whose Content-Type is neither JSON nor (uploads) multipart;
- 405 Method Not Allowed with `Allow: POST` for a mutation sent over GET (Strawberry answers 400);
- request errors (the document does not parse or validate, variables do not coerce, the operation
  cannot be chosen) carry no `data` key; they answer 400 under application/graphql-response+json
  and 200 under application/json, as every well-formed request does there;
- an exception escaping the view becomes a JSON 500 with a request id, logged with that id.
- refusals (405, 406, 415, 400 for a malformed body) are JSON `{"errors": [...]}` without `data`
  (api/http_errors.py), and a JSON body that is not an object is a 400, not a crash.

Authentication happens before this view (api/authentication.py): a request without a valid key or
token never reaches it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from api import request_json
from api.http_errors import graphql_error_response
from api.errors import INTERNAL_ERROR_MESSAGE
from api.observability import current_request_id
from domain.errors import ErrorCode

log = logging.getLogger("api.errors")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
LEGACY_JSON = "application/json"
_REQUEST_ERROR_CODES = {
    ErrorCode.GRAPHQL_PARSE_FAILED.value,
    ErrorCode.GRAPHQL_VALIDATION_FAILED.value,
    ErrorCode.BAD_USER_INPUT.value,
}

_STATUS_CODES = {
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: ErrorCode.INTERNAL_SERVER_ERROR.value,
    503: ErrorCode.SERVICE_UNAVAILABLE.value,  # the database is down while authenticating (api/app.py)
}

_media_type: ContextVar[str] = ContextVar("rapport_response_media_type", default=LEGACY_JSON)


class HTTPError(HTTPException):
    """An HTTP refusal that carries response headers (e.g. Allow)."""

    def __init__(self, status_code: int, reason: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code, reason)
        self.headers = headers or {}


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when it allows neither JSON type.

    No Accept, `*/*` and `application/*` get the legacy application/json (as the spec's
    compatibility rules and existing clients expect); at equal quality the explicit
    application/graphql-response+json wins.
    """
    if accept is None or not accept.strip():
        return LEGACY_JSON
    best: tuple[float, int, int] | None = None
    chosen: str | None = None
    for part in accept.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        media = media.lower()
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            candidate, score = GRAPHQL_RESPONSE_JSON, (quality, 2, 1)
        elif media == LEGACY_JSON:
            candidate, score = LEGACY_JSON, (quality, 2, 0)
        elif media == "application/*":
            candidate, score = LEGACY_JSON, (quality, 1, 0)
        elif media == "*/*":
            candidate, score = LEGACY_JSON, (quality, 0, 0)
        else:
            continue
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """True when nothing executed: the document, the variables or the operation choice was wrong."""
    if not result.errors or result.data is not None:
        return False
    if isinstance(result, PreExecutionError):
        return True
    return all(
        error.path is None and (error.extensions or {}).get("code") in _REQUEST_ERROR_CODES
        for error in result.errors
    )


def _is_json(content_type: str | None) -> bool:
    media, _ = parse_content_type(content_type or "")
    return media.lower() == LEGACY_JSON


class GraphQLOverHTTP:
    """Mixin for strawberry.asgi.GraphQL: put it before GraphQL in the bases."""

    multipart_uploads_enabled: bool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # type: ignore[misc]
            return
        request = Request(scope, receive)
        media_token = _media_type.set(LEGACY_JSON)
        try:
            response = await self._respond(request)
        finally:
            _media_type.reset(media_token)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        view: Any = self
        adapter = view.request_adapter_class(request)
        if not view.should_render_graphql_ide(adapter):
            media_type = negotiate(request.headers.get("accept"))
            if media_type is None:
                return graphql_error_response(
                    406, f"Not Acceptable: accept {GRAPHQL_RESPONSE_JSON} or {LEGACY_JSON}", code="NOT_ACCEPTABLE"
                )
            _media_type.set(media_type)
            if request.method == "POST" and not self._supported_content_type(request.headers.get("content-type")):
                return self._refusal(415, f"Unsupported Media Type: send Content-Type: {LEGACY_JSON}", {})
        try:
            return await view.run(request)
        except HTTPError as exc:
            return self._refusal(exc.status_code, exc.reason, exc.headers)
        except HTTPException as exc:
            return self._refusal(exc.status_code, exc.reason, {"Allow": "GET, POST"} if exc.status_code == 405 else {})
        except StarletteHTTPException as exc:
            # Starlette's form parser refuses a malformed or oversized upload this way (no boundary, a part
            # over 1 MiB, more than 1,000 fields or files, a header too large): the client's mistake.
            return self._refusal(400 if exc.status_code >= 500 else exc.status_code, str(exc.detail)[:300], {})
        except Exception:
            request_id = current_request_id()
            log.exception(
                "internal error request_id=%s outside GraphQL execution", request_id, extra={"request_id": request_id}
            )
            return self._refusal(500, INTERNAL_ERROR_MESSAGE, {}, extensions={"requestId": request_id})

    @staticmethod
    def _refusal(
        status: int, message: str, headers: dict[str, str], extensions: dict[str, Any] | None = None
    ) -> Response:
        """A request refused before (or outside) execution: a GraphQL-shaped error body, no `data`."""
        response = graphql_error_response(
            status, message, code=_STATUS_CODES.get(status, "BAD_REQUEST"), extensions=extensions, headers=headers
        )
        if _media_type.get() == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        return response

    def _supported_content_type(self, header: str | None) -> bool:
        if not header or not header.strip():
            return False
        media, _ = parse_content_type(header)
        media = media.lower()
        return media == LEGACY_JSON or (self.multipart_uploads_enabled and media == "multipart/form-data")

    async def get_sub_response(self, request: Request) -> Response:
        sub_response: Response = await super().get_sub_response(request)  # type: ignore[misc]
        request.state.graphql_sub_response = sub_response
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        """Every JSON the client sends (body, upload parts, GET parameters): bounded and well-formed (api/request_json.py)."""
        try:
            return request_json.decode(data)
        except request_json.BadJson as exc:
            raise HTTPException(400, str(exc)) from None

    async def parse_http_body(self, request: Any) -> Any:
        try:
            data = await super().parse_http_body(request)  # type: ignore[misc]
        except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
            # Strawberry assumes a JSON object, and an upload's `map` that points into its `operations`:
            # a string or number body, or a map to nowhere, is a malformed request, not a 500.
            raise HTTPException(
                400, "Malformed request: send a JSON object (or, batching on, an array of them); an upload's"
                " `map` must name paths of its `operations`"
            ) from exc
        if isinstance(data, list) and request.method == "POST" and not _is_json(request.content_type):
            # api/body_limits.py counts and charges JSON batches only; an upload carries one operation.
            raise HTTPException(400, "a file upload carries one operation: send its operations as one object")
        return data

    async def execute_single(self, **kwargs: Any) -> ExecutionResult:
        try:
            return await super().execute_single(**kwargs)  # type: ignore[misc]
        except HTTPException as exc:
            cause = exc.__cause__
            if isinstance(cause, InvalidOperationTypeError) and kwargs["request_adapter"].method == "GET":
                raise HTTPError(405, exc.reason, headers={"Allow": "POST"}) from cause
            if isinstance(cause, CannotGetOperationTypeError):
                # A well-formed request whose operation cannot be chosen: a GraphQL request error.
                error = GraphQLError(exc.reason, extensions={"code": ErrorCode.GRAPHQL_VALIDATION_FAILED.value})
                return PreExecutionError(data=None, errors=[error])
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = await super().process_result(request, result)  # type: ignore[misc]
        if is_request_error(result):
            response.pop("data", None)
            if _media_type.get() == GRAPHQL_RESPONSE_JSON:
                sub_response: Response | None = getattr(request.state, "graphql_sub_response", None)
                if sub_response is not None and not sub_response.status_code:
                    sub_response.status_code = 400
        return response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response: Response = super().create_response(response_data, sub_response)  # type: ignore[misc]
        media_type = _media_type.get()
        if media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        return response
