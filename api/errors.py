"""The one error classifier: every GraphQL error gets its code here, and logging, metrics, masking and
the HTTP status all read that code.

- `classify` says what an error is: a code given by the code that raised it (a DomainError or a
  CodedError), a request error of graphql-core (parse, validation, variable coercion), the database
  being unreachable (SERVICE_UNAVAILABLE), or else a fault of ours (INTERNAL_SERVER_ERROR).
- `ClassifiedErrors` (Strawberry's MaskErrors, extended) writes the code into every error and, in
  every mode, replaces a fault by "Internal server error" with the request id: no answer carries an
  exception's text (SQL, its parameters, file paths). Development mode adds the exception's class
  name. Production mode also drops graphql-core's "Did you mean ...?" suggestions, which map the
  schema for whoever probes it (StrawberryConfig's disable_field_suggestions covers fields only).
- `log_faults` writes one line per fault with the request id, the operation's path and the
  exception's class (the JSON log formatter renders its traceback without messages).
"""

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from api.observability import current_request_id
from domain.db import database_unavailable
from domain.errors import DomainError, ErrorCode

log = logging.getLogger("api.errors")

INTERNAL_ERROR_MESSAGE = "Internal server error"
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; try again shortly."
# graphql-core appends suggestions to validation/coercion messages: " Did you mean 'x'?" (or "... or 'y'?").
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


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


def classify(error: GraphQLError) -> str:
    """The error's code (an ErrorCode value)."""
    code = (error.extensions or {}).get("code")
    if code is not None:
        return str(code)
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return _request_error_code(error).value
    if isinstance(original, DomainError):
        return original.code.value
    if database_unavailable(original):
        return ErrorCode.SERVICE_UNAVAILABLE.value
    return ErrorCode.INTERNAL_SERVER_ERROR.value


def is_fault(error: GraphQLError) -> bool:
    """A fault of ours, as opposed to a client's mistake or a known condition."""
    return classify(error) == ErrorCode.INTERNAL_SERVER_ERROR.value


def _request_error_code(error: GraphQLError) -> ErrorCode:
    """Errors graphql-core raises before running anything: the request itself is wrong."""
    if error.message.startswith("Syntax Error"):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if error.message.startswith("Variable '$"):
        return ErrorCode.BAD_USER_INPUT
    return ErrorCode.GRAPHQL_VALIDATION_FAILED


def log_faults(errors: list[GraphQLError]) -> None:
    """One line per fault: the request id, where in the operation, the exception's class (no message)."""
    for error in errors:
        if not is_fault(error):
            continue
        request_id = current_request_id()
        cause = error.original_error or error
        log.error(
            "internal error request_id=%s path=%s exception=%s", request_id,
            ".".join(str(p) for p in error.path or []) or "-", type(cause).__name__,
            exc_info=(type(cause), cause, cause.__traceback__), extra={"request_id": request_id},
        )


class ClassifiedErrors(MaskErrors):
    """Codes on every error; faults masked in every mode (see the module's docstring)."""

    def __init__(self, *, production: bool = False) -> None:
        super().__init__(should_mask_error=is_fault, error_message=INTERNAL_ERROR_MESSAGE)
        self.production = production

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            code = classify(error)
            extensions = error.extensions if error.extensions is not None else {}
            extensions["code"] = code
            error.extensions = extensions
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError | DomainError) and database_unavailable(original):
                error.message = DATABASE_UNAVAILABLE_MESSAGE  # no driver details
            elif self.production and code != ErrorCode.INTERNAL_SERVER_ERROR.value:
                error.message = _SUGGESTION.sub("", error.message)
        return super()._process_errors(errors)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id() or uuid.uuid4().hex
        extensions: dict[str, Any] = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
        if not self.production and error.original_error is not None:
            extensions["exception"] = type(error.original_error).__name__
        return GraphQLError(
            INTERNAL_ERROR_MESSAGE, nodes=error.nodes, source=error.source, positions=error.positions,
            path=error.path, extensions=extensions,
        )
