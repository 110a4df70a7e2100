"""How failures reach clients: expected ones with a code, unexpected ones tagged INTERNAL_SERVER_ERROR."""

from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from domain.db import database_unavailable
from domain.errors import DomainError, ErrorCode

DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again shortly."


class CodedError(GraphQLError):
    """A top-level GraphQL error carrying `extensions.code` (and the offending field, if any)."""

    def __init__(self, message: str, code: ErrorCode, field: str | None = None) -> None:
        extensions: dict[str, str] = {"code": code.value}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


@contextmanager
def domain_errors_as_graphql() -> Iterator[None]:
    """Turn a DomainError raised by a service into a coded GraphQL error (for queries)."""
    try:
        yield
    except DomainError as exc:
        raise CodedError(exc.message, exc.code, exc.field) from exc


class ErrorCodes(SchemaExtension):
    """Give every error a code: validation errors are the client's, anything unforeseen is ours."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            extensions = error.extensions if error.extensions is not None else {}
            if "code" in extensions:
                continue
            original = error.original_error
            if original is None or isinstance(original, GraphQLError):
                extensions["code"] = _request_error_code(error).value
            elif isinstance(original, DomainError):
                extensions["code"] = original.code.value
            elif database_unavailable(original):
                # The database is down or unreachable: the client may retry; no driver details leak.
                error.message = DATABASE_UNAVAILABLE_MESSAGE
                extensions["code"] = ErrorCode.SERVICE_UNAVAILABLE.value
            else:
                extensions["code"] = ErrorCode.INTERNAL_SERVER_ERROR.value
            error.extensions = extensions


def _request_error_code(error: GraphQLError) -> ErrorCode:
    """Errors graphql-core raises before running anything: the request itself is wrong."""
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if error.message.startswith("Variable '$"):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED
