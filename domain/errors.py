"""Expected failures of the domain, each with a code from one enum."""

from enum import Enum


class ErrorCode(str, Enum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    MODEL_INVALID = "MODEL_INVALID"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    # Abuse limits on documents (api.limits): too many tokens, too deep, too many aliases.
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    # More nodes requested than max_query_cost allows (api.limits).
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(DomainError):
    code = ErrorCode.BAD_USER_INPUT


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class ModelInvalid(DomainError):
    """A model version that exists but cannot serve (artifact changed, damaged or unloadable)."""

    code = ErrorCode.MODEL_INVALID


class ServiceUnavailable(DomainError):
    """Something the request needs is down; trying again later may work."""

    code = ErrorCode.SERVICE_UNAVAILABLE


class Conflict(DomainError):
    """The change contradicts the current state (a duplicate, the last admin, a deactivated user)."""

    code = ErrorCode.CONFLICT
