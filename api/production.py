"""What changes when RAPPORT_ENV=production: no introspection, no suggestions, internal errors masked.

Request ids are api/observability.py's (its middleware binds one per request, echoed in X-Request-ID);
the helpers below only bind one when nothing did (an app without that middleware).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextvars import Token

from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, SchemaExtension

from api.observability import current_request_id, request_id_from, request_id_var
from domain.errors import DomainError, ErrorCode

log = logging.getLogger("api.errors")

REQUEST_ID_HEADER = "x-request-id"
INTERNAL_ERROR_MESSAGE = "Internal server error"
# graphql-core appends suggestions to validation/coercion messages: " Did you mean 'x'?" (or "... or 'y'?").
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


def request_id_from_header(value: str | None) -> str:
    """The client's X-Request-ID if sane, else a fresh uuid4 hex."""
    return request_id_from(value)


def bind_request_id(request_id: str) -> Token[str | None]:
    return request_id_var.set(request_id)


def unbind_request_id(token: Token[str | None]) -> None:
    request_id_var.reset(token)


def _is_internal(error: GraphQLError) -> bool:
    code = (error.extensions or {}).get("code")
    if code == ErrorCode.INTERNAL_SERVER_ERROR.value:
        return True
    if code is not None:
        return False
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, DomainError))


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class ProductionErrors(SchemaExtension):
    """Hide what an attacker could learn from: field suggestions and unexpected exceptions.

    An unexpected error becomes "Internal server error" with code INTERNAL_SERVER_ERROR and the
    request id in `extensions.requestId`; the same id is in the error's log line. Validation errors
    keep their explanation, only without "Did you mean ...?".
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        errors: list[GraphQLError] = []
        for error in result.errors:
            if _is_internal(error):
                request_id = current_request_id() or uuid.uuid4().hex
                log.error(
                    "internal error request_id=%s path=%s: %s",
                    request_id,
                    ".".join(str(p) for p in error.path or []),
                    error.message,
                    exc_info=error.original_error or error,
                    extra={"request_id": request_id},
                )
                error = GraphQLError(
                    INTERNAL_ERROR_MESSAGE,
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id},
                )
            else:
                error.message = without_suggestions(error.message)
            errors.append(error)
        result.errors = errors


def production_extensions() -> list[type[SchemaExtension] | SchemaExtension]:
    # DisableIntrospection adds graphql-core's NoSchemaIntrospectionCustomRule (__typename stays allowed).
    return [DisableIntrospection, ProductionErrors]
