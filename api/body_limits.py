"""Request body limits in front of /graphql (413 PAYLOAD_TOO_LARGE) and the refusal of batched operations.

A JSON body may be `max_body_bytes` long; a multipart upload (contactsImport) `max_upload_bytes` for
the file plus `max_body_bytes` for its `operations` and `map` parts and the multipart framing. A
declared Content-Length over the limit is refused before a byte is read; otherwise the bytes are
counted as they arrive and the request is refused as soon as they pass the limit, so an oversized
body is never held in memory. JSON bodies (at most `max_body_bytes`) are read here and handed on.

Batching (a JSON array of operations in one POST) is off unless `max_batch_operations` is set: then
a batch of 1..max operations is accepted, its size is left in the request's state for the rate limit
(the next step, api/ratelimit.py: one token per operation, all or none), and the GraphQL app runs
its operations one after another (api/app.py). Otherwise: 400 BATCHING_DISABLED, or 400
BATCH_TOO_LARGE past the maximum; either way nothing runs.
"""

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.headers import header
from api.http_errors import refuse

PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
BATCHING_DISABLED = "BATCHING_DISABLED"
BATCH_TOO_LARGE = "BATCH_TOO_LARGE"
# How many operations the request carries (a batch's size), for the rate limit after this step.
OPERATIONS_STATE = "rapport.operations"
_BODY_METHODS = {"POST", "PUT", "PATCH"}


def _is_batch(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int, max_batch_operations: int = 0
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.max_batch_operations = max_batch_operations

    def _limit(self, multipart: bool) -> int | None:
        """Bytes allowed, or None for no limit (0 in the settings); the two limits are independent."""
        if multipart:
            return None if self.max_upload_bytes <= 0 else self.max_upload_bytes + max(self.max_body_bytes, 0)
        return None if self.max_body_bytes <= 0 else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        content_type = (header(scope, b"content-type") or "").split(";")[0].strip().lower()
        multipart = content_type == "multipart/form-data"
        limit = self._limit(multipart)
        declared = header(scope, b"content-length")
        if limit is not None and declared is not None and declared.strip().isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        if multipart:
            await self._stream(scope, receive, send, limit)
            return
        body = await self._read(receive, limit)
        if body is None:
            await self._too_large(scope, receive, send, limit or 0)
            return
        if "json" in content_type and _is_batch(body) and not await self._batch_admitted(scope, receive, send, body):
            return
        await self.app(scope, _replay(body, receive), send)

    async def _batch_admitted(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> bool:
        """True when the batch may run; otherwise it has been refused (and nothing ran)."""
        if self.max_batch_operations <= 0:
            await refuse(
                scope, receive, send, 400,
                "batched operations (a JSON array) are not accepted: send one operation per request",
                code=BATCHING_DISABLED,
            )
            return False
        try:
            operations = json.loads(body)
        except (ValueError, RecursionError):
            return True  # not JSON, or absurdly nested: the GraphQL app answers 400 for the malformed body
        if not isinstance(operations, list):
            return True
        if not operations:
            await refuse(scope, receive, send, 400, "the batch is empty: send at least one operation", code="BAD_REQUEST")
            return False
        if len(operations) > self.max_batch_operations:
            await refuse(
                scope, receive, send, 400,
                f"a batch holds at most {self.max_batch_operations} operations; this one has {len(operations)}",
                code=BATCH_TOO_LARGE, extensions={"maxOperations": self.max_batch_operations},
            )
            return False
        scope.setdefault("state", {})[OPERATIONS_STATE] = len(operations)
        return True

    async def _read(self, receive: Receive, limit: int | None) -> bytes | None:
        """The whole body, or None as soon as it passes `limit`."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away; the app will see an empty body
            chunk = message.get("body", b"")
            size += len(chunk)
            if limit is not None and size > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, limit: int | None) -> None:
        """Hand the body on as it arrives; past the limit, answer 413 and tell the app the client left.

        The app then stops reading (Starlette raises ClientDisconnect) and nothing runs: a truncated
        body is never handed on as if it were complete. Whatever the app still sends is dropped.
        """
        if limit is None:
            await self.app(scope, receive, send)
            return
        size = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal size, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > limit:
                    refused = True
                    if not started:  # always so: the GraphQL app reads the whole body before answering
                        await self._too_large(scope, receive, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except Exception:
            if not refused:
                raise

    @staticmethod
    async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        await refuse(
            scope, receive, send, 413, f"the request body is larger than {_size(limit)}",
            code=PAYLOAD_TOO_LARGE,
            extensions={"maxBytes": limit},
            # The rest of the body is not read: the client must not reuse this connection.
            headers={"Connection": "close"},
        )


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KiB"
    return f"{n} bytes"
