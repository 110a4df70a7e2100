"""Reading request headers from an ASGI scope, and the bearer credential: one way for every edge step."""

from starlette.types import Scope


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of header `name` (lower-case bytes), or None."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def bearer_credential(value: str | None) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header value, or None."""
    scheme, _, credential = (value or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credential.strip() or None
