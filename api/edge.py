"""The HTTP edge of /graphql: every step a request meets, in the order it meets them.

  1. request id, log line, metrics   ObservabilityMiddleware (api/observability.py): around every route
                                      (create_app adds it; the health checks get request ids too), so
                                      every refusal below is logged and counted under its code
  2. body size                        BodyLimitMiddleware (api/body_limits.py): 413 past MAX_BODY_BYTES /
                                      MAX_UPLOAD_BYTES, before more is read; a batch's size and shape
  3. rate limit                       RateLimitMiddleware (api/ratelimit.py): 429, one token per operation
  4. authentication                   AuthenticationStep (api/authentication.py): UNAUTHENTICATED before
                                      anything parses the document; the caller's principal and identity
  5. GraphQL over HTTP                GraphQLOverHTTP (api/http_conformance.py): 405/406/415, the request's
                                      JSON bounded (api/request_json.py), request errors as 400
  6. document limits                  QueryLimits (api/limits.py, a schema extension): tokens, selections,
                                      depth, aliases, page sizes, cost; before validation
  7. Strawberry                       validation (cached for known documents), execution (api/schema.py)
  8. one error classifier             ClassifiedErrors (api/errors.py): every error's code, faults masked
                                      and logged; the log line, metrics and HTTP status read those codes

Steps 2-4 are ASGI middlewares composed here, step 1 wraps the whole app; 5-8 live in the Strawberry
view and its schema.
Maintained parts where they do the job: Strawberry's MaskErrors (8), DisableIntrospection and
batching_config (api/schema.py), Starlette's form limits (5). Custom where they lack what is needed:
the cost (GitHub-style, no library has it), the selection bounds (graphql-core's overlap check is
quadratic, no library bounds it), GraphQL-over-HTTP status codes (Strawberry answers 200 for all).
"""

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from api.observability import Metrics, ObservabilityMiddleware
from api.authentication import AuthenticationStep
from api.body_limits import BodyLimitMiddleware
from api.ratelimit import BucketStore, RateLimitMiddleware, RedisBuckets, bucket_store
from domain.clock import Clock, elapsed_seconds
from domain.services.auth import Authenticator
from domain.settings import Settings


def observe_requests(app: Starlette, metrics: Metrics) -> None:
    """Step 1 around every route of the app: request ids; for /graphql the log line and the metrics."""
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)


class GraphQLEdge:
    """ASGI app of /graphql (HTTP and WebSocket): steps 2 to 4 in front of the Strawberry view."""

    def __init__(self, view: ASGIApp, *, settings: Settings, clock: Clock, authenticator: Authenticator) -> None:
        self.store: BucketStore | None = bucket_store(
            burst=settings.rate_limit_burst, per_second=settings.rate_limit_per_second, redis_url=settings.redis_url,
            redis_prefix=settings.rate_limit_redis_prefix, now=elapsed_seconds(clock),
        )
        app: ASGIApp = AuthenticationStep(view, authenticator)  # 4
        if self.store is not None:
            app = RateLimitMiddleware(app, store=self.store)  # 3
        self.app = BodyLimitMiddleware(  # 2
            app, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes,
            max_batch_operations=settings.max_batch_operations,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    async def aclose(self) -> None:
        """Close the Redis connections of the rate limit, if any (at shutdown)."""
        if isinstance(self.store, RedisBuckets):
            await self.store.aclose()
